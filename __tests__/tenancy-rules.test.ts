// What a template may not render (issue: tenancy): each rule refuses at render, naming the object, the field,
// the template file and line, and the rule; nothing is applied. The README's claims table is the rules' own.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from '@jest/globals'
import { render } from '../src/preview/render.js'
import { TemplateError } from '../src/shared/errors.js'
import { claimsTable } from '../src/preview/tenancy.js'

const owner = { repository: 'acme/shop', pr: 7, namespace: 'preview-shop-abc123-pr-7' }
const claims = {
  domain: 'preview.example.com',
  unique: 'abc123-pr-7',
  namespace: owner.namespace,
  allowServiceTypes: new Set<string>(),
  clusterDomain: 'cluster.local',
}
const own = 'shop-abc123-pr-7.preview.example.com'

function renderYaml(text: string, extra: Partial<typeof claims> = {}, allowClusterScoped: string[] = []) {
  return render({
    templates: [{ name: 'evil.yaml', text }],
    context: {},
    owner,
    claims: { ...claims, ...extra },
    allowClusterScoped,
  })
}

/** The error of a render that must fail: a TemplateError naming the file, the line, the field and the rule. */
function refusal(
  text: string,
  extra: Partial<typeof claims> = {},
  allowClusterScoped: string[] = [],
): string {
  try {
    renderYaml(text, extra, allowClusterScoped)
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError)
    return (e as Error).message
  }
  throw new Error(`rendered without error:\n${text}`)
}

const lines = (...l: string[]) => l.join('\n')

describe("the action's own objects are reserved (point 2)", () => {
  test.each([
    ['networking.k8s.io/v1', 'NetworkPolicy', 'preview-isolation'],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'preview-egress'],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'preview-front-door-web'],
    ['v1', 'Secret', 'preview-credentials'],
    ['v1', 'Secret', 'preview-tls'],
    ['v1', 'Secret', 'preview-registry'],
    ['coordination.k8s.io/v1', 'Lease', 'kube-pr-preview-lock'],
    ['v1', 'ServiceAccount', 'default'],
  ])('%s %s %s', (apiVersion, kind, name) => {
    const msg = refusal(lines(`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`))
    expect(msg).toMatch(
      new RegExp(`^evil\\.yaml:4: ${kind} "${name}" metadata\\.name: .*\\(rule reserved-object\\)`),
    )
  })

  test('template ResourceQuotas and LimitRanges are refused, whatever their name', () => {
    for (const kind of ['ResourceQuota', 'LimitRange'])
      expect(
        refusal(lines('apiVersion: v1', `kind: ${kind}`, 'metadata: { name: mine }', 'spec: {}')),
      ).toMatch(new RegExp(`^evil\\.yaml:2: ${kind} "mine" kind: .*input.*\\(rule quota-objects\\)`))
  })

  test('a template NetworkPolicy may only admit pods of the same preview', () => {
    const np = (rule: string) =>
      lines(
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: { name: mine }',
        'spec:',
        '  podSelector: {}',
        rule,
      )
    expect(refusal(np('  ingress: [{}]'))).toMatch(
      /^evil\.yaml:6: NetworkPolicy "mine" spec\.ingress\[0\]: .*\(rule network-policy-peers\)/,
    )
    expect(refusal(np('  ingress:\n  - from:\n    - ipBlock: { cidr: 0.0.0.0/0 }'))).toMatch(
      /^evil\.yaml:8: .*spec\.ingress\[0\]\.from\[0\]\.ipBlock: .*\(rule network-policy-peers\)/,
    )
    expect(refusal(np('  egress:\n  - to:\n    - namespaceSelector: {}'))).toMatch(
      /namespaceSelector.*\(rule network-policy-peers\)/,
    )
    const ok = renderYaml(
      np(
        `  ingress:\n  - from:\n    - podSelector: { matchLabels: { app: web } }\n    - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ${owner.namespace} } }`,
      ),
    )
    expect(ok).toHaveLength(1)
  })
})

