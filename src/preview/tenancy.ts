// What a template may not render, because it would reach past its own preview: the action's own objects, quotas,
// NetworkPolicies that admit other namespaces, Services that reach outside the namespace, hosts and certificates
// on the shared front door, cluster-wide grants, cloud identities. Pure, checked at render, before anything is
// applied. RULES is also the README's claims table (a test compares the two).
import { asObject, dotted, is, type Rule, type RuleProblem, type TenancyRules } from './tenancy/rule.js'
import { NAMESPACE_RULES } from './tenancy/namespace-rules.js'
import { NETWORK_RULES } from './tenancy/network-rules.js'
import { ROUTING_RULES } from './tenancy/routing-rules.js'
import { CLUSTER_RULES } from './tenancy/cluster-rules.js'
import type { KubeObject } from '../shared/kube-object.js'

export type { Rule, RuleProblem, TenancyRules } from './tenancy/rule.js'
export { RESERVED } from './tenancy/namespace-rules.js'

/** Every rule, in the order of the README's claims table. */
export const RULES: Rule[] = [...NAMESPACE_RULES, ...NETWORK_RULES, ...ROUTING_RULES, ...CLUSTER_RULES]

/** Every rule the object breaks, each with the field and the rule's id. */
export function tenancyProblems(o: KubeObject, r: TenancyRules): RuleProblem[] {
  return RULES.flatMap((rule) =>
    rule.check(o, r).map((p) => ({
      rule: rule.id,
      path: p.path,
      problem: `${o.kind} "${o.metadata.name}" ${dotted(p.path)}: ${p.problem} (rule ${rule.id})`,
    })),
  )
}

/**
 * Checks across the objects of one render: a ClusterRoleBinding's roleRef must be a ClusterRole the same preview
 * renders.
 */
export function crossObjectProblems(objects: KubeObject[]): Array<{ object: KubeObject } & RuleProblem> {
  const roles = new Set(
    objects.filter((o) => is(o, 'rbac.authorization.k8s.io', 'ClusterRole')).map((o) => o.metadata.name),
  )
  return objects
    .filter((o) => is(o, 'rbac.authorization.k8s.io', 'ClusterRoleBinding'))
    .filter((o) => {
      const ref = asObject(o.roleRef)
      return ref.kind !== 'ClusterRole' || !roles.has(String(ref.name))
    })
    .map((o) => ({
      object: o,
      rule: 'cluster-role-binding-ref',
      path: ['roleRef', 'name'],
      problem: `${o.kind} "${o.metadata.name}" roleRef.name: ${JSON.stringify(asObject(o.roleRef).name)} is not a ClusterRole this preview renders; a preview may grant only roles it defines (rule cluster-role-binding-ref)`,
    }))
}

/** The README's claims table, from the rules. */
export function claimsTable(): string {
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.refuses} | ${r.where} |`)
  rows.push(
    '| `cluster-role-binding-ref` | a ClusterRoleBinding whose `roleRef` is not a ClusterRole the same preview renders | ClusterRoleBinding roleRef |',
  )
  return ['| Rule | Refused | Where |', '| --- | --- | --- |', ...rows].join('\n')
}
