// Who the NetworkPolicy lets in from outside a preview: the front door, found from the cluster (never assumed),
// and address ranges for load balancers that are not pods. Pure: the facts are what kube/frontdoor.ts reads.
import { describe, expect, test } from '@jest/globals'
import { parseCidrs } from '../src/inputs/frontdoor.js'
import { parseSettings } from '../src/inputs/settings.js'
import { admitFrontDoor, type FrontDoorFacts } from '../src/preview/admission.js'
import { guardrailObjects } from '../src/preview/guardrails.js'
import type { KubeObject } from '../src/shared/kube-object.js'

const facts = (f: Partial<FrontDoorFacts>): FrontDoorFacts => ({
  inputNamespace: '',
  inputCidrs: [],
  door: null,
  annotations: {},
  pods: null,
  ...f,
})
const traefik = {
  kind: 'IngressClass' as const,
  name: 'traefik',
  controller: 'traefik.io/ingress-controller',
}
const nginx = { kind: 'IngressClass' as const, name: 'nginx', controller: 'k8s.io/ingress-nginx' }
const pod = (namespace: string, hostNetwork = false) => ({ namespace, hostNetwork })

describe('the front door is found from the cluster', () => {
  test("k3s's Traefik in kube-system, Envoy Gateway's proxies in envoy-gateway-system: admitted, with why", () => {
    const k3s = admitFrontDoor(facts({ door: traefik, pods: [pod('kube-system')] }))
    expect(k3s).toEqual({
      namespaces: ['kube-system'],
      cidrs: [],
      lines: [
        "admitting the pods of namespace kube-system (the pods of IngressClass traefik's controller (traefik.io/ingress-controller) run there)",
      ],
    })
    const envoy = admitFrontDoor(
      facts({
        door: { kind: 'Gateway', namespace: 'gateway-system', name: 'previews', className: 'eg' },
        pods: [pod('envoy-gateway-system'), pod('envoy-gateway-system')],
      }),
    )
    expect(envoy.namespaces).toEqual(['gateway-system', 'envoy-gateway-system'])
    expect(envoy.lines.join('\n')).toContain("gateway-system (the Gateway's namespace)")
    expect(envoy.lines.join('\n')).toContain(
      "envoy-gateway-system (the pods of Gateway gateway-system/previews's data plane run there)",
    )
  })

  test("pods the action may not list: an IngressClass's run fails naming the inputs; a Gateway's namespace is admitted, and the log says what could not be looked for", () => {
    const problem = 'the action may not list pods: pods is forbidden'
    expect(() => admitFrontDoor(facts({ door: traefik, pods: null, podsProblem: problem }))).toThrow(
      /cannot tell where the pods of IngressClass traefik's controller .*may not list pods.*set ingress-namespace/,
    )
    const gateway = admitFrontDoor(
      facts({
        door: { kind: 'Gateway', namespace: 'gateway-system', name: 'previews', className: 'eg' },
        pods: null,
        podsProblem: problem,
      }),
    )
    expect(gateway.namespaces).toEqual(['gateway-system'])
    expect(gateway.lines.join('\n')).toContain(
      "could not look for the pods of Gateway gateway-system/previews's data plane (the action may not list pods: pods is forbidden): if they run outside namespace gateway-system, name theirs in ingress-namespace or the kube-pr-preview.io/front-door-namespaces annotation of the Gateway",
    )
  })

  test('ingress-namespace and an annotation on the class say it outright; front-door-cidrs add ranges', () => {
    expect(admitFrontDoor(facts({ inputNamespace: 'edge', door: traefik, pods: [] })).namespaces).toEqual([
      'edge',
    ])
    const annotated = admitFrontDoor(
      facts({
        door: traefik,
        annotations: {
          'kube-pr-preview.io/front-door-cidrs': '10.0.0.0/8',
          'kube-pr-preview.io/front-door-namespaces': 'edge',
        },
        inputCidrs: ['192.168.0.0/16'],
      }),
    )
    expect(annotated).toMatchObject({ namespaces: ['edge'], cidrs: ['192.168.0.0/16', '10.0.0.0/8'] })
    expect(annotated.lines).toContain(
      'admitting 10.0.0.0/8 to the routed pods (the kube-pr-preview.io/front-door-cidrs annotation of IngressClass traefik)',
    )
  })

  test('a clear failure rather than a guess: no pods, an unknown controller, the host network, a cloud load balancer', () => {
    expect(() => admitFrontDoor(facts({ door: nginx, pods: [] }))).toThrow(
      /^Input "ingress-namespace": no pods of IngressClass nginx's controller \(k8s\.io\/ingress-nginx, labelled app\.kubernetes\.io\/name=ingress-nginx,app\.kubernetes\.io\/component=controller\) run in the cluster: set ingress-namespace/,
    )
    expect(() =>
      admitFrontDoor(facts({ door: { kind: 'IngressClass', name: 'x', controller: 'example.com/x' } })),
    ).toThrow(
      /^Input "ingress-namespace": cannot tell where the pods of IngressClass x's controller \(example.com\/x\) run/,
    )
    expect(() => admitFrontDoor(facts({ door: nginx, pods: [pod('ingress-nginx', true)] }))).toThrow(
      /^Input "front-door-cidrs": the pods of IngressClass nginx's proxy run on the host network \(namespace ingress-nginx\): their traffic comes from the nodes' addresses/,
    )
    expect(() =>
      admitFrontDoor(
        facts({ door: { kind: 'IngressClass', name: 'alb', controller: 'ingress.k8s.aws/alb' } }),
      ),
    ).toThrow(/^Input "front-door-cidrs": IngressClass alb is served by the AWS Load Balancer Controller/)
    const gke = {
      kind: 'Gateway' as const,
      namespace: 'infra',
      name: 'gw',
      className: 'gke-l7-global-external-managed',
    }
    expect(() => admitFrontDoor(facts({ door: gke, pods: [] }))).toThrow(
      /^Input "front-door-cidrs": Gateway infra\/gw \(class gke-l7-global-external-managed\) is a Google Cloud load balancer: it reaches pods from 35.191.0.0\/16 and 130.211.0.0\/22/,
    )
    // With the ranges given, each of them deploys.
    const ranges = ['35.191.0.0/16', '130.211.0.0/22']
    expect(admitFrontDoor(facts({ door: gke, pods: [], inputCidrs: ranges }))).toMatchObject({
      namespaces: ['infra'],
      cidrs: ranges,
    })
    expect(
      admitFrontDoor(facts({ door: nginx, pods: [pod('ingress-nginx', true)], inputCidrs: ['10.0.0.0/16'] }))
        .namespaces,
    ).toEqual([])
  })

  test('ingress-namespace has no default any more; front-door-cidrs are checked', () => {
    const read = (inputs: Record<string, string>) =>
      parseSettings((n) => ({ kubeconfig: 'clusters: []', ...inputs })[n] ?? '')
    expect(read({}).ingressNamespace).toBe('')
    expect(
      read({ 'front-door-cidrs': '35.191.0.0/16, 130.211.0.0/22\n2600:1901::/48' }).frontDoorCidrs,
    ).toEqual(['35.191.0.0/16', '130.211.0.0/22', '2600:1901::/48'])
    for (const bad of ['35.191.0.0', '35.191.0.0/33', '300.1.1.1/8', 'gke', '10.0.0.0/8/1'])
      expect(() => parseCidrs('front-door-cidrs', bad)).toThrow(
        new RegExp(
          `^Input "front-door-cidrs": "${bad.replace(/[./]/g, '\\$&')}" is not an address range in CIDR notation`,
        ),
      )
  })
})

