// How the action reaches the cluster, from the inputs: a kubeconfig given as an input, GitHub OIDC straight to an
// API server that trusts GitHub's issuer (cluster-server, cluster-ca, oidc-audience), or else the runner's own
// kubeconfig ($KUBECONFIG or ~/.kube/config, as a cloud login step leaves it). Pure.
import { InputError } from '../shared/errors.js'
import type { InputReader } from './reader.js'

export type ClusterAccess =
  /** The kubeconfig input (YAML text); `context`: empty for its current context. */
  | { kind: 'kubeconfig'; text: string; context: string }
  /** $KUBECONFIG or ~/.kube/config, read when the run needs the cluster. */
  | { kind: 'runner'; context: string }
  /** The job's GitHub OIDC token for `audience`, sent to `server`; `ca`: PEM, null for the system's roots. */
  | { kind: 'oidc'; server: string; ca: string | null; audience: string }

/** PEM, or base64 of PEM (a variable holding a CA often is). */
export function decodeCa(raw: string): string {
  const text = raw.trim()
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text
  const decoded = /^[A-Za-z0-9+/=\s]+$/.test(text)
    ? Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8')
    : ''
  if (decoded.includes('-----BEGIN CERTIFICATE-----')) return decoded
  throw new InputError(
    'cluster-ca',
    "is not a PEM certificate (-----BEGIN CERTIFICATE-----) or base64 of one: give the API server's CA.",
  )
}

export function parseClusterAccess(read: InputReader, kubeconfig: string): ClusterAccess {
  const context = read('context').trim()
  const server = read('cluster-server').trim()
  const ca = read('cluster-ca').trim()
  const audience = read('oidc-audience').trim()
  const oidc = server || ca || audience
  if (kubeconfig && oidc)
    throw new InputError(
      server ? 'cluster-server' : ca ? 'cluster-ca' : 'oidc-audience',
      'is for GitHub OIDC access, and the kubeconfig input is set too: give one of the two.',
    )
  if (kubeconfig) return { kind: 'kubeconfig', text: kubeconfig, context }
  if (!oidc) return { kind: 'runner', context }
  if (context)
    throw new InputError('context', 'names a kubeconfig context, and GitHub OIDC access has no kubeconfig.')
  if (!server)
    throw new InputError(
      'cluster-server',
      'is required with oidc-audience: the API server URL, e.g. https://k8s.example.com:6443.',
    )
  let url: URL
  try {
    url = new URL(server)
  } catch {
    throw new InputError(
      'cluster-server',
      `"${server}" is not a URL: give the API server, e.g. https://k8s.example.com:6443.`,
    )
  }
  if (url.protocol !== 'https:')
    throw new InputError('cluster-server', `"${server}" must be https: the OIDC token is a credential.`)
  if (!audience)
    throw new InputError(
      'oidc-audience',
      "is required with cluster-server: the audience the API server accepts for GitHub's tokens (its authentication configuration's jwt.issuer.audiences).",
    )
  return { kind: 'oidc', server: server.replace(/\/$/, ''), ca: ca ? decodeCa(ca) : null, audience }
}