describe('Services that reach outside the namespace (point 3)', () => {
  const svc = (spec: string) =>
    lines('apiVersion: v1', 'kind: Service', 'metadata: { name: evil }', 'spec:', spec)
  test('externalIPs', () => {
    expect(refusal(svc('  ports: [{ port: 443 }]\n  externalIPs: [203.0.113.10]'))).toMatch(
      /^evil\.yaml:6: Service "evil" spec\.externalIPs: .*\(rule service-external-ips\)/,
    )
  })
  test('LoadBalancer and NodePort unless allow-service-types names them', () => {
    for (const type of ['LoadBalancer', 'NodePort']) {
      expect(refusal(svc(`  type: ${type}\n  ports: [{ port: 80 }]`))).toMatch(
        new RegExp(
          `^evil\\.yaml:5: Service "evil" spec\\.type: .*allow-service-types.*\\(rule service-type\\)`,
        ),
      )
      expect(
        renderYaml(svc(`  type: ${type}\n  ports: [{ port: 80 }]`), { allowServiceTypes: new Set([type]) }),
      ).toHaveLength(1)
    }
  })
  test('an ExternalName into the cluster', () => {
    for (const name of [
      'elasticsearch.preview-other-pr-1.svc.cluster.local',
      'elasticsearch.preview-other-pr-1.svc',
      'kubernetes.default.svc',
      'kube-dns.kube-system.svc.cluster.local.',
      'elasticsearch',
      '10.96.0.1',
      '169.254.169.254',
      'fd00:ec2::254',
      'x.cluster.local',
    ])
      expect(refusal(svc(`  type: ExternalName\n  externalName: ${JSON.stringify(name)}`))).toMatch(
        /^evil\.yaml:6: Service "evil" spec\.externalName: .*\(rule service-external-name\)/,
      )
    expect(renderYaml(svc('  type: ExternalName\n  externalName: api.stripe.com'))).toHaveLength(1)
  })
})

