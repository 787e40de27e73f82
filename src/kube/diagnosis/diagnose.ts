// Why a workload is not ready: its conditions, the recent events about it, its ReplicaSets, its pods and their
// volume claims, and the last lines of the logs of its failing containers (init containers first: a pod whose
// init container fails never starts the others). Read only when a wait fails.
import type { Kube } from '../port.js'
import { containerProblem, lastLogLine, type ContainerStatusLike } from './container-diagnosis.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { WorkloadStatus } from '../../shared/readiness.js'
import { podProblem, type PodLike } from './pod-problems.js'

export interface Diagnosis {
  /** `Job migrate-abc1234: failed: BackoffLimitExceeded` — short, for the deployment status. */
  headline: string
  /** Conditions, events and log tails, for the log and the job summary. */
  details: string[]
}

interface EventLike {
  type?: string
  reason?: string
  message?: string
  count?: number
  lastTimestamp?: string
  eventTime?: string
  series?: { lastObservedTime?: string }
  involvedObject?: { kind?: string; name?: string }
  metadata: { creationTimestamp?: string }
}

const LOG_LINES = 20

/** The namespace's events, read once for every workload that is diagnosed. */
export async function namespaceEvents(kube: Kube, namespace: string): Promise<KubeObject[]> {
  return kube
    .list('v1', 'Event', namespace)
    .then((l) => l.items)
    .catch(() => [])
}

/** Conditions worth showing: the ones not True, and the True ones that say something failed. */
const FAILING_WHEN_TRUE = new Set(['Failed', 'FailureTarget', 'ReplicaFailure'])

export async function diagnose(
  kube: Kube,
  namespace: string,
  w: WorkloadStatus,
  allEvents: KubeObject[],
): Promise<Diagnosis> {
  const o = w.object
  const headline = `${o.kind} ${o.metadata.name}: ${w.readiness.message}`
  const details: string[] = [headline]
  const conditions = (
    (o as { status?: { conditions?: Array<Record<string, string>> } }).status?.conditions ?? []
  ).filter((c) => c.status !== 'True' || FAILING_WHEN_TRUE.has(c.type ?? ''))
  for (const c of conditions)
    details.push(
      `  condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`,
    )

  const pods = newestFirst(await podsOf(kube, namespace, o).catch(() => [] as PodLike[]))
  const claims = pods.flatMap((p) =>
    (p.spec?.volumes ?? []).flatMap((v) =>
      v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [],
    ),
  )
  const names = new Set([o.metadata.name, ...pods.map((p) => p.metadata.name), ...claims])
  // A Deployment's pods are created by its ReplicaSets (`<name>-<hash>`): their FailedCreate says why there are none.
  const ownEvent = (e: EventLike) =>
    names.has(e.involvedObject?.name ?? '') ||
    (o.kind === 'Deployment' &&
      e.involvedObject?.kind === 'ReplicaSet' &&
      /^[a-z0-9]+$/.test((e.involvedObject.name ?? '').slice(o.metadata.name.length + 1)) &&
      (e.involvedObject.name ?? '').startsWith(`${o.metadata.name}-`))
  const events = (allEvents as unknown as EventLike[]).filter(ownEvent)
  const recent = events
    .sort((a, b) => time(a).localeCompare(time(b)))
    .slice(-10)
    .map(
      (e) =>
        `  event ${e.type ?? ''} ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`,
    )
  details.push(...recent)

  let firstProblem = ''
  const problems = pods.map((p) => ({ pod: p, problem: podProblem(p) })).filter((x) => x.problem)
  for (const { pod, problem } of problems.slice(0, 3)) {
    details.push(`  pod ${pod.metadata.name}: ${problem}`)
    firstProblem ||= `pod ${pod.metadata.name} ${problem}`
  }
  const failing = pods.filter(
    (p) =>
      !podProblem(p) &&
      [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].some(troubled),
  )
  for (const pod of failing.slice(0, 3)) {
    const init = (pod.status?.initContainerStatuses ?? []).filter((c) => !c.ready && !doneInit(c))
    // A pod runs its containers only after every init container succeeded: while one fails, it is the cause.
    const containers: Array<[ContainerStatusLike, string]> = init.length
      ? init.slice(0, 1).map((c) => [c, 'init container'])
      : [
          ...(pod.status?.containerStatuses ?? []).filter((c) => !c.ready),
          ...(pod.status?.containerStatuses ?? []).filter((c) => c.ready && troubled(c)),
        ].map((c) => [c, 'container'])
    for (const [c, what] of containers) {
      const backingOff = events.some(
        (e) =>
          e.reason === 'BackOff' &&
          e.involvedObject?.name === pod.metadata.name &&
          (e.message ?? '').includes(`restarting failed container ${c.name} `),
      )
      const problem = containerProblem(c, pod.spec?.restartPolicy, backingOff)
      details.push(`  pod ${pod.metadata.name} ${what} ${c.name}: ${problem.summary}`)
      // A crash-looping container waits to restart: its useful log is the one of the instance that crashed.
      const read = (previous: boolean) =>
        kube.podLogs(namespace, pod.metadata.name, c.name, LOG_LINES, previous).catch(() => '')
      const logs = (problem.previousLog ? await read(true) : '') || (await read(false))
      if (logs.trim())
        details.push(
          `  last log lines of ${pod.metadata.name}/${c.name}${problem.previousLog ? ' (before its last restart)' : ''}:`,
          ...logs
            .trimEnd()
            .split('\n')
            .map((l) => `    ${l}`),
        )
      if (!firstProblem) {
        const line = lastLogLine(logs)
        firstProblem = `${what} ${c.name} ${problem.summary}${line ? ` — ${line}` : ''}`
      }
    }
  }
  // The deployment status keeps 140 characters: the container's own words come first, the workload's after.
  const why = w.readiness.state === 'failed' ? `${w.readiness.message.split(' — ')[0]}; ` : ''
  return {
    headline: firstProblem ? `${o.kind} ${o.metadata.name}: ${why}${firstProblem}` : headline,
    details,
  }
}

/**
 * Not ready, or ready but restarted after it exited: a container without a readiness probe counts as ready in the
 * moment it runs between two crashes.
 */
const troubled = (c: ContainerStatusLike) =>
  !c.ready || ((c.restartCount ?? 0) > 0 && c.lastState?.terminated !== undefined)

/** An init container that finished with 0 (a sidecar, restartPolicy Always, is done once it runs and is started). */
const doneInit = (c: ContainerStatusLike) => c.state?.terminated?.exitCode === 0

/** The pods being deleted last, and the newest first: the current ReplicaSet's, not old evicted ones. */
function newestFirst(pods: PodLike[]): PodLike[] {
  return [...pods].sort(
    (a, b) =>
      Number(Boolean(a.metadata.deletionTimestamp)) - Number(Boolean(b.metadata.deletionTimestamp)) ||
      String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')),
  )
}

const time = (e: EventLike) =>
  e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? ''

/** The pods a workload selects (Deployments, StatefulSets, DaemonSets) or owns (Jobs, by the job-name label). */
async function podsOf(kube: Kube, namespace: string, o: KubeObject): Promise<PodLike[]> {
  const spec = (o as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec
  const labels =
    o.kind === 'Job' ? { 'batch.kubernetes.io/job-name': o.metadata.name } : spec?.selector?.matchLabels
  if (!labels || Object.keys(labels).length === 0) return []
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  const list = await kube.list('v1', 'Pod', namespace, { labelSelector: selector })
  return list.items as unknown as PodLike[]
}
