// The preview's NetworkPolicies, as a deploy renders them for the bundled stack: the front door reaches only the
// pods its routes lead to, only on their ports (the auth proxy with a password, else web and Kibana; never
// Elasticsearch, Redis, MongoDB or RabbitMQ), and pods may not open connections to the cloud metadata address or
// the API server. That a cluster enforces such policies is network-policy.e2e.test.ts.
import { tmpdir } from 'node:os'
import { describe, expect, test } from '@jest/globals'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { loadTemplates } from '../src/preview/templates.js'
import { frontDoorContext } from '../src/preview/frontdoor.js'
import { networkPolicies, routedTargets } from '../src/preview/network-policies.js'
import { planOf } from './harness/plan.js'
import type { KubeObject } from '../src/shared/kube-object.js'

type Obj = KubeObject & Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function renderStack(
  inputs: Record<string, string> = {},
  apiServerAddresses: string[] = ['10.0.0.1'],
): Obj[] {
  const { settings, plan } = planOf({ 'ingress-namespace': 'ingress-nginx', ...inputs }, 4, 'b'.repeat(40))
  return renderPreview(
    plan,
    {
      templates: loadTemplates('', tmpdir(), ''),
      values: settings.values,
      allowClusterScoped: [],
      guardrails: settings,
      frontDoor: {
        context: frontDoorContext(settings, 'nginx', plan.namespace),
        objects: [],
        scheme: 'https',
        ingressProblem: null,
      },
      apiServerAddresses,
    },
    {},
  ).objects as Obj[]
}

const policies = (objects: Obj[]) => objects.filter((o) => o.kind === 'NetworkPolicy')
const frontDoor = (objects: Obj[]) =>
  policies(objects).filter((p) => p.metadata.name.startsWith('preview-front-door'))

/** The pods (by app.kubernetes.io/name) a front-door policy admits, with its ports. */
const admitted = (objects: Obj[]) =>
  Object.fromEntries(
    frontDoor(objects).map((p) => [
      p.spec.podSelector.matchLabels['app.kubernetes.io/name'],
      p.spec.ingress.flatMap((r: Obj) => r.ports.map((x: Obj) => x.port)),
    ]),
  )

describe('the front door reaches only the routed pods, on their ports (point 13)', () => {
  test('without a password: web (and Kibana, when it has a host), never the data services', () => {
    const objects = renderStack({ values: 'kibana: { enabled: true, public: true }' })
    const open = admitted(objects)
    expect(Object.keys(open).sort()).toEqual(['kibana', 'web'])
    expect(open.web).toBeDefined()
    for (const name of ['elasticsearch', 'redis', 'mongodb', 'rabbitmq', 'mariadb', 'worker'])
      expect(open[name]).toBeUndefined()
    // The ports are the web Service's target port, not every port of the pod.
    const web = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web')!
    expect(open.web).toEqual(web.spec.ports.map((p: Obj) => p.targetPort ?? p.port))
    // Who the front door is: the ingress controller's namespace only.
    for (const p of frontDoor(objects))
      expect(p.spec.ingress[0].from).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      ])
  })

  test('with a password: only the auth proxy', () => {
    const objects = renderStack({ 'basic-auth': 'preview:s3cret-Passw0rd' })
    expect(Object.keys(admitted(objects))).toEqual(['auth-proxy'])
  })

  test('every pod of the preview takes traffic from pods of the same preview only (besides the front door)', () => {
    const isolation = policies(renderStack()).find((p) => p.metadata.name === 'preview-isolation')!
    expect(isolation.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }] }],
    })
  })

  test('the builder takes extra front-door peers (e.g. a load balancer range) as they are', () => {
    const objects = renderStack()
    const extra = { ipBlock: { cidr: '203.0.113.0/24' } }
    const built = networkPolicies(objects, { frontDoorPeers: [extra], egressGuard: null })
    expect(built.filter((p) => p.metadata.name.startsWith('preview-front-door')).length).toBe(
      routedTargets(objects).length,
    )
    for (const p of built.filter((x) => x.metadata.name.startsWith('preview-front-door')))
      expect((p.spec as Obj).ingress[0].from).toEqual([extra])
  })
})

describe('egress guard (point 15)', () => {
  test('pods reach their own preview, DNS and the internet, not the metadata address or the API server', () => {
    const egress = policies(renderStack({}, ['10.96.0.1', '172.18.0.2', 'fd00::1'])).find(
      (p) => p.metadata.name === 'preview-egress',
    )!
    expect(egress.spec.policyTypes).toEqual(['Egress'])
    const to = egress.spec.egress[0].to as Obj[]
    expect(to).toContainEqual({ podSelector: {} })
    expect(to).toContainEqual({
      ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32', '10.96.0.1/32', '172.18.0.2/32'] },
    })
    expect(to).toContainEqual({ ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128', 'fd00::1/128'] } })
  })

  test('egress-guard: false, or network-policy: false, adds no egress policy', () => {
    expect(policies(renderStack({ 'egress-guard': 'false' })).map((p) => p.metadata.name)).not.toContain(
      'preview-egress',
    )
    expect(policies(renderStack({ 'network-policy': 'false' }))).toEqual([])
  })

  test('bundled workloads do not mount a ServiceAccount token', () => {
    for (const o of renderStack({ 'basic-auth': 'preview:s3cret-Passw0rd' }).filter((x) =>
      ['Deployment', 'StatefulSet', 'Job'].includes(x.kind),
    ))
      expect([o.metadata.name, o.spec.template.spec.automountServiceAccountToken]).toEqual([
        o.metadata.name,
        false,
      ])
  })
})
