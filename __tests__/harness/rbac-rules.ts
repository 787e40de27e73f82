// Whether RBAC rules allow a request, as kube-apiserver's RBAC authorizer decides it (for `init --check` and the
// least-privilege tests). Pure.

export interface PolicyRule {
  apiGroups?: string[]
  resources?: string[]
  verbs: string[]
  resourceNames?: string[]
}

export interface RequestAttributes {
  verb: string
  group: string
  /** `pods` or `pods/log`. */
  resource: string
  name?: string
}

const has = (list: string[] | undefined, value: string) =>
  Boolean(list?.includes('*') || list?.includes(value))

export function ruleAllows(rule: PolicyRule, r: RequestAttributes): boolean {
  if (!has(rule.verbs, r.verb) || !has(rule.apiGroups, r.group)) return false
  const [base] = r.resource.split('/')
  const resourceOk =
    has(rule.resources, r.resource) ||
    (r.resource.includes('/') && rule.resources?.includes(`*/${r.resource.split('/')[1]}`))
  if (!resourceOk && !(rule.resources?.includes('*') && base)) return false
  if (rule.resourceNames?.length) return r.name !== undefined && rule.resourceNames.includes(r.name)
  return true
}

export const rulesAllow = (rules: PolicyRule[], r: RequestAttributes) =>
  rules.some((rule) => ruleAllows(rule, r))
