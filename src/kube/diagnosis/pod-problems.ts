// What a pod's own status says before any container is looked at: it was evicted, or it cannot be scheduled
// (which resource, how much, from the scheduler's message). Pure.
import type { ContainerStatusLike } from './container-diagnosis.js'

export interface PodLike {
  metadata: { name: string; creationTimestamp?: string; deletionTimestamp?: string }
  spec?: { restartPolicy?: string; volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> }
  status?: {
    phase?: string
    reason?: string
    message?: string
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>
    initContainerStatuses?: ContainerStatusLike[]
    containerStatuses?: ContainerStatusLike[]
  }
}

/** `evicted: The node was low on resource: ephemeral-storage…`, `not scheduled: 0/3 nodes are available: …`, or null. */
export function podProblem(p: PodLike): string | null {
  const s = p.status
  if (s?.phase === 'Failed' && s.reason)
    return `${s.reason === 'Evicted' ? 'evicted' : `failed (${s.reason})`}${s.message ? `: ${s.message.trim()}` : ''}`
  const scheduled = s?.conditions?.find((c) => c.type === 'PodScheduled')
  if (s?.phase === 'Pending' && scheduled?.status === 'False')
    return `not scheduled${scheduled.reason ? ` (${scheduled.reason})` : ''}${scheduled.message ? `: ${scheduled.message.trim()}` : ''}`
  return null
}
