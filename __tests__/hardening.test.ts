// Pure parts of the hardening: host claims, RoleBinding subjects, pod security labels, credentials never echoed,
// GitHub retry timing and bounded parallelism.
import { describe, expect, test } from '@jest/globals'
import { claimProblems, isOwnHost } from '../src/preview/claims.js'
import { redactCredentials, renderHidingCredentials } from '../src/preview/credentials.js'
import { retryDelay } from '../src/github/client.js'
import { podSecurityLabels } from '../src/kube/apply/pod-security.js'
import { mapLimit } from '../src/shared/limit.js'
import { render } from '../src/preview/render.js'
import { parseSettings } from '../src/inputs/settings.js'
import { TemplateError } from '../src/shared/errors.js'
import { apiWarnings } from '../src/kube/transport/http.js'

const owner = { repository: 'acme/shop', pr: 7, namespace: 'preview-shop-abc123-pr-7' }
const claims = { domain: 'preview.example.com', unique: 'abc123-pr-7', namespace: owner.namespace }
const renderOne = (text: string, context: Record<string, unknown> = {}) =>
  render({ templates: [{ name: 't.yaml', text }], context, owner, claims })
const failure = (f: () => unknown): TemplateError => {
  try {
    f()
  } catch (e) {
    if (e instanceof TemplateError) return e
    throw e
  }
  throw new Error('expected a TemplateError')
}

const ingress = (rules: string, extra = '') =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n${extra}  rules:\n${rules}`
const rule = (host: string) =>
  `    - host: ${host}\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n`

describe('host claims', () => {
  test("the preview's own hosts, and only those", () => {
    expect(isOwnHost('shop-abc123-pr-7.preview.example.com', claims)).toBe(true)
    expect(isOwnHost('kibana-shop-abc123-pr-7.preview.example.com', claims)).toBe(true)
    expect(isOwnHost('KIBANA-shop-abc123-pr-7.preview.example.com.', claims)).toBe(true)
    for (const host of [
      'shop.example.com',
      'preview.example.com',
      '*.preview.example.com',
      'shop-abc123-pr-70.preview.example.com',
      'shop-abc123-pr-7.preview.example.com.evil.com',
      'a.shop-abc123-pr-7.preview.example.com',
      'xabc123-pr-7.preview.example.com',
    ])
      expect(isOwnHost(host, claims)).toBe(false)
  })

  test('an Ingress rule for another host is a template error on its line; nothing renders', () => {
    const text = ingress(rule('shop-abc123-pr-7.preview.example.com') + rule('shop.example.com'))
    const e = failure(() => renderOne(text))
    expect(e.file).toBe('t.yaml')
    expect(e.line).toBe(text.split('\n').findIndex((l) => l.includes('shop.example.com')) + 1)
    expect(e.message).toMatch(
      /Ingress "web" rule 2 claims host "shop.example.com": a preview may only use its own/,
    )
  })

  test('TLS hosts, a rule without a host and a defaultBackend are refused', () => {
    const own = rule('shop-abc123-pr-7.preview.example.com')
    expect(
      failure(() => renderOne(ingress(own, '  tls:\n    - hosts: [shop.example.com]\n'))).message,
    ).toMatch(/tls 1 claims host "shop.example.com"/)
    expect(failure(() => renderOne(ingress('    - http: {paths: []}\n'))).message).toMatch(
      /rule 1 has no host: without one it would answer for every host/,
    )
    expect(
      failure(() => renderOne(ingress(own, '  defaultBackend: {service: {name: web, port: {number: 80}}}\n')))
        .message,
    ).toMatch(/spec.defaultBackend/)
    expect(
      renderOne(ingress(own, '  tls:\n    - hosts: [shop-abc123-pr-7.preview.example.com]\n')),
    ).toHaveLength(1)
  })

  test('HTTPRoute hostnames must be present and the preview’s own', () => {
    const route = (hostnames: string) =>
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  parentRefs: [{name: gw}]\n${hostnames}`
    expect(renderOne(route('  hostnames: [shop-abc123-pr-7.preview.example.com]\n'))).toHaveLength(1)
    expect(failure(() => renderOne(route('  hostnames: ["*.example.com"]\n'))).message).toMatch(
      /HTTPRoute "web" hostname claims host "\*.example.com"/,
    )
    expect(failure(() => renderOne(route(''))).message).toMatch(/HTTPRoute "web" spec.hostnames has no host/)
    const gateway = (listener: string) =>
      `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  gatewayClassName: shared\n  listeners:\n    - {name: http, protocol: HTTP, port: 80${listener}}\n`
    expect(renderOne(gateway(', hostname: shop-abc123-pr-7.preview.example.com'))).toHaveLength(1)
    expect(failure(() => renderOne(gateway(''))).message).toMatch(/Gateway "gw" listener 1 has no host/)
  })
})

