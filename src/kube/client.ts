// The Kubernetes port: the few API calls the action makes (discovery, apply, create, replace, get, delete, list,
// watch, pod logs), over the HTTP transport (transport/http.ts) with the kubeconfig's credentials. Built once per
// run and passed in.
import type { KubeObject } from '../shared/kube-object.js'
import { describeRef, refOf, type ObjectRef } from '../shared/kube-object.js'
import {
  groupVersionBase,
  knownResource,
  resourceFromDiscovery,
  type Resource,
} from './resources/resources.js'
import {
  KubeError,
  type Kube,
  type KubeList,
  type RetryPolicy,
  type Transport,
  type WatchEvent,
} from './port.js'
import { apiWarnings, createHttp, DEFAULT_RETRY, errorFrom, FIELD_MANAGER, query } from './transport/http.js'

/** Pod logs: a couple of quick tries, no riding out an outage (see podLogs). */
const LOG_RETRY: RetryPolicy = { attempts: 2, baseMs: 200, maxMs: 1000, outageMs: 0 }

export function createKube(
  transport: Transport,
  retry: RetryPolicy = DEFAULT_RETRY,
  /** Told each distinct warning kube-apiserver sends with an apply, once. */
  onWarning?: (warning: string) => void,
): Kube {
  const warned = new Set<string>()
  const discovered = new Map<string, Promise<unknown>>()
  const { options, once, call, ok, serverTime } = createHttp(transport, retry)

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
    // Never the `default` namespace by accident: a namespaced object always names its namespace.
    if (r.namespaced && !ref.namespace)
      throw new Error(
        `${ref.kind} "${ref.name}" is namespaced in this cluster (${ref.apiVersion}) but has no namespace; nothing was applied`,
      )
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace!)}` : ''
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
  async function writeUnlessConflict(
    method: 'POST' | 'PUT',
    obj: KubeObject,
    dryRun = false,
  ): Promise<KubeObject | null> {
    const ref = refOf(obj)
    const what = `${method === 'POST' ? 'creating' : 'updating'} ${describeRef(ref)}`
    const path = `${await pathOf(ref, method === 'PUT')}${dryRun ? '?dryRun=All' : ''}`
    const res = await call(method, path, what, obj)
    return res.status === 409 ? null : (ok(res, what) as KubeObject)
  }

  return {
    server: transport.server,
    serverTime,
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
    create: (obj, o = {}) => writeUnlessConflict('POST', obj, o.dryRun),
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
      if (res.status !== 200) throw errorFrom(res, `watching ${kind}`, transport)
    },
    async podLogs(namespace, pod, container, tailLines, previous) {
      const q = query({ container, tailLines: String(tailLines), previous: previous ? 'true' : undefined })
      // Best effort, read only to diagnose: the API server proxies this to the pod's kubelet, and when that
      // kubelet cannot be reached (a node without addresses, a virtual node) every try is a 500. Retried through
      // an outage like any other request, it held a failed run for 90 s per container before it reported.
      const res = await call(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log${q}`,
        'reading pod logs',
        undefined,
        undefined,
        LOG_RETRY,
      )
      return res.status === 200 ? res.body : ''
    },
  }
}
