// When an HTTPRoute counts as ready: every Gateway it names has Accepted it and resolved its backends, as that
// Gateway's controller says in the route's status. Pure.
import type { KubeObject } from '../../shared/kube-object.js'
import type { Readiness } from '../../shared/readiness.js'

interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
  observedGeneration?: number
}

interface ParentRef {
  group?: string
  kind?: string
  namespace?: string
  name: string
  sectionName?: string
}

type Route = KubeObject & {
  spec?: { parentRefs?: ParentRef[] }
  status?: { parents?: Array<{ parentRef: ParentRef; controllerName?: string; conditions?: Condition[] }> }
}

const sameParent = (a: ParentRef, b: ParentRef, routeNamespace: string) =>
  a.name === b.name &&
  (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
  (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') &&
  (a.sectionName ?? '') === (b.sectionName ?? '')

const said = (c: Condition) => `${c.reason ?? c.type}${c.message ? `: ${c.message}` : ''}`

export function routeReadiness(obj: KubeObject): Readiness {
  const route = obj as Route
  const namespace = route.metadata.namespace ?? ''
  const generation = Number(route.metadata.generation ?? 0)
  const parents = route.spec?.parentRefs ?? []
  const messages: string[] = []
  let waiting = false
  for (const parent of parents) {
    const name = `${parent.namespace ?? namespace}/${parent.name}`
    const status = route.status?.parents?.find((p) => sameParent(p.parentRef, parent, namespace))
    const current = (status?.conditions ?? []).filter(
      (c) => (c.observedGeneration ?? generation) >= generation,
    )
    const accepted = current.find((c) => c.type === 'Accepted')
    const resolved = current.find((c) => c.type === 'ResolvedRefs')
    if (accepted?.status === 'False')
      return { state: 'failed', message: `not accepted by Gateway ${name}: ${said(accepted)}` }
    if (!accepted || !resolved) {
      waiting = true
      messages.push(`waiting for Gateway ${name}'s controller to accept it`)
    } else if (resolved.status !== 'True') {
      // Backends can be missing for a moment (the Service is applied with the route): wait, and say why.
      waiting = true
      messages.push(`Gateway ${name} cannot resolve its backends: ${said(resolved)}`)
    } else if (accepted.status !== 'True') {
      waiting = true
      messages.push(`Gateway ${name}: ${said(accepted)}`)
    }
  }
  if (parents.length === 0) return { state: 'failed', message: 'names no Gateway in spec.parentRefs' }
  if (waiting) return { state: 'progressing', message: messages.join('; ') }
  return {
    state: 'ready',
    message: `accepted by Gateway ${parents.map((p) => `${p.namespace ?? namespace}/${p.name}`).join(', ')}`,
  }
}