describe('hosts on the shared front door (point 4)', () => {
  const ingress = (annotations: string) =>
    lines(
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: web',
      '  annotations:',
      annotations,
      'spec:',
      `  rules: [{ host: ${own} }]`,
    )
  test.each([
    'nginx.ingress.kubernetes.io/server-alias: shop.example.com',
    'nginx.ingress.kubernetes.io/server-snippet: "return 200;"',
    'nginx.ingress.kubernetes.io/configuration-snippet: "x"',
    'nginx.ingress.kubernetes.io/auth-url: https://evil.example.com',
    'nginx.ingress.kubernetes.io/auth-signin: https://evil.example.com',
    'nginx.ingress.kubernetes.io/auth-tls-secret: kube-system/some-secret',
    'nginx.ingress.kubernetes.io/proxy-ssl-secret: other/secret',
  ])('Ingress annotation %s', (a) => {
    expect(refusal(ingress(`    ${a}`))).toMatch(
      /^evil\.yaml:6: Ingress "web" metadata\.annotations\.[^:]+: .*\(rule ingress-annotations\)/,
    )
  })

  test("Traefik, Istio, Contour, OpenShift, ListenerSet and cert-manager may name only the preview's hosts", () => {
    const foreign: Array<[string, RegExp]> = [
      [
        lines(
          'apiVersion: traefik.io/v1alpha1',
          'kind: IngressRoute',
          'metadata: { name: r }',
          'spec:',
          '  routes:',
          '  - match: Host(`shop.example.com`)',
          '    kind: Rule',
        ),
        /evil\.yaml:6: IngressRoute "r" spec\.routes\[0\]\.match: .*\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: traefik.io/v1alpha1',
          'kind: IngressRouteTCP',
          'metadata: { name: r }',
          'spec:',
          '  routes:',
          '  - match: HostSNI(`*`)',
        ),
        /evil\.yaml:6: .*\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: traefik.io/v1alpha1',
          'kind: IngressRoute',
          'metadata: { name: r }',
          'spec:',
          '  routes:',
          '  - match: HostRegexp(`.+`)',
        ),
        /\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: networking.istio.io/v1',
          'kind: VirtualService',
          'metadata: { name: v }',
          'spec:',
          '  hosts: [shop.example.com]',
        ),
        /evil\.yaml:5: VirtualService "v" spec\.hosts\[0\]: .*\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: projectcontour.io/v1',
          'kind: HTTPProxy',
          'metadata: { name: p }',
          'spec:',
          '  virtualhost: { fqdn: shop.example.com }',
        ),
        /evil\.yaml:5: .*fqdn.*\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: route.openshift.io/v1',
          'kind: Route',
          'metadata: { name: r }',
          'spec:',
          '  host: shop.example.com',
        ),
        /evil\.yaml:5: Route "r" spec\.host: .*\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: gateway.networking.x-k8s.io/v1alpha1',
          'kind: XListenerSet',
          'metadata: { name: l }',
          'spec:',
          '  listeners: [{ name: a, hostname: shop.example.com, port: 443, protocol: HTTPS }]',
        ),
        /\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: cert-manager.io/v1',
          'kind: Certificate',
          'metadata: { name: c }',
          'spec:',
          '  secretName: c',
          '  dnsNames: [shop.example.com]',
          '  issuerRef: { kind: ClusterIssuer, name: le }',
        ),
        /evil\.yaml:6: Certificate "c" spec\.dnsNames\[0\]: .*\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: cert-manager.io/v1',
          'kind: Issuer',
          'metadata: { name: i }',
          'spec:',
          '  acme:',
          '    solvers:',
          '    - http01: { ingress: {} }',
        ),
        /\(rule hosts\)/,
      ],
      [
        lines(
          'apiVersion: gateway.networking.k8s.io/v1alpha2',
          'kind: TCPRoute',
          'metadata: { name: t }',
          'spec: {}',
        ),
        /evil\.yaml:2: TCPRoute "t" kind: .*\(rule routing-kinds\)/,
      ],
      [
        lines(
          'apiVersion: gateway.networking.k8s.io/v1alpha2',
          'kind: UDPRoute',
          'metadata: { name: t }',
          'spec: {}',
        ),
        /\(rule routing-kinds\)/,
      ],
      [
        lines(
          'apiVersion: traefik.io/v1alpha1',
          'kind: IngressRouteUDP',
          'metadata: { name: t }',
          'spec: {}',
        ),
        /\(rule routing-kinds\)/,
      ],
      [
        lines('apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: { name: g }', 'spec: {}'),
        /\(rule routing-kinds\)/,
      ],
      [
        lines(
          'apiVersion: cert-manager.io/v1',
          'kind: CertificateRequest',
          'metadata: { name: g }',
          'spec: {}',
        ),
        /\(rule routing-kinds\)/,
      ],
    ]
    for (const [text, want] of foreign) expect(refusal(text)).toMatch(want)
    const mine = [
      lines(
        'apiVersion: traefik.io/v1alpha1',
        'kind: IngressRoute',
        'metadata: { name: r }',
        'spec:',
        '  routes:',
        `  - match: Host(\`${own}\`) && PathPrefix(\`/\`)`,
      ),
      lines(
        'apiVersion: cert-manager.io/v1',
        'kind: Certificate',
        'metadata: { name: c }',
        'spec:',
        '  secretName: c',
        `  dnsNames: [${own}]`,
        '  issuerRef: { kind: ClusterIssuer, name: le }',
      ),
      lines(
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: { name: v }',
        'spec:',
        `  hosts: [${own}]`,
      ),
    ]
    for (const text of mine) expect(renderYaml(text)).toHaveLength(1)
  })
})

