// The HTTP side of the Kubernetes port: one keep-alive agent per run, the kubeconfig's credentials on every
// request, and retries of what is transient (429, 5xx, dropped connections) with bounded exponential backoff and
// the server's Retry-After. Other failures become a KubeError with a message a person can act on.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https'
import { KubeError, type KubeCause, type RetryPolicy, type Transport } from '../port.js'

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 5000, outageMs: 90_000 }
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504])
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ECONNABORTED',
])
export const FIELD_MANAGER = 'kube-pr-preview'

export interface Response {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

/** The texts of kube-apiserver's `Warning: 299 - "…"` headers (e.g. what Pod Security `warn` would refuse). Pure. */
export function apiWarnings(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '')
  return [...text.matchAll(/299 [^ ]+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'))
}

/** Requests to the API server of one kubeconfig, with the retry policy of the run. */
export function createHttp(transport: Transport, retry: RetryPolicy) {
  const url = new URL(transport.server)
  const secure = url.protocol === 'https:'
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 32 })
    : new HttpAgent({ keepAlive: true, maxSockets: 32 })
  const basePath = url.pathname.replace(/\/$/, '')
  /** The server has answered in this run: a failure now is an outage to ride out, not a wrong address. */
  let reached = false
  /** The API server's clock minus this machine's, from the last response (ms). */
  let offset = 0

  async function options(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<RequestOptions> {
    const o: RequestOptions = {
      method,
      hostname: url.hostname,
      port: url.port || (secure ? 443 : 80),
      path: basePath + path,
      headers: { accept: 'application/json', 'user-agent': 'kube-pr-preview', ...headers },
    }
    await transport.authorize(o)
    // One keep-alive agent for the run (requests carry their own TLS options), unless a proxy agent is needed.
    if (!transport.usesProxy) o.agent = agent
    return o
  }

  function once(
    o: RequestOptions,
    body: string | undefined,
    stream?: (res: IncomingMessage) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)({ ...o, signal }, (res) => {
        // The server's clock (its Date header has whole seconds: the middle of that second).
        const date = Date.parse(String(res.headers.date ?? ''))
        if (Number.isFinite(date)) offset = date + 500 - Date.now()
        if (stream && res.statusCode === 200) {
          stream(res).then(() => resolve({ status: 200, headers: res.headers, body: '' }), reject)
          return
        }
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  async function call(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    contentType = 'application/json',
    policy: RetryPolicy = retry,
  ): Promise<Response> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    // An explicit length: without it Node sends a DELETE body unframed, and on a kept-alive connection the
    // server then reads that body as the start of the next request.
    const headers: Record<string, string> =
      payload === undefined
        ? {}
        : { 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)) }
    let last: unknown
    let renewed = false
    const started = Date.now()
    const until = () => (reached ? Math.min(policy.untilMs ?? Infinity, started + (policy.outageMs ?? 0)) : 0)
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        const pause = backoff(policy, attempt, last)
        // The attempts first; then as long as the outage budget and the run's deadline allow.
        if (attempt >= policy.attempts && Date.now() + pause > until()) break
        await sleep(pause)
      }
      let res: Response
      try {
        res = await once(await options(method, path, headers), payload)
        reached = true
      } catch (e) {
        last = e
        if (TRANSIENT_CODES.has((e as NodeJS.ErrnoException).code ?? '')) continue
        throw unreachable(transport.server, e)
      }
      // A short-lived credential the server no longer takes: once more with a fresh one, at once.
      if (res.status === 401 && !renewed && transport.renew) {
        renewed = true
        if (await transport.renew()) {
          attempt--
          continue
        }
      }
      if (TRANSIENT_STATUS.has(res.status)) {
        last = res
        continue
      }
      return res
    }
    if (last && typeof last === 'object' && 'status' in last)
      throw errorFrom(last as Response, what, transport)
    throw unreachable(transport.server, last)
  }

  const ok = (res: Response, what: string) => {
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.body || '{}') as unknown
    throw errorFrom(res, what, transport)
  }

  /** Now by the API server's clock: what the controllers stamp on conditions and events. */
  const serverTime = () => Date.now() + offset
  return { options, once, call, ok, serverTime }
}

export type Http = ReturnType<typeof createHttp>

export function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]): [string, string] => [k, String(v)])
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : ''
}

export function backoff(policy: RetryPolicy, attempt: number, last: unknown): number {
  const retryAfter = Number((last as Response | undefined)?.headers?.['retry-after'])
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter * 1000, policy.maxMs * 4)
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1))
  return exp / 2 + Math.random() * (exp / 2)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function errorFrom(
  res: Response,
  what: string,
  transport?: Pick<Transport, 'explainRefusal'>,
): KubeError {
  let status: { reason?: string; message?: string; details?: { causes?: KubeCause[] } } = {}
  try {
    status = JSON.parse(res.body) as typeof status
  } catch {
    status = { message: res.body.slice(0, 300) }
  }
  const message = status.message ?? `HTTP ${res.status}`
  // Admission refusals are 403s too (Pod Security, quota, a terminating namespace): RBAC only when it is.
  const rbac = res.status === 403 && /cannot [a-z]+ resource/i.test(message)
  const explained =
    res.status === 401 || rbac ? transport?.explainRefusal?.(res.status as 401 | 403) : undefined
  const hint = explained
    ? ` — ${explained}`
    : res.status === 401
      ? " — the cluster did not accept the kubeconfig's credentials (expired token or certificate?)"
      : rbac
        ? ' — the user lacks RBAC permission for this; run `npx kube-pr-preview init` (README, "Least privilege: init")'
        : ''
  return new KubeError(
    res.status,
    status.reason ?? String(res.status),
    `${what}: ${message}${hint}`,
    status.details?.causes ?? [],
  )
}

function unreachable(server: string, e: unknown): KubeError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  const detail = code ? `${code}: ${(e as Error).message}` : String((e as Error | undefined)?.message ?? e)
  return new KubeError(
    0,
    'Unreachable',
    `cannot reach the Kubernetes API at ${server} (${detail}); check the kubeconfig's server address and that the runner can reach it`,
  )
}
