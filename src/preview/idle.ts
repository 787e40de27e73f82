// Sleeping previews, pure: when one is due to sleep or to get its TTL notice, whether it is kept, and what sleep
// and wake change on each workload. Where the state lives: the replicas a workload had are kept on the workload
// itself (annotation replicas-before-sleep), a CronJob it suspended is marked suspended-by-sleep, and the
// namespace says since when the preview sleeps (asleep-since), when it was last woken (woken-at), whether it is
// kept (keep) and which deploy's TTL notice was given (ttl-warned-for). A mark is written once and never
// overwritten, so a sleep repeated after a half-done one does not record 0 replicas.
import type { KubeObject } from '../shared/kube-object.js'
import { ANNOTATION } from './ownership.js'

export type PreviewState = 'ready' | 'failed' | 'asleep'

const annotations = (o: { metadata?: { annotations?: Record<string, string> } }) =>
  o.metadata?.annotations ?? {}

export function isAsleep(namespace: KubeObject): boolean {
  return Boolean(annotations(namespace)[ANNOTATION.asleepSince])
}

/** The last deploy or wake: what `sleep-after` counts from. */
export function lastActive(namespace: KubeObject): number {
  const a = annotations(namespace)
  // The namespace's creation only stands in for a deploy that recorded no time.
  const deployed = a[ANNOTATION.deployedAt] ?? String(namespace.metadata.creationTimestamp ?? '')
  const times = [deployed, a[ANNOTATION.wokenAt] ?? ''].map((t) => Date.parse(t)).filter(Number.isFinite)
  return times.length ? Math.max(...times) : Number.NaN
}

/** Kept: by `/preview keep` (the namespace's keep annotation) or by the PR's keep-label. */
export function isKept(namespace: KubeObject, prLabels: string[], keepLabel: string): boolean {
  return (
    annotations(namespace)[ANNOTATION.keep] === 'true' || (keepLabel !== '' && prLabels.includes(keepLabel))
  )
}

/** Why the sweep puts the preview to sleep now, or null. */
export function sleepReason(
  namespace: KubeObject,
  o: { sleepAfterMs: number | null; kept: boolean; now: Date },
): string | null {
  if (o.sleepAfterMs === null || o.kept || isAsleep(namespace)) return null
  const idle = o.now.getTime() - lastActive(namespace)
  if (!Number.isFinite(idle) || idle <= o.sleepAfterMs) return null
  return `idle for ${humanAge(idle)} (sleep-after ${humanAge(o.sleepAfterMs)})`
}

/**
 * The TTL notice is due once per deploy: after `ttl − ttl-warning` since the deploy, before the TTL itself, for
 * a preview that is not kept and was not warned for this deploy already. Returns when the preview goes, or null.
 */
export function ttlNoticeDue(
  namespace: KubeObject,
  o: { ttlMs: number | null; warningMs: number; kept: boolean; now: Date },
): Date | null {
  if (o.ttlMs === null || o.kept) return null
  const a = annotations(namespace)
  const deployedAt = a[ANNOTATION.deployedAt] ?? String(namespace.metadata.creationTimestamp ?? '')
  const deployed = Date.parse(deployedAt)
  if (!Number.isFinite(deployed)) return null
  if (a[ANNOTATION.ttlWarnedFor] === deployedAt) return null
  const goes = deployed + o.ttlMs
  const now = o.now.getTime()
  return now >= goes - o.warningMs && now < goes ? new Date(goes) : null
}

const SCALED = new Set(['Deployment', 'StatefulSet'])

const replicasOf = (o: KubeObject) => {
  const r = (o.spec as { replicas?: unknown } | undefined)?.replicas
  return typeof r === 'number' ? r : 1 // the API server's default
}

function withAnnotations(o: KubeObject, change: (a: Record<string, string>) => void): KubeObject {
  const copy = structuredClone(o)
  const a = { ...(copy.metadata.annotations ?? {}) }
  change(a)
  copy.metadata.annotations = a
  return copy
}

/**
 * The workload as sleep leaves it, or null when sleep changes nothing: Deployments and StatefulSets at 0 with
 * their replicas kept in a mark; CronJobs suspended and marked (one the user had suspended stays unmarked).
 */
export function asleep(o: KubeObject): KubeObject | null {
  const a = annotations(o)
  if (SCALED.has(o.kind)) {
    const marked = a[ANNOTATION.replicasBeforeSleep] !== undefined
    // At 0 already: asleep (marked), or 0 by its own template (nothing to remember, nothing to restore).
    if (replicasOf(o) === 0) return null
    const out = withAnnotations(o, (x) => {
      if (!marked) x[ANNOTATION.replicasBeforeSleep] = String(replicasOf(o))
    })
    ;(out.spec as { replicas: number }).replicas = 0
    return out
  }
  if (o.kind === 'CronJob') {
    if ((o.spec as { suspend?: boolean } | undefined)?.suspend === true) return null
    const out = withAnnotations(o, (x) => (x[ANNOTATION.suspendedBySleep] = 'true'))
    ;(out.spec as { suspend: boolean }).suspend = true
    return out
  }
  return null
}

/** The workload as wake leaves it (its replicas back, unsuspended), or null when it was not put to sleep. */
export function awake(o: KubeObject): KubeObject | null {
  const a = annotations(o)
  if (SCALED.has(o.kind) && a[ANNOTATION.replicasBeforeSleep] !== undefined) {
    const n = Number(a[ANNOTATION.replicasBeforeSleep])
    const out = withAnnotations(o, (x) => delete x[ANNOTATION.replicasBeforeSleep])
    ;(out.spec as { replicas: number }).replicas = Number.isSafeInteger(n) && n >= 0 ? n : 1
    return out
  }
  if (o.kind === 'CronJob' && a[ANNOTATION.suspendedBySleep] !== undefined) {
    const out = withAnnotations(o, (x) => delete x[ANNOTATION.suspendedBySleep])
    ;(out.spec as { suspend: boolean }).suspend = false
    return out
  }
  return null
}

/** Labels the job controller writes on a Job it selects for itself: a Job created again must not carry them. */
const GENERATED = [
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'job-name',
  'batch.kubernetes.io/job-name',
]

/** A finished Job as it must be created again to run again (its data did not survive the sleep). */
export function jobToRunAgain(job: KubeObject): KubeObject {
  const spec = structuredClone((job.spec ?? {}) as Record<string, unknown>)
  const template = (spec.template ?? {}) as { metadata?: { labels?: Record<string, string> } }
  if (spec.manualSelector !== true) {
    delete spec.selector
    for (const l of GENERATED) delete template.metadata?.labels?.[l]
  }
  const labels = { ...(job.metadata.labels ?? {}) }
  for (const l of GENERATED) delete labels[l]
  return {
    apiVersion: job.apiVersion,
    kind: job.kind,
    metadata: {
      name: job.metadata.name,
      namespace: job.metadata.namespace,
      labels,
      annotations: { ...(job.metadata.annotations ?? {}) },
    },
    spec,
  }
}

export function humanAge(ms: number): string {
  const m = Math.floor(ms / 60_000)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  return h < 48 ? `${h}h${m % 60 ? `${m % 60}m` : ''}` : `${Math.floor(h / 24)}d`
}

export const stamp = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC')

/** The inactive status's description (≤ 140 characters) and the comment's line for a sleeping preview. */
export function asleepDescription(since: Date): string {
  return `Asleep since ${stamp(since)}: comment /preview wake, or push a commit, to wake it`
}
