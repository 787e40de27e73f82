// The kubeconfigs of `kube-pr-preview init`: the admin's, for --apply and --check, and the ServiceAccount's it
// writes with --kubeconfig-out.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { parse, stringify } from 'yaml'
import type { Transport } from '../kube/port.js'
import { createHttp, DEFAULT_RETRY } from '../kube/transport/http.js'
import { kubeconfigPaths, mergeKubeconfigs } from '../kube/transport/kubeconfig-files.js'
import { SERVICE_ACCOUNT } from './init-args.js'

/** The runner's or the admin's current kubeconfig, for --apply and --check. */
export function currentKubeconfig(): string {
  const paths = kubeconfigPaths(process.env.KUBECONFIG, homedir()).filter((p) => existsSync(p))
  if (!paths.length)
    throw new Error('--apply and --check need a kubeconfig: set KUBECONFIG or create ~/.kube/config')
  return mergeKubeconfigs(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })))
}

/** A kubeconfig for the ServiceAccount with a token from the TokenRequest API (expires; run init again to rotate). */
export async function serviceAccountKubeconfig(
  transport: Transport,
  kubeconfigText: string,
  seconds: number,
): Promise<{ text: string; expires: string }> {
  const http = createHttp(transport, DEFAULT_RETRY)
  const what = `requesting a token for ServiceAccount ${SERVICE_ACCOUNT.namespace}/${SERVICE_ACCOUNT.name}`
  const res = await http.call(
    'POST',
    `/api/v1/namespaces/${SERVICE_ACCOUNT.namespace}/serviceaccounts/${SERVICE_ACCOUNT.name}/token`,
    what,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: seconds } },
  )
  const review = http.ok(res, what) as { status?: { token?: string; expirationTimestamp?: string } }
  const token = review.status?.token
  if (!token) throw new Error('the API server made no token for the ServiceAccount')
  const config = parse(kubeconfigText) as {
    'current-context'?: string
    contexts?: Array<{ name: string; context: { cluster: string } }>
    clusters?: Array<{ name: string; cluster: Record<string, unknown> }>
  }
  const ctx = config.contexts?.find((c) => c.name === config['current-context'])
  const cluster = config.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster ?? {}
  const caFile = cluster['certificate-authority']
  const ca =
    (cluster['certificate-authority-data'] as string | undefined) ??
    (typeof caFile === 'string' ? readFileSync(caFile).toString('base64') : undefined)
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'previews',
        cluster: { server: cluster.server, ...(ca ? { 'certificate-authority-data': ca } : {}) },
      },
    ],
    users: [{ name: 'kube-pr-preview', user: { token } }],
    contexts: [{ name: 'previews', context: { cluster: 'previews', user: 'kube-pr-preview' } }],
    'current-context': 'previews',
  })
  return { text, expires: review.status?.expirationTimestamp ?? `in ${seconds} s` }
}
