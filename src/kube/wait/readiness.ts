// When a workload counts as ready, from its status and what the wait learnt about it (facts). Pure.
//
// The rules follow `kubectl rollout status` (kubectl's polymorphichelpers/rollout_status.go) and kstatus
// (cli-utils' pkg/kstatus/status/core.go), and differ on purpose where either would call a broken preview ready or
// a healing one broken (readiness-fixtures.test.ts runs both projects' own cases and lists each difference):
// - nothing in the status counts until status.observedGeneration has caught up with metadata.generation;
// - a count the API leaves out is 0 (the API omits zero counts), never "the same as another count";
// - a refused pod creation fails the run only when it is this run's, of the current controller (a Deployment's
//   current ReplicaSet), and cannot heal without a change (refusals.ts); anything else waits, with the refusal
//   shown as the reason;
// - a ProgressDeadlineExceeded fails only when it was reached during this run;
// - a workload whose status says ready is ready once its pods' containers have stayed up a few seconds
//   (stability.ts), when the caller passes the pods.
// The README's "What ready means" section says the same in prose; keep them together.
import type { KubeObject } from '../../shared/kube-object.js'
import type { Readiness } from '../../shared/readiness.js'
import { missingServiceAccount, quotaExceededForGood, refusalKind } from './refusals.js'
import { routeReadiness } from './route-readiness.js'
import { unstable, type PodLike } from './stability.js'

/** What the caller learnt about a workload besides its own object. */
export interface ReadinessFacts {
  /**
   * The API server's refusal of a pod that this workload's controller (a Deployment's current ReplicaSet) tried
   * to create during this run (FailedCreate), and when it was first seen (ms).
   */
  createFailure?: { message: string; firstSeen: number }
  /** For a Deployment: its current ReplicaSet (the one of its pod template), when the caller found it. */
  newReplicaSet?: KubeObject
  /** When this run started changing the preview (ms): a ProgressDeadlineExceeded or refusal before is stale. */
  since?: number
  /** Now (ms), for grace periods and the stability window. */
  now?: number
  /** ServiceAccounts the preview itself creates: a refusal naming one of them is a race, not a missing one. */
  serviceAccounts?: ReadonlySet<string>
  /** Pods the preview's workloads run at their steady state, for a `pods` quota. */
  previewPods?: number
  /** The workload's pods; given, a status that says ready also needs them to have stayed up (stability.ts). */
  pods?: PodLike[]
}

/** Kinds the action waits for, with their API group; everything else counts as ready once applied. */
const WAITED = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'batch/Job',
  'gateway.networking.k8s.io/HTTPRoute',
])

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '')

/** Whether the action waits for this object (kinds with their group: a Volcano `Job` is not a batch/v1 Job). */
export function isWaited(o: { apiVersion: string; kind: string }): boolean {
  return WAITED.has(`${groupOf(o.apiVersion)}/${o.kind}`)
}

/** A ServiceAccount the preview does not create gets this long to appear before its absence fails the run. */
export const SERVICE_ACCOUNT_GRACE_MS = 20_000

interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
  lastUpdateTime?: string
  lastTransitionTime?: string
}

type Obj = KubeObject & {
  spec?: Record<string, unknown>
  status?: Record<string, unknown> & { conditions?: Condition[] }
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0)
const has = (o: Obj, field: string) => typeof o.status?.[field] === 'number'
const conditionOf = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type)
const condition = (o: Obj, type: string) => {
  const c = conditionOf(o, type)
  return c?.status === 'True' ? c : undefined
}
const progressing = (message: string): Readiness => ({ state: 'progressing', message })
const failed = (message: string): Readiness => ({ state: 'failed', message })
const ready = (message: string): Readiness => ({ state: 'ready', message })
const time = (t: string | undefined) => (t ? Date.parse(t) : NaN)

/** spec.replicas, which the API defaults to 1. */
const wanted = (o: Obj) => (o.spec?.replicas === undefined ? 1 : num(o.spec.replicas))

