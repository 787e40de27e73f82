// Loads the kubeconfig (in memory only; it is never written or logged) into the transport the Kubernetes port
// uses. The common forms a CI secret holds — a bearer token or a client certificate, inline, with a CA — are read
// here directly; a kubeconfig with anything else (exec plugins, auth providers, proxies, files, impersonation, or
// any field this file does not know) goes through @kubernetes/client-node, which is large and so loaded only then.
// Nothing a kubeconfig says is ignored: what client-node does not apply either (impersonated groups, uid, extras)
// is added here as the Impersonate-* headers kubectl sends.
import { readFileSync } from 'node:fs'
import type { RequestOptions } from 'node:https'
import { parse } from 'yaml'
import { InputError } from '../../shared/errors.js'
import type { Transport } from '../port.js'

interface Named<T> {
  name: string
  [key: string]: unknown
  value?: T
}
interface ClusterEntry {
  server?: string
  'certificate-authority-data'?: string
  'certificate-authority'?: string
  'insecure-skip-tls-verify'?: boolean
  'tls-server-name'?: string
  'proxy-url'?: string
}
interface UserEntry {
  token?: string
  tokenFile?: string
  'client-certificate-data'?: string
  'client-certificate'?: string
  'client-key-data'?: string
  'client-key'?: string
  username?: string
  password?: string
  exec?: unknown
  'auth-provider'?: unknown
}
interface Kubeconfig {
  'current-context'?: string
  clusters?: Array<Named<never> & { cluster?: ClusterEntry }>
  users?: Array<Named<never> & { user?: UserEntry }>
  contexts?: Array<Named<never> & { context?: { cluster?: string; user?: string } }>
}

const fromData = (data: string | undefined, file: string | undefined) =>
  data ? Buffer.from(data, 'base64') : file ? readFileSync(file) : undefined

export async function transportFromKubeconfig(text: string): Promise<Transport> {
  let config: Kubeconfig
  try {
    config = (parse(text) ?? {}) as Kubeconfig
  } catch (e) {
    throw new InputError('kubeconfig', `is not valid YAML: ${(e as Error).message.split('\n')[0]}`)
  }
  const contextName = config['current-context']
  const context = config.contexts?.find((c) => c.name === contextName)?.context
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster
  if (!context || !cluster) {
    throw new InputError(
      'kubeconfig',
      `has no usable current-context${contextName ? ` ("${contextName}" names no cluster)` : ''}.`,
    )
  }
  if (!/^https?:\/\//.test(cluster.server ?? '')) {
    throw new InputError(
      'kubeconfig',
      `the cluster of context "${contextName}" has no http(s) server address.`,
    )
  }
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {}
  if (!fastPathUnderstands(cluster, user)) return clientNodeTransport(text, cluster.server!, user)

  const tls: RequestOptions = {}
  try {
    tls.ca = fromData(cluster['certificate-authority-data'], cluster['certificate-authority'])
    tls.cert = fromData(user['client-certificate-data'], user['client-certificate'])
    tls.key = fromData(user['client-key-data'], user['client-key'])
  } catch (e) {
    throw new InputError('kubeconfig', `names a file that cannot be read: ${(e as Error).message}`)
  }
  if (cluster['insecure-skip-tls-verify']) tls.rejectUnauthorized = false
  if (cluster['tls-server-name']) tls.servername = cluster['tls-server-name']
  const headers = (): Record<string, string> => {
    const token = user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined)
    if (token) return { authorization: `Bearer ${token}` }
    if (user.username)
      return {
        authorization: `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`,
      }
    return {}
  }
  return {
    server: cluster.server!,
    usesProxy: false,
    authorize: async (options) => {
      Object.assign(options, tls)
      options.headers = { ...options.headers, ...headers() }
    },
  }
}

/** Fields the fast path applies itself; a kubeconfig with any other field goes through client-node. */
const FAST_CLUSTER = new Set([
  'server',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'extensions',
])
const FAST_USER = new Set([
  'token',
  'tokenFile',
  'client-certificate-data',
  'client-key-data',
  'username',
  'password',
])

/** True when every field of the cluster and user entries is one the fast path applies. Pure. */
export function fastPathUnderstands(cluster: object, user: object): boolean {
  return (
    Object.keys(cluster).every((k) => FAST_CLUSTER.has(k)) && Object.keys(user).every((k) => FAST_USER.has(k))
  )
}

/** Impersonation that client-node does not apply itself (it applies `as`): groups, uid and extras. Pure. */
export function impersonationHeaders(user: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  const groups = user['as-groups']
  if (Array.isArray(groups) && groups.length) out['Impersonate-Group'] = groups.map(String)
  if (typeof user['as-uid'] === 'string') out['Impersonate-Uid'] = user['as-uid']
  const extra = user['as-user-extra']
  if (extra && typeof extra === 'object')
    for (const [k, v] of Object.entries(extra as Record<string, unknown>))
      out[`Impersonate-Extra-${encodeURIComponent(k)}`] = (Array.isArray(v) ? v : [v]).map(String)
  return out
}

async function clientNodeTransport(
  text: string,
  server: string,
  user: UserEntry | Record<string, unknown>,
): Promise<Transport> {
  const { KubeConfig } = await import('@kubernetes/client-node')
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
  } catch (e) {
    throw new InputError('kubeconfig', `could not be read: ${(e as Error).message.split('\n')[0]}`)
  }
  return {
    server,
    usesProxy: Boolean(kc.getCurrentCluster()?.proxyUrl),
    authorize: async (options) => {
      await kc.applyToHTTPSOptions(options)
      const extra = impersonationHeaders(user as Record<string, unknown>)
      if (Object.keys(extra).length) options.headers = { ...options.headers, ...extra }
    },
  }
}

/** Values of the kubeconfig that must never appear in a log: tokens, keys, certificates, passwords. */
export function kubeconfigSecrets(text: string): string[] {
  const found = new Set<string>([text.trim()])
  const pattern =
    /^\s*-?\s*(token|client-key-data|client-certificate-data|password|id-token|refresh-token|client-secret|access-token)\s*:\s*["']?([^"'\s]+)["']?\s*$/gm
  for (const m of text.matchAll(pattern)) if (m[2] && m[2].length >= 6) found.add(m[2])
  return [...found]
}
