// Waiting for a preview's workloads: one watch per kind in the preview's namespace (not one per object, and no
// sleep loops), plus the namespace's ReplicaSets (a Deployment's current one), Pods (the stability window) and
// FailedCreate events, until every workload is ready, one has failed for good, or the deadline passes. A clock
// tick re-reads the verdicts that depend on time (the stability window, a ServiceAccount's grace period).
import type { Kube, ListOptions } from '../port.js'
import { isWaited, readiness, type ReadinessFacts } from './readiness.js'
import { type KubeObject, refKey, refOf } from '../../shared/kube-object.js'
import type { WorkloadStatus } from '../../shared/readiness.js'
import { podsOfWorkload, type PodLike } from './stability.js'
import { currentReplicaSet } from './replica-sets.js'

export interface WaitResult {
  outcome: 'ready' | 'failed' | 'timeout'
  workloads: WorkloadStatus[]
}

export function waitedWorkloads(objects: KubeObject[]): KubeObject[] {
  return objects.filter(isWaited)
}

/** What the wait needs to know about the whole preview. */
export interface WaitContext {
  /** When this run started changing the preview: refusals and deadlines from before are an earlier run's. */
  since: number
  /** ServiceAccounts the preview creates. */
  serviceAccounts: ReadonlySet<string>
  /** Pods the preview runs at its steady state (for a `pods` quota). */
  previewPods: number
}

/** The ServiceAccounts and steady-state pod count of a rendered preview. Pure. */
export function waitContext(objects: KubeObject[], since: number): WaitContext {
  const serviceAccounts = new Set(
    objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name),
  )
  const previewPods = objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .reduce((n, o) => {
      const r = (o as { spec?: { replicas?: number } }).spec?.replicas
      return n + (typeof r === 'number' ? r : 1)
    }, 0)
  return { since, serviceAccounts, previewPods }
}

interface EventObject extends KubeObject {
  involvedObject?: { kind?: string; name?: string; uid?: string }
  reason?: string
  message?: string
  lastTimestamp?: string
  eventTime?: string
  series?: { lastObservedTime?: string }
}

/** When an event last happened (events are aggregated: a repeated failure moves lastTimestamp on). */
export function eventTime(e: EventObject): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp
  return typeof t === 'string' ? Date.parse(t) : 0
}

const uidOf = (o: KubeObject) => (typeof o.metadata.uid === 'string' ? o.metadata.uid : undefined)

/**
 * A FailedCreate event of this run (not before `from`): the uid of the controller that was refused (a ReplicaSet,
 * StatefulSet, DaemonSet or Job) and the API server's words. Matched by uid, never by name: an old ReplicaSet of the
 * same Deployment, or an earlier object of the same name, that keeps retrying is not the current one. Pure.
 */
export function refusalOf(item: KubeObject, from: number): { uid: string; message: string } | null {
  const e = item as EventObject
  const uid = e.involvedObject?.uid
  if (e.reason !== 'FailedCreate' || !e.message || !uid || eventTime(e) < from) return null
  return { uid, message: e.message }
}

/** How often the verdicts that depend on time are read again. */
const TICK_MS = 1000