describe('allow-cluster-scoped gaps (point 5) and cloud identities (point 15)', () => {
  test('ClusterRole aggregation', () => {
    const role = lines(
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata:',
      '  name: r',
      '  labels:',
      '    rbac.authorization.k8s.io/aggregate-to-admin: "true"',
      'rules: []',
    )
    expect(refusal(role, {}, ['ClusterRole'])).toMatch(
      /^evil\.yaml:6: ClusterRole "r" metadata\.labels\.rbac\.authorization\.k8s\.io\/aggregate-to-admin: .*\(rule cluster-role-aggregation\)/,
    )
    const agg = lines(
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata: { name: r }',
      'aggregationRule: { clusterRoleSelectors: [] }',
    )
    expect(refusal(agg, {}, ['ClusterRole'])).toMatch(/\(rule cluster-role-aggregation\)/)
  })
  test('a ClusterRoleBinding to a role the preview does not render', () => {
    const binding = (role: string) =>
      lines(
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRoleBinding',
        'metadata: { name: b }',
        `roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }`,
        `subjects: [{ kind: ServiceAccount, name: default, namespace: ${owner.namespace} }]`,
      )
    expect(refusal(binding('cluster-admin'), {}, ['ClusterRoleBinding', 'ClusterRole'])).toMatch(
      /^evil\.yaml:4: ClusterRoleBinding "b" roleRef\.name: .*\(rule cluster-role-binding-ref\)/,
    )
    const own = `${binding('mine')}\n---\n${lines('apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata: { name: mine }', 'rules: []')}`
    expect(renderYaml(own, {}, ['ClusterRoleBinding', 'ClusterRole'])).toHaveLength(2)
  })
  test('a PersistentVolume with hostPath or local', () => {
    for (const v of ['hostPath: { path: / }', 'local: { path: /mnt }'])
      expect(
        refusal(
          lines(
            'apiVersion: v1',
            'kind: PersistentVolume',
            'metadata: { name: pv }',
            'spec:',
            '  capacity: { storage: 1Gi }',
            `  ${v}`,
          ),
          {},
          ['PersistentVolume'],
        ),
      ).toMatch(
        /^evil\.yaml:6: PersistentVolume "pv" spec\.(hostPath|local): .*\(rule persistent-volume-host\)/,
      )
  })
  test('ServiceAccount cloud identity annotations', () => {
    for (const a of [
      'eks.amazonaws.com/role-arn: arn:aws:iam::1:role/x',
      'iam.gke.io/gcp-service-account: a@b.iam.gserviceaccount.com',
      'azure.workload.identity/client-id: abc',
    ])
      expect(
        refusal(
          lines(
            'apiVersion: v1',
            'kind: ServiceAccount',
            'metadata:',
            '  name: app',
            '  annotations:',
            `    ${a}`,
          ),
        ),
      ).toMatch(/^evil\.yaml:6: ServiceAccount "app" metadata\.annotations\.[^:]+: .*\(rule cloud-identity\)/)
  })
})

test("the README's claims table is the rules' own", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const start = '<!-- claims-table:start -->'
  const end = '<!-- claims-table:end -->'
  // Compared cell by cell: prettier pads the README's columns.
  const cells = (t: string) =>
    t
      .trim()
      .split('\n')
      .map((row) => row.split(/(?<!\\)\|/).map((c) => c.trim().replace(/^-+$/, '---')))
  const table = readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end))
  expect(cells(table)).toEqual(cells(claimsTable()))
})

describe('size (point 6)', () => {
  const loop =
    '{{#each items}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{@index}}\ndata:\n  v: {{this}}\n{{/each}}\n'
  const renderItems = (items: string[], maxObjects?: number) =>
    render({ templates: [{ name: 'many.yaml', text: loop }], context: { items }, owner, claims, maxObjects })
  test('more objects than max-objects (default 300) is a template error before anything is applied', () => {
    expect(renderItems(Array.from({ length: 300 }, () => 'x'))).toHaveLength(300)
    expect(() => renderItems(Array.from({ length: 301 }, () => 'x'))).toThrow(
      /^many\.yaml:\d+: .*more than 300 objects \(max-objects\)/,
    )
    expect(() => renderItems(['a', 'b', 'c'], 2)).toThrow(/more than 2 objects/)
  })
  test('more than 3 MiB in all is a template error', () => {
    const big = 'x'.repeat(512 * 1024)
    expect(() => renderItems(Array.from({ length: 7 }, () => big))).toThrow(/more than 3 MiB/)
  })
})
