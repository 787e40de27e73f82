// The Kubernetes port: the few API calls the action makes, over HTTPS with the kubeconfig's credentials.
// Built once per run and passed in. Transient failures (429, 5xx, dropped connections) are retried with bounded
// exponential backoff; other errors surface at once as KubeError with a message a person can act on.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https'
import type { KubeObject } from '../render.js'
import {
  describeRef,
  groupVersionBase,
  knownResource,
  refOf,
  resourceFromDiscovery,
  type ObjectRef,
  type Resource,
} from './resources.js'

export interface KubeList {
  items: KubeObject[]
  metadata: { resourceVersion?: string; continue?: string }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: KubeObject
}

export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
}

export interface Kube {
  /** The API server URL, for messages. */
  readonly server: string
  resource(apiVersion: string, kind: string): Promise<Resource>
  /**
   * Server-side apply, forcing conflicts, as the action's field manager (or another one of its own);
   * dryRun: validated, not stored.
   */
  apply(obj: KubeObject, options?: { dryRun?: boolean; fieldManager?: string }): Promise<KubeObject>
  /** Forgets what discovery found (or did not find): after a CustomResourceDefinition is established. */
  forgetDiscovery(): void
  /** Creates an object; null when one of that name already exists. */
  create(obj: KubeObject): Promise<KubeObject | null>
  /** Replaces an object guarded by its metadata.resourceVersion; null when someone changed it first. */
  replace(obj: KubeObject): Promise<KubeObject | null>
  /** The object, or null when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | null>
  /**
   * Deletes with background propagation (foreground: the object stays, marked, until its dependents such as a
   * Job's pods are gone); false when it was already gone. Preconditions guard against races.
   */
  delete(
    ref: ObjectRef,
    preconditions?: { uid?: string; resourceVersion?: string },
    propagation?: 'Background' | 'Foreground',
  ): Promise<boolean>
  list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    options?: ListOptions,
  ): Promise<KubeList>
  /** Streams changes after resourceVersion until the signal aborts or the server ends the watch. */
  watch(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    options: ListOptions & { resourceVersion?: string },
    onEvent: (e: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void>
  /** The last lines of a container's log; `previous`: of its instance before the last restart. */
  podLogs(
    namespace: string,
    pod: string,
    container: string,
    tailLines: number,
    previous?: boolean,
  ): Promise<string>
}

/** One thing the API server found wrong with an object: `spec.ports[0].port` and why. */
export interface KubeCause {
  field?: string
  message?: string
  reason?: string
}

export class KubeError extends Error {
  readonly status: number
  readonly reason: string
  readonly causes: KubeCause[]
  constructor(status: number, reason: string, message: string, causes: KubeCause[] = []) {
    super(message)
    this.name = 'KubeError'
    this.status = status
    this.reason = reason
    this.causes = causes
  }
}

export interface Transport {
  server: string
  /** A proxy from the kubeconfig: then the agent that authorize() sets is kept. */
  usesProxy: boolean
  /** Adds the kubeconfig's TLS material and credentials to request options (client-node's KubeConfig does this). */
  authorize(options: RequestOptions): Promise<void>
}

export interface RetryPolicy {
  attempts: number
  baseMs: number
  maxMs: number
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 5000 }
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
const FIELD_MANAGER = 'kube-pr-preview'

interface Response {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

/** The texts of kube-apiserver's `Warning: 299 - "…"` headers (e.g. what Pod Security `warn` would refuse). Pure. */
export function apiWarnings(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '')
  return [...text.matchAll(/299 [^ ]+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'))
}

export function createKube(
  transport: Transport,
  retry: RetryPolicy = DEFAULT_RETRY,
  /** Told each distinct warning kube-apiserver sends with an apply, once. */
  onWarning?: (warning: string) => void,
): Kube {
  const warned = new Set<string>()
  const url = new URL(transport.server)
  const secure = url.protocol === 'https:'
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 32 })
    : new HttpAgent({ keepAlive: true, maxSockets: 32 })
  const basePath = url.pathname.replace(/\/$/, '')
  const discovered = new Map<string, Promise<unknown>>()

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
  ): Promise<Response> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    // An explicit length: without it Node sends a DELETE body unframed, and on a kept-alive connection the
    // server then reads that body as the start of the next request.
    const headers: Record<string, string> =
      payload === undefined
        ? {}
        : { 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)) }
    let last: unknown
    for (let attempt = 0; attempt < retry.attempts; attempt++) {
      if (attempt > 0) await sleep(backoff(retry, attempt, last))
      let res: Response
      try {
        res = await once(await options(method, path, headers), payload)
      } catch (e) {
        last = e
        if (TRANSIENT_CODES.has((e as NodeJS.ErrnoException).code ?? '')) continue
        throw unreachable(transport.server, e)
      }
      if (TRANSIENT_STATUS.has(res.status)) {
        last = res
        continue
      }
      return res
    }
    if (last && typeof last === 'object' && 'status' in last) throw errorFrom(last as Response, what)
    throw unreachable(transport.server, last)
  }

  const ok = (res: Response, what: string) => {
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.body || '{}') as unknown
    throw errorFrom(res, what)
  }

  async function resource(apiVersion: string, kind: string): Promise<Resource> {
    const known = knownResource(apiVersion, kind)
    if (known) return known
    const base = groupVersionBase(apiVersion)
    if (!discovered.has(base)) {
      discovered.set(
        base,
        call('GET', base, `discovery of ${apiVersion}`).then((res) => {
          if (res.status === 404) return {}
          return ok(res, `discovery of ${apiVersion}`)
        }),
      )
    }
    const found = resourceFromDiscovery(apiVersion, kind, await discovered.get(base))
    if (!found) {
      throw new KubeError(
        404,
        'NotFound',
        `the cluster has no kind ${kind} in ${apiVersion} (is its CustomResourceDefinition installed?)`,
      )
    }
    return found
  }

  async function pathOf(ref: ObjectRef, withName = true): Promise<string> {
    const r = await resource(ref.apiVersion, ref.kind)
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}` : ''
    return `${r.base}${ns}/${r.plural}${withName ? `/${encodeURIComponent(ref.name)}` : ''}`
  }

  async function collectionPath(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
  ): Promise<string> {
    const r = await resource(apiVersion, kind)
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''
    return `${r.base}${ns}/${r.plural}`
  }

  /** POST (create) or PUT (replace): null on 409, when the name is taken or the resourceVersion is stale. */
  async function writeUnlessConflict(method: 'POST' | 'PUT', obj: KubeObject): Promise<KubeObject | null> {
    const ref = refOf(obj)
    const what = `${method === 'POST' ? 'creating' : 'updating'} ${describeRef(ref)}`
    const res = await call(method, await pathOf(ref, method === 'PUT'), what, obj)
    return res.status === 409 ? null : (ok(res, what) as KubeObject)
  }

  return {
    server: transport.server,
    resource,
    forgetDiscovery: () => discovered.clear(),
    async apply(obj, o = {}) {
      const ref = refOf(obj)
      const manager = encodeURIComponent(o.fieldManager ?? FIELD_MANAGER)
      const path = `${await pathOf(ref)}?fieldManager=${manager}&force=true${o.dryRun ? '&dryRun=All' : ''}`
      const res = await call(
        'PATCH',
        path,
        `applying ${describeRef(ref)}`,
        obj,
        'application/apply-patch+yaml',
      )
      for (const w of onWarning ? apiWarnings(res.headers.warning) : [])
        if (!warned.has(w)) onWarning!((warned.add(w), `${describeRef(ref)}: ${w}`))
      return ok(res, `applying ${describeRef(ref)}`) as KubeObject
    },
    create: (obj) => writeUnlessConflict('POST', obj),
    replace: (obj) => writeUnlessConflict('PUT', obj),
    async get(ref) {
      const res = await call('GET', await pathOf(ref), `reading ${describeRef(ref)}`)
      if (res.status === 404) return null
      return ok(res, `reading ${describeRef(ref)}`) as KubeObject
    },
    async delete(ref, preconditions, propagation = 'Background') {
      const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: propagation, preconditions }
      const res = await call('DELETE', await pathOf(ref), `deleting ${describeRef(ref)}`, body)
      if (res.status === 404) return false
      ok(res, `deleting ${describeRef(ref)}`)
      return true
    },
    async list(apiVersion, kind, namespace, o = {}) {
      const q = query({ labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit })
      const res = await call(
        'GET',
        `${await collectionPath(apiVersion, kind, namespace)}${q}`,
        `listing ${kind}`,
      )
      return ok(res, `listing ${kind}`) as KubeList
    },
    async watch(apiVersion, kind, namespace, o, onEvent, signal) {
      const q = query({
        watch: '1',
        allowWatchBookmarks: 'true',
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        resourceVersion: o.resourceVersion,
        timeoutSeconds: '600',
      })
      const path = `${await collectionPath(apiVersion, kind, namespace)}${q}`
      const res = await once(
        await options('GET', path, {}),
        undefined,
        (stream) =>
          new Promise<void>((resolve, reject) => {
            let buffer = ''
            stream.setEncoding('utf8')
            stream.on('data', (chunk: string) => {
              buffer += chunk
              let nl: number
              while ((nl = buffer.indexOf('\n')) >= 0) {
                const line = buffer.slice(0, nl).trim()
                buffer = buffer.slice(nl + 1)
                if (line) onEvent(JSON.parse(line) as WatchEvent)
              }
            })
            stream.on('end', resolve)
            stream.on('close', resolve)
            stream.on('error', (e) => (signal.aborted ? resolve() : reject(e)))
          }),
        signal,
      ).catch((e: Error) => {
        if (signal.aborted || e.name === 'AbortError') return { status: 200, headers: {}, body: '' }
        throw e
      })
      if (res.status !== 200) throw errorFrom(res, `watching ${kind}`)
    },
    async podLogs(namespace, pod, container, tailLines, previous) {
      const q = query({ container, tailLines: String(tailLines), previous: previous ? 'true' : undefined })
      const res = await call(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log${q}`,
        'reading pod logs',
      )
      return res.status === 200 ? res.body : ''
    },
  }
}

function query(params: Record<string, string | number | undefined>): string {
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

function errorFrom(res: Response, what: string): KubeError {
  let status: { reason?: string; message?: string; details?: { causes?: KubeCause[] } } = {}
  try {
    status = JSON.parse(res.body) as typeof status
  } catch {
    status = { message: res.body.slice(0, 300) }
  }
  const message = status.message ?? `HTTP ${res.status}`
  const hint =
    res.status === 401
      ? " — the cluster did not accept the kubeconfig's credentials (expired token or certificate?)"
      : res.status === 403
        ? " — the kubeconfig's user lacks RBAC permission for this; see the README's RBAC section"
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
