// Waiting for a preview's workloads: one watch per kind in the preview's namespace (not one per object, and no
// sleep loops), plus one watch of the namespace's FailedCreate events, until every workload is ready, one has
// failed for good, or the deadline passes.
import { readiness, WAITED_KINDS, type ReadinessFacts } from './readiness.js'
import { type KubeObject, refKey, refOf } from '../../shared/kube-object.js'
import type { WorkloadStatus } from '../../shared/readiness.js'
import type { Kube, ListOptions } from '../port.js'

export interface WaitResult {
  outcome: 'ready' | 'failed' | 'timeout'
  workloads: WorkloadStatus[]
}

export function waitedWorkloads(objects: KubeObject[]): KubeObject[] {
  return objects.filter((o) => WAITED_KINDS.has(o.kind))
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

/**
 * The waited workload a FailedCreate event is about: the workload itself (StatefulSet, DaemonSet, Job), or the
 * Deployment whose ReplicaSet (`<deployment>-<pod-template-hash>`) it is. Pure.
 */
export function eventWorkloadKey(e: EventObject, workloads: KubeObject[]): string | undefined {
  const kind = e.involvedObject?.kind
  const name = e.involvedObject?.name ?? ''
  const match = (k: string, n: string) =>
    workloads.find(
      (w) =>
        w.kind === k &&
        w.metadata.name === n &&
        (!e.involvedObject?.uid ||
          !w.metadata.uid ||
          k === 'Deployment' ||
          w.metadata.uid === e.involvedObject.uid),
    )
  const found =
    kind === 'ReplicaSet'
      ? match('Deployment', name.slice(0, name.lastIndexOf('-')))
      : match(kind ?? '', name)
  return found ? refKey(refOf(found)) : undefined
}

export async function waitForWorkloads(
  kube: Kube,
  namespace: string,
  selector: string,
  workloads: KubeObject[],
  deadline: number,
  onChange: (w: WorkloadStatus) => void = () => undefined,
  /** When this run started changing the preview: FailedCreate events from before are an earlier run's. */
  since = Date.now(),
): Promise<WaitResult> {
  const latest = new Map<string, WorkloadStatus>()
  const facts = new Map<string, ReadinessFacts>()
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
  const update = (key: string, obj: KubeObject) => {
    const known = latest.get(key)
    if (!known) return // an object of the same kind that the templates do not render
    const next = { object: obj, readiness: readiness(obj, facts.get(key)) }
    latest.set(key, next)
    if (next.readiness.message !== known.readiness.message || next.readiness.state !== known.readiness.state)
      onChange(next)
    if (settled()) controller.abort()
  }
  const onObject = (apiVersion: string, kind: string) => (item: KubeObject) => {
    const obj = { ...item, apiVersion, kind }
    update(refKey(refOf(obj)), obj)
  }
  // Event times have whole seconds; an event of this run's first second must count.
  const from = Math.floor(since / 1000) * 1000
  const onEvent = (item: KubeObject) => {
    const e = item as EventObject
    if (e.reason !== 'FailedCreate' || !e.message || eventTime(e) < from) return
    const key = eventWorkloadKey(
      e,
      result().map((w) => w.object),
    )
    if (!key) return
    facts.set(key, { createFailure: e.message })
    update(key, latest.get(key)!.object)
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
  // Events only sharpen the answer (fail at once instead of at the timeout): a cluster that will not show them
  // to the action's credentials still gets its workloads waited for.
  watches.push(
    listAndWatch(
      kube,
      'v1',
      'Event',
      namespace,
      { fieldSelector: 'reason=FailedCreate' },
      onEvent,
      controller.signal,
    ).catch(() => undefined),
  )
  try {
    await Promise.all(watches)
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
  return { outcome: settled() ?? 'timeout', workloads: result() }
}

/** List, then watch from the list's resourceVersion; a watch the server ends is started again the same way. */
async function listAndWatch(
  kube: Kube,
  apiVersion: string,
  kind: string,
  namespace: string,
  options: ListOptions,
  onObject: (o: KubeObject) => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    const list = await kube.list(apiVersion, kind, namespace, options)
    for (const item of list.items) onObject(item)
    if (signal.aborted) return
    try {
      await kube.watch(
        apiVersion,
        kind,
        namespace,
        { ...options, resourceVersion: list.metadata.resourceVersion },
        (e) => {
          if (e.type === 'ADDED' || e.type === 'MODIFIED') onObject(e.object)
        },
        signal,
      )
    } catch {
      if (signal.aborted) return
      // A dropped watch (apiserver restart, network blip): list and watch again after a short pause.
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}