describe('the NetworkPolicies', () => {
  const owner = { repository: 'acme/shop', pr: 4, namespace: 'preview-shop-abc123-pr-4' }
  const service = (
    name: string,
    selector: Record<string, string>,
    targetPort: string | number,
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector, ports: [{ port: 80, targetPort }] },
  })
  const ingress = (name: string, backend: string): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name },
    spec: {
      rules: [
        { http: { paths: [{ path: '/', backend: { service: { name: backend, port: { number: 80 } } } }] } },
      ],
    },
  })
  const objects = [
    service('web', { 'app.kubernetes.io/name': 'web' }, 'http'),
    service('mariadb', { 'app.kubernetes.io/name': 'mariadb' }, 'mysql'),
    ingress('web', 'web'),
  ]

  const admitted = (namespaces: string[], cidrs: string[], objs = objects) =>
    guardrailObjects(
      parseSettings((n) => ({ kubeconfig: 'clusters: []' })[n] ?? ''),
      owner,
      objs,
      { apiServerAddresses: [] },
      { namespaces, cidrs, lines: [] },
    ).filter((o) => o.kind === 'NetworkPolicy')

  test('the front door found (namespaces, address ranges) reaches only the routed pods, on their ports', () => {
    const policies = admitted(['kube-system'], ['35.191.0.0/16', '130.211.0.0/22'])
    const frontDoor = policies.filter((p) => p.metadata.name.startsWith('preview-front-door'))
    expect(frontDoor.map((p) => p.metadata.name)).toEqual(['preview-front-door-web'])
    const text = JSON.stringify(frontDoor[0]!.spec)
    for (const peer of ['kube-system', '35.191.0.0/16', '130.211.0.0/22']) expect(text).toContain(peer)
    // Not to MariaDB, and not through the isolation policy (which admits only the preview's own pods).
    const isolation = policies.find((p) => p.metadata.name === 'preview-isolation')!
    expect(JSON.stringify(isolation.spec)).not.toMatch(/kube-system|35\.191/)
    expect(JSON.stringify(policies)).not.toMatch(/"app.kubernetes.io\/name":"mariadb"[^}]*}[^]*35\.191/)
  })

  test("no ingress-nginx by default: without a front door found, only the preview's own pods", () => {
    const g = parseSettings((n) => ({ kubeconfig: 'clusters: []' })[n] ?? '')
    expect(JSON.stringify(guardrailObjects(g, owner, objects))).not.toContain('ingress-nginx')
    const frontDoor = admitted([], []).filter((p) => p.metadata.name.startsWith('preview-front-door'))
    expect(JSON.stringify(frontDoor)).not.toMatch(/namespaceSelector|ipBlock/)
  })
})
