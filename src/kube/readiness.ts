// When a workload counts as ready, from its status alone. Pure.
import type { KubeObject } from '../render.js'
import { routeReadiness } from './route-readiness.js'

export type ReadyState = 'ready' | 'progressing' | 'failed'

export interface Readiness {
  state: ReadyState
  /** `2/2 ready`, `Complete`, or what is missing. */
  message: string
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
const condition = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type)

export function readiness(obj: KubeObject): Readiness {
  const o = obj as Obj
  const generation = num(o.metadata.generation)
  const observed = num(o.status?.observedGeneration)
  const stale = o.kind !== 'Job' && observed < generation
  switch (o.kind) {
    case 'Deployment': {
      const want = o.spec?.replicas === undefined ? 1 : num(o.spec.replicas)
      const progressing = condition(o, 'Progressing')
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
        return { state: 'failed', message: `rollout stuck: ${progressing.message ?? progressing.reason}` }
      }
      const updated = num(o.status?.updatedReplicas)
      const available = num(o.status?.availableReplicas)
      const total = num(o.status?.replicas)
      if (!stale && updated >= want && available >= want && total <= want)
        return { state: 'ready', message: `${available}/${want} ready` }
      return {
        state: 'progressing',
        message: stale ? 'waiting for the controller' : `${available}/${want} ready, ${updated} updated`,
      }
    }
    case 'StatefulSet': {
      const want = o.spec?.replicas === undefined ? 1 : num(o.spec.replicas)
      const ready = num(o.status?.readyReplicas)
      const updated = o.status?.updatedReplicas === undefined ? ready : num(o.status.updatedReplicas)
      const sameRevision = !o.status?.updateRevision || o.status.currentRevision === o.status.updateRevision
      if (!stale && ready >= want && (updated >= want || sameRevision))
        return { state: 'ready', message: `${ready}/${want} ready` }
      return {
        state: 'progressing',
        message: stale ? 'waiting for the controller' : `${ready}/${want} ready`,
      }
    }
    case 'DaemonSet': {
      const want = num(o.status?.desiredNumberScheduled)
      const ready = num(o.status?.numberReady)
      const updated = num(o.status?.updatedNumberScheduled)
      if (!stale && ready >= want && updated >= want)
        return { state: 'ready', message: `${ready}/${want} ready` }
      return { state: 'progressing', message: `${ready}/${want} ready` }
    }
    case 'Job': {
      const failed = condition(o, 'Failed')
      if (failed?.status === 'True') {
        return {
          state: 'failed',
          message: `failed: ${failed.reason ?? ''}${failed.message ? ` — ${failed.message}` : ''}`,
        }
      }
      const complete = condition(o, 'Complete')
      if (complete?.status === 'True') return { state: 'ready', message: 'Complete' }
      const failures = num(o.status?.failed)
      return {
        state: 'progressing',
        message: failures ? `running, ${failures} failed attempt(s)` : 'running',
      }
    }
    case 'HTTPRoute':
      return routeReadiness(o)
    default:
      return { state: 'ready', message: 'applied' }
  }
}
