// `kube-pr-preview init --check`: what is missing on a live cluster, or broader than what init makes.
import type { Kube } from '../kube/port.js'
import type { KubeObject } from '../shared/kube-object.js'
import { MAIN_ROLE, type AccessPlan, type Subject } from './access-policy.js'

/** What is missing or broader than init's objects on a live cluster. */
export async function checkInit(kube: Kube, objects: KubeObject[], plan: AccessPlan): Promise<string[]> {
  const problems: string[] = []
  for (const want of objects) {
    const ref = {
      apiVersion: want.apiVersion,
      kind: want.kind,
      name: want.metadata.name,
      namespace: want.metadata.namespace,
    }
    const have = await kube.get(ref)
    const name = `${want.kind} ${want.metadata.namespace ? `${want.metadata.namespace}/` : ''}${want.metadata.name}`
    if (!have) {
      problems.push(`missing: ${name}`)
      continue
    }
    const w = want as Record<string, unknown>
    const h = have as Record<string, unknown>
    for (const field of ['rules', 'spec', 'subjects', 'roleRef'] as const) {
      if (!(field in w)) continue
      if (!contains(h[field], w[field])) problems.push(`missing or different: ${name} ${field}`)
      else if (longer(h[field], w[field]))
        problems.push(`too broad: ${name} ${field} has more than init gives`)
    }
  }
  const bindings = (await kube.list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined))
    .items as Array<KubeObject & { subjects?: Subject[]; roleRef?: { name: string } }>
  for (const b of bindings) {
    if (b.metadata.name === MAIN_ROLE) continue
    for (const id of plan.identities)
      if (
        b.subjects?.some(
          (s) =>
            s.kind === id.subject.kind &&
            s.name === id.subject.name &&
            (s.namespace ?? '') === (id.subject.namespace ?? ''),
        )
      )
        problems.push(
          `too broad: ClusterRoleBinding ${b.metadata.name} also binds ${id.username} to ClusterRole ${b.roleRef?.name}`,
        )
  }
  return problems
}

/** True when every field and list item of `want` is in `have` (the server adds defaults). */
function contains(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.every((w) => have.some((h) => contains(h, w)))
  if (want && typeof want === 'object')
    return (
      Boolean(have) &&
      typeof have === 'object' &&
      Object.entries(want).every(([k, v]) => contains((have as Record<string, unknown>)[k], v))
    )
  return have === want
}

/** True when a list in `have` has more items than the same list in `want` (a rule or subject more). */
function longer(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && have.length > want.length
  if (want && typeof want === 'object' && have && typeof have === 'object')
    return Object.entries(want).some(([k, v]) => longer((have as Record<string, unknown>)[k], v))
  return false
}