export async function waitForWorkloads(
  kube: Kube,
  namespace: string,
  selector: string,
  workloads: KubeObject[],
  deadline: number,
  onChange: (w: WorkloadStatus) => void = () => undefined,
  context: WaitContext = { since: Date.now(), serviceAccounts: new Set(), previewPods: 0 },
): Promise<WaitResult> {
  const latest = new Map<string, WorkloadStatus>()
  const replicaSets = new Map<string, KubeObject>()
  const pods = new Map<string, KubeObject>()
  /** This run's pod-creation refusals, by the uid of the controller that was refused. */
  const refusals = new Map<string, { message: string; firstSeen: number }>()
  const deleted = new Set<string>()
  const watchPods = workloads.some((w) => w.kind !== 'Job' && w.kind !== 'HTTPRoute')

  const now = () => kube.serverTime?.() ?? Date.now()
  const factsOf = (o: KubeObject): ReadinessFacts => {
    const newReplicaSet =
      o.kind === 'Deployment' ? currentReplicaSet(o, [...replicaSets.values()]) : undefined
    const uid = uidOf(newReplicaSet ?? o)
    return {
      createFailure: uid ? refusals.get(uid) : undefined,
      newReplicaSet,
      since: context.since,
      now: now(),
      serviceAccounts: context.serviceAccounts,
      previewPods: context.previewPods,
      pods: watchPods
        ? podsOfWorkload(o.kind, o.metadata.name, [...pods.values()] as unknown as PodLike[])
        : undefined,
    }
  }
  const verdict = (o: KubeObject) =>
    deleted.has(refKey(refOf(o)))
      ? { state: 'failed' as const, message: 'deleted during the wait (was the pull request closed?)' }
      : readiness(o, factsOf(o))

  for (const o of workloads) latest.set(refKey(refOf(o)), { object: o, readiness: readiness(o) })
  const result = (): WorkloadStatus[] => [...latest.values()]
  const settled = () => {
    const all = result()
    if (all.some((w) => w.readiness.state === 'failed')) return 'failed'
    if (all.every((w) => w.readiness.state === 'ready')) return 'ready'
    return null
  }
  if (workloads.length === 0) return { outcome: 'ready', workloads: [] }

  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()))
  const update = (key: string, obj?: KubeObject) => {
    const known = latest.get(key)
    if (!known) return // an object of the same kind that the templates do not render
    const object = obj ?? known.object
    const next = { object, readiness: verdict(object) }
    latest.set(key, next)
    if (next.readiness.message !== known.readiness.message || next.readiness.state !== known.readiness.state)
      onChange(next)
    if (settled()) controller.abort()
  }
  const again = () => {
    for (const key of latest.keys()) update(key)
  }
  const tick = setInterval(again, TICK_MS)
  const onObject = (apiVersion: string, kind: string) => (item: KubeObject, type: string) => {
    const obj = { ...item, apiVersion, kind }
    const key = refKey(refOf(obj))
    if (type === 'DELETED') {
      // A waited object deleted during the wait (the namespace of a closed PR going) ends it at once; one that
      // was ready already (a finished Job removed by its ttlSecondsAfterFinished) stays ready.
      if (latest.get(key)?.readiness.state === 'ready') return
      if (latest.has(key)) deleted.add(key)
    } else deleted.delete(key)
    update(key, obj)
  }
  // Event times have whole seconds; an event of this run's first second must count.
  const from = Math.floor(context.since / 1000) * 1000
  const onEvent = (item: KubeObject) => {
    const r = refusalOf(item, from)
    if (!r) return
    refusals.set(r.uid, { message: r.message, firstSeen: refusals.get(r.uid)?.firstSeen ?? now() })
    again()
  }
  const keep =
    <T extends KubeObject>(into: Map<string, T>) =>
    (item: KubeObject, type: string) => {
      const id = uidOf(item) ?? item.metadata.name
      if (type === 'DELETED') into.delete(id)
      else into.set(id, item as T)
      again()
    }

  const kinds = new Map<string, { apiVersion: string; kind: string }>()
  for (const o of workloads)
    kinds.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind })
  const watches = [...kinds.values()].map(({ apiVersion, kind }) =>
    listAndWatch(
      kube,
      apiVersion,
      kind,
      namespace,
      { labelSelector: selector },
      onObject(apiVersion, kind),
      controller.signal,
    ),
  )
  // What only sharpens the answer (ReplicaSets and events: fail at once instead of at the timeout; pods: the
  // stability window) must not fail the wait: credentials that cannot read them still get the workloads waited.
  const optional = (p: Promise<void>) => p.catch(() => undefined)
  if (workloads.some((w) => w.kind === 'Deployment'))
    watches.push(
      optional(
        listAndWatch(kube, 'apps/v1', 'ReplicaSet', namespace, {}, keep(replicaSets), controller.signal),
      ),
    )
  if (watchPods)
    watches.push(optional(listAndWatch(kube, 'v1', 'Pod', namespace, {}, keep(pods), controller.signal)))
  watches.push(
    optional(
      listAndWatch(
        kube,
        'v1',
        'Event',
        namespace,
        { fieldSelector: 'reason=FailedCreate' },
        onEvent,
        controller.signal,
      ),
    ),
  )
  // Settled, the run goes on at once: the watches, aborted, wind down on their own (their requests closing).
  const done = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve()))
  const all = Promise.all(watches)
  all.catch(() => undefined)
  try {
    await Promise.race([all, done])
  } finally {
    clearTimeout(timer)
    clearInterval(tick)
    controller.abort()
  }
  return { outcome: settled() ?? 'timeout', workloads: result() }
}

/**
 * List, then watch from the list's resourceVersion; a watch the server ends is started again the same way. A list
 * or watch that fails (an API server restarting) is tried again until the wait ends: only the deadline ends a wait.
 * A watch that stays silent past IDLE_MS (a half-open connection) is started again too.
 */
async function listAndWatch(
  kube: Kube,
  apiVersion: string,
  kind: string,
  namespace: string,
  options: ListOptions,
  onObject: (o: KubeObject, type: string) => void,
  signal: AbortSignal,
): Promise<void> {
  let pause = 200
  while (!signal.aborted) {
    const started = Date.now()
    const idle = new AbortController()
    const stop = () => idle.abort()
    signal.addEventListener('abort', stop, { once: true })
    let timer = setTimeout(stop, IDLE_MS)
    const heard = () => {
      clearTimeout(timer)
      timer = setTimeout(stop, IDLE_MS)
    }
    try {
      const list = await kube.list(apiVersion, kind, namespace, options)
      for (const item of list.items) onObject(item, 'ADDED')
      if (signal.aborted) return
      await kube.watch(
        apiVersion,
        kind,
        namespace,
        { ...options, resourceVersion: list.metadata.resourceVersion },
        (e: { type: string; object: KubeObject }) => {
          heard()
          if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') onObject(e.object, e.type)
        },
        idle.signal,
      )
    } catch (e) {
      if (signal.aborted) return
      // A refusal (403: no permission, 404: no such kind) does not heal by asking again.
      const status = (e as { status?: unknown }).status
      if (typeof status === 'number' && status >= 400 && status < 500 && status !== 410 && status !== 429)
        throw e
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', stop)
    }
    // A watch that ended at once (an error, a proxy closing streams) is started again after a growing pause.
    pause = Date.now() - started < 1000 ? Math.min(pause * 2, 5000) : 200
    await new Promise((r) => setTimeout(r, pause))
  }
}

/** A watch with no event for this long is started again (the server sends bookmarks or changes well within). */
const IDLE_MS = 120_000
