// When a workload counts as ready, from its status alone. Pure.
//
// The rules follow `kubectl rollout status` (kubectl's polymorphichelpers/rollout_status.go) and kstatus
// (cli-utils' pkg/kstatus/status/core.go), and are stricter where either would report a broken preview as ready:
// - nothing in the status counts until status.observedGeneration has caught up with metadata.generation (so a
//   condition left over from the previous spec, like a stale ProgressDeadlineExceeded, is never read);
// - a count the API leaves out is 0 (the API omits zero counts), never "the same as another count";
// - a controller that says it cannot create pods (ReplicaFailure=True, or a FailedCreate event the caller
//   passes in) has failed: it will not get better by waiting.
// The README's "What ready means" section says the same in prose; keep them together.
import { routeReadiness } from './route-readiness.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { Readiness } from '../../shared/readiness.js'

/** What the caller learnt about a workload besides its own object (from events). */
export interface ReadinessFacts {
  /** The API server's refusal of a pod this workload's controller tried to create (FailedCreate). */
  createFailure?: string
}

/** Kinds the action waits for; everything else counts as ready once applied. */
export const WAITED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'HTTPRoute'])

interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
}

type Obj = KubeObject & {
  spec?: Record<string, unknown>
  status?: Record<string, unknown> & { conditions?: Condition[] }
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0)
const condition = (o: Obj, type: string) =>
  o.status?.conditions?.find((c) => c.type === type && c.status === 'True')
const progressing = (message: string): Readiness => ({ state: 'progressing', message })
const failed = (message: string): Readiness => ({ state: 'failed', message })
const ready = (message: string): Readiness => ({ state: 'ready', message })

/** spec.replicas, which the API defaults to 1. */
const wanted = (o: Obj) => (o.spec?.replicas === undefined ? 1 : num(o.spec.replicas))

function strategy(o: Obj, field: 'strategy' | 'updateStrategy') {
  const s = (o.spec?.[field] ?? {}) as { type?: string; rollingUpdate?: { partition?: number } }
  return { type: s.type ?? 'RollingUpdate', partition: num(s.rollingUpdate?.partition) }
}

/**
 * Messages of pod creations that fail only for a moment and that the controller retries by itself: a quota whose
 * usage is not computed yet (the preview's own ResourceQuota, just created), a ServiceAccount not there yet.
 */
const TRANSIENT_CREATE_FAILURE = [
  /status unknown for quota/i,
  /serviceaccounts? "[^"]*" not found/i,
  /error looking up service account/i,
  /the object has been modified/i,
  /please try again/i,
  /because it is being terminated/i,
  /etcdserver: request timed out/i,
]

/** True when a FailedCreate message means the pods will not be created however long the action waits. */
export function isLastingCreateFailure(message: string): boolean {
  return !TRANSIENT_CREATE_FAILURE.some((p) => p.test(message))
}

/** The API server's words, without the controller's prefix (`Error creating: `, `create Pod x in … failed error: `). */
export function createFailureMessage(message: string): string {
  return message
    .replace(/^Error creating:\s*/i, '')
    .replace(/^create Pod \S+ in StatefulSet \S+ failed error:\s*/i, '')
    .trim()
}

export function readiness(obj: KubeObject, facts: ReadinessFacts = {}): Readiness {
  const o = obj as Obj
  if (o.metadata.deletionTimestamp) return progressing('being deleted')
  if (facts.createFailure && isLastingCreateFailure(facts.createFailure))
    return failed(`cannot create pods: ${createFailureMessage(facts.createFailure)}`)
  if (o.kind === 'Job') return jobReadiness(o)
  // Routes carry their generation per parent Gateway (status.parents[].conditions), not at the top.
  if (o.kind === 'HTTPRoute') return routeReadiness(o)
  if (!WAITED_KINDS.has(o.kind)) return ready('applied')

  // Nothing in the status describes the current spec until the controller has seen it.
  const generation = num(o.metadata.generation)
  const observed = num(o.status?.observedGeneration)
  if (observed === 0 || observed < generation) return progressing('waiting for the controller')
  switch (o.kind) {
    case 'Deployment':
      return deploymentReadiness(o)
    case 'StatefulSet':
      return statefulSetReadiness(o)
    default:
      return daemonSetReadiness(o)
  }
}

