// Rules that keep the action's own objects and the namespace's limits out of a template's reach. Pure.
import { at, is, groupOf, type Rule } from './rule.js'

/** The objects the action adds to every preview, by group/kind/name: a template may not define them. */
export const RESERVED: ReadonlyArray<{
  group: string
  kind: string
  name: string
  what: string
  prefix?: true
}> = [
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'preview-isolation',
    what: 'the guardrail NetworkPolicy',
  },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'preview-egress',
    what: 'the egress guard NetworkPolicy',
  },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'preview-front-door',
    prefix: true,
    what: 'a front door NetworkPolicy (its names start with preview-front-door)',
  },
  {
    group: '',
    kind: 'ServiceAccount',
    name: 'default',
    what: "the namespace's default ServiceAccount, which the action sets up",
  },
  { group: '', kind: 'ResourceQuota', name: 'preview-quota', what: 'the guardrail ResourceQuota' },
  { group: '', kind: 'LimitRange', name: 'preview-limits', what: 'the guardrail LimitRange' },
  { group: '', kind: 'Secret', name: 'preview-credentials', what: "the preview's generated credentials" },
  { group: '', kind: 'Secret', name: 'preview-tls', what: "the preview's copy of the TLS certificate" },
  { group: '', kind: 'Secret', name: 'preview-registry', what: 'the registry pull Secret' },
  { group: 'coordination.k8s.io', kind: 'Lease', name: 'kube-pr-preview-lock', what: "the preview's lock" },
]

export const NAMESPACE_RULES: Rule[] = [
  {
    id: 'reserved-object',
    refuses:
      'an object with the kind and name of one the action adds (its NetworkPolicies, ResourceQuota and LimitRange, the credentials, TLS and registry Secrets, the default ServiceAccount, the lock Lease)',
    where: 'any template',
    check: (o) => {
      const hit = RESERVED.find(
        (x) =>
          x.group === groupOf(o) &&
          x.kind === o.kind &&
          (x.prefix ? o.metadata.name.startsWith(x.name) : x.name === o.metadata.name),
      )
      return hit
        ? [at(['metadata', 'name'], `is ${hit.what}, which the action adds itself; rename the object`)]
        : []
    },
  },
  {
    id: 'quota-objects',
    refuses: 'ResourceQuota and LimitRange (the `resource-quota` and `limit-range` inputs set them)',
    where: 'ResourceQuota, LimitRange',
    check: (o) =>
      is(o, '', 'ResourceQuota', 'LimitRange')
        ? [
            at(
              ['kind'],
              `a preview's ${o.kind} is set by the action's ${o.kind === 'ResourceQuota' ? 'resource-quota' : 'limit-range'} input, not by templates`,
            ),
          ]
        : [],
  },
]