describe('RoleBinding subjects', () => {
  const binding = (subjects: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n${subjects}`
  test("only service accounts of the preview's own namespace", () => {
    expect(
      renderOne(
        binding(
          `  - {kind: ServiceAccount, name: app}\n  - {kind: ServiceAccount, name: app, namespace: ${owner.namespace}}\n  - {kind: Group, name: "system:serviceaccounts:${owner.namespace}", apiGroup: rbac.authorization.k8s.io}\n`,
        ),
      ),
    ).toHaveLength(1)
    for (const [subject, shown] of [
      [
        '{kind: ServiceAccount, name: default, namespace: kube-system}',
        /binds ServiceAccount "default" of namespace "kube-system"/,
      ],
      [
        '{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}',
        /binds Group "system:authenticated"/,
      ],
      ['{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}', /binds User "alice"/],
    ] as const) {
      const e = failure(() => renderOne(binding(`  - {kind: ServiceAccount, name: app}\n  - ${subject}\n`)))
      expect(e.message).toMatch(shown)
      expect(e.line).toBe(8)
    }
  })
  test('a ClusterRoleBinding (when allowed) must name the namespace of its service accounts', () => {
    const problems = claimProblems(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'x' },
        subjects: [{ kind: 'ServiceAccount', name: 'app' }],
      },
      claims,
    )
    expect(problems).toHaveLength(1)
  })
})

describe('pod security', () => {
  test('enforce follows the input; warn and audit are restricted', () => {
    expect(podSecurityLabels('baseline')).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
    })
    const read = (v: Record<string, string>) => (name: string) => v[name] ?? ''
    expect(parseSettings(read({})).podSecurity).toBe('baseline')
    expect(parseSettings(read({ 'pod-security': 'Restricted' })).podSecurity).toBe('restricted')
    expect(() => parseSettings(read({ 'pod-security': 'none' }))).toThrow(/Input "pod-security"/)
  })
})

describe('credentials never echoed', () => {
  const password = 'Zq8WlxR2mN4vB7kP1sT6yH3c'
  test('a YAML error where a credential is inserted shows a placeholder, not the password', () => {
    const text =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  url: {{credentials.db}}@db\n'
    const e = failure(() =>
      renderHidingCredentials({ db: password }, (c) => renderOne(text, { credentials: c })),
    )
    expect(e.message).toMatch(/rendered YAML is invalid/)
    expect(e.message).toContain('(credentials.db)')
    expect(e.message).not.toContain(password)
    expect(e.line).toBe(6)
  })
  test('redaction covers the value as is and as escaped inside a quoted string', () => {
    expect(redactCredentials('a "x\\"y" b x"y', { p: 'x"y' })).toBe('a "***" b ***')
  })
})

describe('GitHub retries', () => {
  const policy = { attempts: 5, maxWaitMs: 60_000 }
  const secondary =
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
  test('a secondary rate limit without retry-after waits at least a minute, longer each time', () => {
    expect(retryDelay(403, {}, 0, policy, secondary)).toBe(60_000)
    expect(retryDelay(429, {}, 1, policy, secondary)).toBe(120_000)
    expect(retryDelay(403, {}, 2, policy, secondary)).toBe(240_000)
    // retry-after, when given, is what GitHub asks for.
    expect(retryDelay(403, { 'retry-after': '5' }, 0, policy, secondary)).toBe(5_000)
    // A plain 403 (permissions) is not retried.
    expect(retryDelay(403, {}, 0, policy, 'Resource not accessible by integration')).toBeNull()
  })
  test('no secondary-limit wait may pass the deadline; short backoffs are always made', () => {
    const deadline = Date.now() + 30_000
    expect(retryDelay(403, {}, 0, { ...policy, deadline }, secondary)).toBeNull()
    expect(retryDelay(502, {}, 0, { ...policy, deadline: Date.now() - 1 }, '')).toBe(500)
  })
  test('bounded parallelism keeps order and never runs more than the limit at once', async () => {
    let now = 0
    let max = 0
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      max = Math.max(max, ++now)
      await new Promise((r) => setTimeout(r, n))
      now--
      return n * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30, 0])
    expect(max).toBe(2)
  })
})

describe("kube-apiserver's warnings", () => {
  test('are read from Warning headers', () => {
    expect(
      apiWarnings(
        '299 - "would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true", 299 - "second"',
      ),
    ).toEqual(['would violate PodSecurity "restricted:latest": runAsNonRoot != true', 'second'])
    expect(apiWarnings(undefined)).toEqual([])
  })
})
