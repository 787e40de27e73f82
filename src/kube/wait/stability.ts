// A workload whose status says ready is ready only when its pods' containers have stayed up through a short
// stability window: a container without a readiness probe counts as ready the moment it runs, so the status alone
// would call a crash loop green. A container with a readiness (or startup) probe has answered its own probe, the
// proof kubectl and the controllers take: it needs no window (a crash loop with a probe never turns ready). Pure.
import { containerProblem, type ContainerStatusLike } from '../diagnosis/container-diagnosis.js'

/** How long every probe-less container of a ready workload must have run, without a restart, before it counts. */
export const STABILITY_WINDOW_MS = 5_000

export interface PodLike {
  metadata: {
    name: string
    namespace?: string
    deletionTimestamp?: string
    labels?: Record<string, string>
    ownerReferences?: Array<{ kind: string; name: string; uid?: string; controller?: boolean }>
  }
  spec?: {
    restartPolicy?: string
    containers?: Array<{ name: string; readinessProbe?: unknown; startupProbe?: unknown }>
  }
  status?: { phase?: string; containerStatuses?: ContainerStatusLike[] }
}

/** The pods a Deployment (through its ReplicaSets), StatefulSet or DaemonSet controls, not being deleted. */
export function podsOfWorkload(kind: string, name: string, pods: PodLike[]): PodLike[] {
  return pods.filter((p) => {
    if (p.metadata.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')
      return false
    const owner = p.metadata.ownerReferences?.find((o) => o.controller)
    if (!owner) return false
    if (kind === 'Deployment')
      return (
        owner.kind === 'ReplicaSet' &&
        owner.name.startsWith(`${name}-`) &&
        !owner.name.slice(name.length + 1).includes('-')
      )
    return owner.kind === kind && owner.name === name
  })
}

/** Whether the pod's spec gives this container a probe of its own readiness (readiness or startup). */
function probed(pod: PodLike, container: string): boolean {
  const spec = pod.spec?.containers?.find((c) => c.name === container)
  return Boolean(spec?.readinessProbe || spec?.startupProbe)
}

/** null when every container of every pod runs, and each without a probe has run for the window; else why not. */
export function unstable(pods: PodLike[], now: number, windowMs = STABILITY_WINDOW_MS): string | null {
  for (const p of pods) {
    const statuses = p.status?.containerStatuses ?? []
    if (statuses.length === 0) return `pod ${p.metadata.name} has not started its containers`
    for (const c of statuses) {
      const startedAt = c.state?.running?.startedAt
      if (!c.state?.running)
        return `pod ${p.metadata.name} container ${c.name}: ${containerProblem(c, p.spec?.restartPolicy).summary}`
      if (probed(p, c.name)) continue
      const since = typeof startedAt === 'string' ? Date.parse(startedAt) : NaN
      if (Number.isFinite(since) && now - since < windowMs)
        return `pod ${p.metadata.name} container ${c.name} has not yet run ${windowMs / 1000}s without a restart`
    }
  }
  return null
}