function strategy(o: Obj, field: 'strategy' | 'updateStrategy') {
  const s = (o.spec?.[field] ?? {}) as { type?: string; rollingUpdate?: { partition?: number } }
  return { type: s.type ?? 'RollingUpdate', partition: num(s.rollingUpdate?.partition) }
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
  if (!isWaited(o)) return ready('applied')
  const refused = refusal(o, facts)
  if (refused?.state === 'failed') return refused
  const r = statusReadiness(o, facts)
  if (
    r.state === 'ready' &&
    facts.pods &&
    (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet')
  ) {
    // The pods' own watch may lag the controller's status by a moment: judge only once every pod is seen.
    const expected = o.kind === 'DaemonSet' ? num(o.status?.desiredNumberScheduled) : wanted(o)
    if (facts.pods.length < expected) return progressing(`${r.message}, waiting to see its pods`)
    const why = unstable(facts.pods, facts.now ?? Date.now())
    return why ? progressing(`${r.message}, not yet steady: ${why}`) : r
  }
  // The refusal the controller keeps retrying is what the run waits on: say so.
  return refused && r.state === 'progressing' ? progressing(`${r.message}; ${refused.message}`) : r
}

function statusReadiness(o: Obj, facts: ReadinessFacts): Readiness {
  if (o.kind === 'Job') return jobReadiness(o)
  // Routes carry their generation per parent Gateway (status.parents[].conditions), not at the top.
  if (o.kind === 'HTTPRoute') return routeReadiness(o)
  // Nothing in the status describes the current spec until the controller has seen it.
  const generation = num(o.metadata.generation)
  const observed = num(o.status?.observedGeneration)
  if (observed === 0 || observed < generation) return progressing('waiting for the controller')
  switch (o.kind) {
    case 'Deployment':
      return deploymentReadiness(o, facts)
    case 'StatefulSet':
      return statefulSetReadiness(o)
    default:
      return daemonSetReadiness(o)
  }
}

/**
 * A refused pod creation: failed when it cannot heal without a change; else progressing (shown while waiting);
 * null when there is none of this run.
 */
function refusal(o: Obj, facts: ReadinessFacts): Readiness | null {
  const found = facts.createFailure ?? replicaSetFailure(facts)
  if (!found) return null
  const words = createFailureMessage(found.message)
  const now = facts.now ?? Date.now()
  switch (refusalKind(found.message)) {
    case 'lasting':
      return failed(`cannot create pods: ${words}`)
    case 'quota':
      if (quotaExceededForGood(found.message, podsWanted(o), facts.previewPods))
        return failed(`cannot create pods: ${words} (even once the rollout is done, the quota is too small)`)
      break
    case 'missing-service-account': {
      const name = missingServiceAccount(found.message) ?? ''
      if (!facts.serviceAccounts?.has(name) && now - found.firstSeen >= SERVICE_ACCOUNT_GRACE_MS)
        return failed(
          `cannot create pods: ServiceAccount "${name}" does not exist and the templates do not create it (${words})`,
        )
      break
    }
  }
  return progressing(`pod creation refused for now (the controller retries): ${words}`)
}

/** A Deployment's current ReplicaSet's ReplicaFailure, when it was set during this run. */
function replicaSetFailure(facts: ReadinessFacts): ReadinessFacts['createFailure'] {
  if (!facts.newReplicaSet) return undefined
  const c = condition(facts.newReplicaSet as Obj, 'ReplicaFailure')
  const at = time(c?.lastTransitionTime)
  if (!c?.message || !(at >= stale(facts))) return undefined
  return { message: c.message, firstSeen: at }
}

/**
 * Times before this are an earlier run's. Kubernetes times have whole seconds: a time in this run's first second
 * counts as this run's. (`since` is by the API server's clock, so clock skew shifts nothing.)
 */
const stale = (facts: ReadinessFacts) => Math.floor((facts.since ?? 0) / 1000) * 1000

function podsWanted(o: Obj): number {
  if (o.kind === 'Job') return Math.max(1, num(o.spec?.parallelism) || 1)
  if (o.kind === 'DaemonSet') return 1
  return wanted(o)
}

function deploymentReadiness(o: Obj, facts: ReadinessFacts): Readiness {
  const want = wanted(o)
  const s = o.status ?? {}
  const progress = conditionOf(o, 'Progressing')
  if (progress?.status === 'False' && progress.reason === 'ProgressDeadlineExceeded') {
    // A deadline reached in an earlier run (the same spec re-run after pushing its image, or a rollback to an
    // existing ReplicaSet) is not this run's verdict: the controller does not reset it, the pods may still come.
    const at = time(progress.lastUpdateTime ?? progress.lastTransitionTime)
    if (facts.since === undefined || !(at < stale(facts)))
      return failed(`rollout stuck (progress deadline exceeded): ${progress.message ?? ''}`.trim())
  }
  const updated = num(s.updatedReplicas)
  const total = num(s.replicas)
  const available = num(s.availableReplicas)
  const done = updated >= want && total <= updated && available >= updated
  const unavailable = conditionOf(o, 'Available')?.status === 'False'
  if (done && progress?.status !== 'False' && !unavailable) return ready(`${available}/${want} ready`)
  if (done && progress?.status === 'False')
    return progressing(
      progress.reason === 'ProgressDeadlineExceeded'
        ? `${available}/${want} ready; the previous rollout timed out, waiting for the controller to see it recover`
        : `${available}/${want} ready; the controller says it is not progressing (${progress.reason ?? ''})`,
    )
  if (done) return progressing(`${available}/${want} ready; the controller says it is not available yet`)
  // A paused Deployment never rolls out its new pod template: waiting cannot help (a scale still happens).
  if (o.spec?.paused === true && updated < want && total >= want)
    return failed(
      `paused (spec.paused: true): the rollout will not proceed, ${updated}/${want} updated; remove spec.paused`,
    )
  const stuck =
    progress?.reason === 'ProgressDeadlineExceeded'
      ? ' (the previous rollout timed out; waiting for it to recover)'
      : ''
  if (updated < want) return progressing(`${available}/${want} ready, ${updated}/${want} updated${stuck}`)
  if (total > updated) return progressing(`${total - updated} old replica(s) pending termination${stuck}`)
  return progressing(`${available}/${updated} updated replicas available${stuck}`)
}

function statefulSetReadiness(o: Obj): Readiness {
  const want = wanted(o)
  const s = o.status ?? {}
  const ready_ = num(s.readyReplicas)
  const updated = num(s.updatedReplicas)
  const total = num(s.replicas)
  const { type, partition } = strategy(o, 'updateStrategy')
  if (type === 'OnDelete') {
    // Pods are replaced only when someone deletes them: a changed template never reaches the pods that exist
    // (currentRevision is never advanced for OnDelete, so the counts decide, not the revisions).
    if (updated >= want && ready_ >= want) return ready(`${ready_}/${want} ready`)
    if (total >= want && updated < want && s.updateRevision && s.updateRevision !== s.currentRevision)
      return failed(
        `updateStrategy OnDelete: Kubernetes replaces pods only when they are deleted, so ${want - updated} pod(s) keep the old spec; use RollingUpdate`,
      )
    return progressing(`${ready_}/${want} ready`)
  }
  if (ready_ < want) return progressing(`${ready_}/${want} ready`)
  if (total > want) return progressing(`${total - want} pod(s) pending termination`)
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
  // The controller always writes desiredNumberScheduled and numberReady (0 included): missing, it has not counted.
  if (!has(o, 'desiredNumberScheduled') || !has(o, 'numberReady'))
    return progressing('waiting for the controller to count the nodes')
  const want = num(s.desiredNumberScheduled)
  const updated = num(s.updatedNumberScheduled)
  const current = num(s.currentNumberScheduled)
  // numberAvailable (not numberReady alone): a pod counts once it has been ready for minReadySeconds.
  const available = Math.min(num(s.numberAvailable), num(s.numberReady))
  if (strategy(o, 'updateStrategy').type === 'OnDelete' && updated < want && current >= want)
    return failed(
      `updateStrategy OnDelete: Kubernetes replaces pods only when they are deleted, so ${want - updated} pod(s) keep the old spec; use RollingUpdate`,
    )
  if (updated < want) return progressing(`${available}/${want} available, ${updated}/${want} updated`)
  if (available < want) return progressing(`${available}/${want} available`)
  return ready(`${available}/${want} ready`)
}

function jobReadiness(o: Obj): Readiness {
  const failure = condition(o, 'Failed') ?? condition(o, 'FailureTarget')
  if (failure)
    return failed(`failed: ${failure.reason ?? ''}${failure.message ? ` — ${failure.message}` : ''}`)
  if (condition(o, 'Complete')) return ready('Complete')
  // Suspended only when both the spec asks for it and the controller says so (as kstatus has it): a Job being
  // resumed has not run yet, and one being suspended may still run its pods.
  const suspend = o.spec?.suspend === true
  const suspended = condition(o, 'Suspended') !== undefined
  if (suspend && suspended) return ready('suspended (spec.suspend: true)')
  if (suspend) return progressing('being suspended')
  if (suspended) return progressing('resuming (spec.suspend is false, the controller still says Suspended)')
  const failures = num(o.status?.failed)
  const active = num(o.status?.active)
  return progressing(
    failures ? `running, ${failures} failed attempt(s)` : active ? 'running' : 'waiting for its pod',
  )
}