function deploymentReadiness(o: Obj): Readiness {
  const want = wanted(o)
  const s = o.status ?? {}
  const progress = o.status?.conditions?.find((c) => c.type === 'Progressing')
  if (progress?.reason === 'ProgressDeadlineExceeded')
    return failed(`rollout stuck (progress deadline exceeded): ${progress.message ?? ''}`.trim())
  const replicaFailure = condition(o, 'ReplicaFailure')
  if (replicaFailure?.message && isLastingCreateFailure(replicaFailure.message))
    return failed(`cannot create pods: ${createFailureMessage(replicaFailure.message)}`)
  const updated = num(s.updatedReplicas)
  const total = num(s.replicas)
  const available = num(s.availableReplicas)
  const done = updated >= want && total <= updated && available >= updated
  if (done) return ready(`${available}/${want} ready`)
  // A paused Deployment never rolls out its new pod template: waiting cannot help.
  if (o.spec?.paused === true)
    return failed(
      `paused (spec.paused: true): the rollout will not proceed, ${updated}/${want} updated; remove spec.paused`,
    )
  if (updated < want) return progressing(`${available}/${want} ready, ${updated}/${want} updated`)
  if (total > updated) return progressing(`${total - updated} old replica(s) pending termination`)
  return progressing(`${available}/${updated} updated replicas available`)
}

function statefulSetReadiness(o: Obj): Readiness {
  const want = wanted(o)
  const s = o.status ?? {}
  const ready_ = num(s.readyReplicas)
  const updated = num(s.updatedReplicas)
  const { type, partition } = strategy(o, 'updateStrategy')
  if (type === 'OnDelete') return onDelete(o, ready_ >= want, ready_, want)
  if (ready_ < want) return progressing(`${ready_}/${want} ready`)
  // Pods below the partition keep the old revision on purpose; the rest must run the new one.
  const share = Math.max(0, want - partition)
  if (updated < share) return progressing(`${ready_}/${want} ready, ${updated}/${share} updated`)
  if (partition > 0) return ready(`${ready_}/${want} ready (${updated} updated, partition ${partition})`)
  if (s.updateRevision && s.currentRevision !== s.updateRevision)
    return progressing(`${ready_}/${want} ready, rolling update to revision ${String(s.updateRevision)}`)
  return ready(`${ready_}/${want} ready`)
}

function daemonSetReadiness(o: Obj): Readiness {
  const s = o.status ?? {}
  const want = num(s.desiredNumberScheduled)
  const updated = num(s.updatedNumberScheduled)
  // numberAvailable (not numberReady): a pod counts once it has been ready for minReadySeconds.
  const available = num(s.numberAvailable)
  if (strategy(o, 'updateStrategy').type === 'OnDelete')
    return onDelete(o, available >= want, available, want)
  if (updated < want) return progressing(`${available}/${want} available, ${updated}/${want} updated`)
  if (available < want) return progressing(`${available}/${want} available`)
  return ready(`${available}/${want} ready`)
}

/**
 * `updateStrategy: OnDelete` replaces a pod only when someone deletes it, so a changed spec never rolls out
 * (kubectl refuses to watch it). A workload that was never changed since it was created has only new pods.
 */
function onDelete(o: Obj, allReady: boolean, count: number, want: number): Readiness {
  if (num(o.metadata.generation) > 1)
    return failed(
      `updateStrategy OnDelete: Kubernetes replaces pods only when they are deleted, so this change never rolls out; use RollingUpdate`,
    )
  return allReady ? ready(`${count}/${want} ready`) : progressing(`${count}/${want} ready`)
}

function jobReadiness(o: Obj): Readiness {
  const failure = condition(o, 'Failed') ?? condition(o, 'FailureTarget')
  if (failure)
    return failed(`failed: ${failure.reason ?? ''}${failure.message ? ` — ${failure.message}` : ''}`)
  if (condition(o, 'Complete')) return ready('Complete')
  if (condition(o, 'Suspended') || o.spec?.suspend === true) return ready('suspended (spec.suspend: true)')
  const failures = num(o.status?.failed)
  const active = num(o.status?.active)
  return progressing(
    failures ? `running, ${failures} failed attempt(s)` : active ? 'running' : 'waiting for its pod',
  )
}
