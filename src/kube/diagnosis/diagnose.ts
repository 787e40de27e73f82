// Why a workload is not ready: its conditions, the recent events about it and its pods, and the last lines of
// the logs of its failing pods. Read only when a wait fails.
import { containerProblem, lastLogLine, type ContainerStatusLike } from './container-diagnosis.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { WorkloadStatus } from '../../shared/readiness.js'
import type { Kube } from '../port.js'

export interface Diagnosis {
  /** `Job migrate-abc1234: failed: BackoffLimitExceeded` — short, for the deployment status. */
  headline: string
  /** Conditions, events and log tails, for the log and the job summary. */
  details: string[]
}

interface PodLike {
  metadata: { name: string }
  spec?: { restartPolicy?: string }
  status?: {
    phase?: string
    reason?: string
    message?: string
    containerStatuses?: ContainerStatusLike[]
  }
}

interface EventLike {
  type?: string
  reason?: string
  message?: string
  count?: number
  lastTimestamp?: string
  eventTime?: string
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
  ).filter((c) => c.status !== 'True' || c.type === 'Failed')
  for (const c of conditions)
    details.push(
      `  condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`,
    )

  const pods = await podsOf(kube, namespace, o).catch(() => [] as PodLike[])
  const names = new Set([o.metadata.name, ...pods.map((p) => p.metadata.name)])
  const events = (allEvents as unknown as EventLike[]).filter((e) => names.has(e.involvedObject?.name ?? ''))
  const recent = events
    .sort((a, b) => time(a).localeCompare(time(b)))
    .slice(-8)
    .map(
      (e) =>
        `  event ${e.type ?? ''} ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`,
    )
  details.push(...recent)

  const failing = pods.filter(
    (p) => p.status?.phase === 'Failed' || p.status?.containerStatuses?.some((c) => !c.ready),
  )
  let firstProblem = ''
  for (const pod of failing.slice(0, 3)) {
    for (const c of pod.status?.containerStatuses ?? []) {
      if (c.ready) continue
      const backingOff = events.some(
        (e) =>
          e.reason === 'BackOff' &&
          e.involvedObject?.name === pod.metadata.name &&
          (e.message ?? '').includes(`restarting failed container ${c.name} `),
      )
      const problem = containerProblem(c, pod.spec?.restartPolicy, backingOff)
      details.push(`  pod ${pod.metadata.name} container ${c.name}: ${problem.summary}`)
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
        firstProblem = `container ${c.name} ${problem.summary}${line ? ` — ${line}` : ''}`
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

const time = (e: EventLike) => e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? ''

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
