// Loads the kubeconfig (in memory only; it is never written or logged) into the transport the Kubernetes port
// uses. The common forms a CI secret or a cloud login step holds — a bearer token or a client certificate, inline,
// with a CA, or an exec credential plugin (exec-credential.ts) — are read here directly; a kubeconfig with anything
// else (auth providers, proxies, files, impersonation, or any field this file does not know) goes through
// @kubernetes/client-node, which is large and so loaded only then.
// Nothing a kubeconfig says is ignored: what client-node does not apply either (impersonated groups, uid, extras)
// is added here as the Impersonate-* headers kubectl sends.
import { readFileSync } from 'node:fs'
import type { RequestOptions } from 'node:https'
import { parse } from 'yaml'
import { InputError } from '../../shared/errors.js'
import type { Transport } from '../port.js'
import { execCredential, type ExecConfig, type ExecCredential } from './exec-credential.js'

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

/**
 * `contextName`: the context input (empty: the kubeconfig's current context). `source`: where the kubeconfig came
 * from, for messages (the input, or the runner's files). `secret`: told every credential as it goes on the wire.
 */
export async function transportFromKubeconfig(
  text: string,
  contextName = '',
  source = 'the kubeconfig input',
  secret: (value: string) => void = () => {},
): Promise<Transport> {
  const transport = await loadTransport(text, contextName, source)
  // Whatever the credential turned into on the wire (a token read from a tokenFile, minted by an exec plugin or
  // an auth provider) is masked before anything could print it.
  const seen = new Set<string>()
  return {
    ...transport,
    authorize: async (options) => {
      await transport.authorize(options)
      const header =
        (options.headers as Record<string, unknown> | undefined)?.authorization ??
        (options.headers as Record<string, unknown> | undefined)?.Authorization
      const value = typeof header === 'string' ? header.replace(/^(Bearer|Basic)\s+/i, '') : ''
      if (value && !seen.has(value)) {
        seen.add(value)
        secret(value)
      }
    },
  }
}

async function loadTransport(text: string, contextName: string, source: string): Promise<Transport> {
  let config: Kubeconfig
  try {
    config = (parse(text) ?? {}) as Kubeconfig
  } catch (e) {
    throw new InputError('kubeconfig', `is not valid YAML: ${(e as Error).message.split('\n')[0]}`)
  }
  const name = contextName || config['current-context']
  const context = config.contexts?.find((c) => c.name === name)?.context
  if (contextName && !context) {
    const names = (config.contexts ?? []).map((c) => c.name).join(', ') || 'none'
    throw new InputError('context', `"${contextName}" is not a context of ${source} (it has: ${names}).`)
  }
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster
  if (!context || !cluster) {
    throw new InputError(
      'kubeconfig',
      `${source} has no usable current-context${name ? ` ("${name}" names no cluster)` : ''}.`,
    )
  }
  if (!/^https?:\/\//.test(cluster.server ?? '')) {
    throw new InputError(
      'kubeconfig',
      `the cluster of context "${name}" in ${source} has no http(s) server address.`,
    )
  }
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {}
  if (!fastPathUnderstands(cluster, user))
    return clientNodeTransport(text, cluster.server!, user, contextName)

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
  const plugin = user.exec
    ? execPlugin(user.exec as ExecConfig, cluster as ClusterEntry & { server: string })
    : null
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
      if (plugin) await plugin.authorize(options)
    },
    ...(plugin ? { renew: plugin.renew } : {}),
  }
}

/** Margin before a plugin credential's expirationTimestamp at which the plugin is run again. */
const EXEC_RENEW_MARGIN_MS = 30_000

/** An exec plugin's credential, run when first needed, again before it expires and once after a 401. */
function execPlugin(exec: ExecConfig, cluster: ClusterEntry & { server: string }) {
  if (!exec || typeof exec.command !== 'string' || !exec.command)
    throw new InputError('kubeconfig', 'has a user with an exec credential plugin but no command.')
  let current: ExecCredential | null = null
  let pending: Promise<ExecCredential> | null = null
  const due = () =>
    !current || (current.expiresAt !== null && Date.now() > current.expiresAt - EXEC_RENEW_MARGIN_MS)
  const credential = async () => {
    if (!due()) return current!
    pending ??= execCredential(exec, cluster)
      .then((c) => (current = c))
      .finally(() => (pending = null))
    return pending
  }
  return {
    async authorize(options: RequestOptions) {
      const c = await credential()
      if (c.token) options.headers = { ...options.headers, authorization: `Bearer ${c.token}` }
      if (c.clientCertificateData) options.cert = c.clientCertificateData
      if (c.clientKeyData) options.key = c.clientKeyData
    },
    async renew() {
      current = null
      await credential()
      return true
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
  'exec',
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
  contextName: string,
): Promise<Transport> {
  const { KubeConfig } = await import('@kubernetes/client-node')
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
    if (contextName) kc.setCurrentContext(contextName)
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

export { kubeconfigSecrets } from './kubeconfig-secrets.js'
