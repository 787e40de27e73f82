// A workload whose status says ready is ready only when its pods' containers have stayed up through a short
// stability window: a container that exits right after it starts counts as available for the moment it runs
// (without a readiness probe), so the status alone would call a crash loop green. Pure.
import { containerProblem, type ContainerStatusLike } from '../diagnosis/container-diagnosis.js'

/** How long every container of a ready workload must have been running, without a restart, before it counts. */
export const STABILITY_WINDOW_MS = 5_000

export interface PodLike {
  metadata: {
    name: string
    namespace?: string
    deletionTimestamp?: string
    labels?: Record<string, string>
    ownerReferences?: Array<{ kind: string; name: string; uid?: string; controller?: boolean }>
  }
  spec?: { restartPolicy?: string }
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

/** null when every container of every pod has run for the window; else why not yet. */
export function unstable(pods: PodLike[], now: number, windowMs = STABILITY_WINDOW_MS): string | null {
  for (const p of pods) {
    const statuses = p.status?.containerStatuses ?? []
    if (statuses.length === 0) return `pod ${p.metadata.name} has not started its containers`
    for (const c of statuses) {
      const startedAt = c.state?.running?.startedAt
      if (!c.state?.running)
        return `pod ${p.metadata.name} container ${c.name}: ${containerProblem(c, p.spec?.restartPolicy).summary}`
      const since = typeof startedAt === 'string' ? Date.parse(startedAt) : NaN
      if (Number.isFinite(since) && now - since < windowMs)
        return `pod ${p.metadata.name} container ${c.name} has not yet run ${windowMs / 1000}s without a restart`
    }
  }
  return null
}
