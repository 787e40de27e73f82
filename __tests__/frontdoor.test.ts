// The front door, pure parts: inputs, the bundled stack's routes in Gateway and Ingress mode, URLs from
// HTTPRoutes, when a route counts as accepted, which IngressClass is used, and the basic-auth hash.
import { describe, expect, test } from '@jest/globals'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { frontDoorContext, htpasswdLine } from '../src/preview/frontdoor.js'
import { sha512Crypt } from '../src/preview/sha512-crypt.js'
import { internalServices } from '../src/modes/deploy/frontdoor.js'
import { networkInputs } from '../src/preview/guardrails.js'
import { chooseIngressClass, gatewayScheme, tlsCopy } from '../src/kube/frontdoor.js'
import { routeReadiness } from '../src/kube/wait/route-readiness.js'
import { planPreview } from '../src/preview/plan.js'
import { serviceUrls } from '../src/github/report.js'
import { parseSettings } from '../src/inputs/settings.js'
import { loadTemplates } from '../src/preview/templates.js'
import { pullRequestEvent } from './harness/events.js'
import type { KubeObject } from '../src/shared/kube-object.js'
import { parseFrontDoor } from '../src/inputs/frontdoor.js'

const inputs = (i: Record<string, string>) => (n: string) => i[n] ?? ''
const templates = loadTemplates('', process.cwd())

function stack(i: Record<string, string>, className = 'traefik') {
  const settings = parseSettings(inputs({ kubeconfig: '', domain: 'pr.example.com', ...i }))
  const event = parsePullRequestEvent(
    'pull_request',
    pullRequestEvent({ action: 'opened', number: 7, repository: 'acme/shop' }),
  )
  const plan = planPreview(event, settings, { serverUrl: 'https://github.com', runId: '1', runAttempt: '1' })
  const frontDoor = { context: frontDoorContext(settings, className, plan.namespace), objects: [] }
  const { objects } = renderPreview(
    plan,
    {
      templates,
      values: settings.values,
      allowClusterScoped: [],
      guardrails: settings,
      frontDoor: { ...frontDoor, scheme: 'http', ingressProblem: null },
    },
    { x: 'y' },
  )
  return { objects, plan, settings }
}

const kinds = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`)

describe('front door inputs', () => {
  test('gateway, tls-secret and basic-auth parse; bad values name the input', () => {
    expect(parseFrontDoor(inputs({ gateway: 'gw-system/previews', 'basic-auth': 'qa:s3:cr et' }))).toEqual({
      gateway: { namespace: 'gw-system', name: 'previews' },
      ingressClass: '',
      tlsSecret: null,
      basicAuth: { user: 'qa', password: 's3:cr et' },
      frontDoorCidrs: [],
    })
    expect(() => parseFrontDoor(inputs({ gateway: 'previews' }))).toThrow(
      /Input "gateway".*<namespace>\/<name>/,
    )
    expect(() => parseFrontDoor(inputs({ 'tls-secret': 'a/b/c' }))).toThrow(/Input "tls-secret"/)
    expect(() => parseFrontDoor(inputs({ 'basic-auth': 'nopassword' }))).toThrow(/Input "basic-auth"/)
    expect(() => parseFrontDoor(inputs({ gateway: 'a/b', 'ingress-class': 'nginx' }))).toThrow(/not both/)
  })

  test('the htpasswd line is salted SHA-512-crypt that checks against the password, stable per preview', () => {
    const line = htpasswdLine('qa', 'secret', 'ns-1')
    expect(line).toBe(htpasswdLine('qa', 'secret', 'ns-1'))
    expect(line).not.toBe(htpasswdLine('qa', 'secret', 'ns-2'))
    const salt = line.split('$')[2]!
    expect(line).toBe(`qa:${sha512Crypt('secret', salt)}`)
    expect(line).not.toContain('secret')
  })
})

describe('the bundled stack behind its front door', () => {
  test('Ingress mode: web only (Kibana stays internal), with the class, no HTTPRoute', () => {
    const { objects } = stack({ values: 'kibana: {enabled: true}' })
    expect(kinds(objects).filter((k) => /^(Ingress|HTTPRoute)\//.test(k))).toEqual(['Ingress/web'])
    const web = objects.find((o) => o.kind === 'Ingress') as { spec?: { ingressClassName?: string } }
    expect(web.spec?.ingressClassName).toBe('traefik')
    const urls = serviceUrls(objects, 'http')
    expect(Object.keys(urls)).toEqual(['web'])
    expect(internalServices(objects, urls, 'ns').join('\n')).toMatch(
      /kibana is internal.*kubectl port-forward -n ns svc\/kibana 8080:80/,
    )
  })

  test('Gateway mode: HTTPRoutes attached to the Gateway, hosts under the preview domain, URLs from hostnames', () => {
    const { objects, plan } = stack({
      gateway: 'gw/previews',
      values: 'kibana: {enabled: true, public: true}',
    })
    expect(kinds(objects).filter((k) => /^(Ingress|HTTPRoute)\//.test(k))).toEqual([
      'HTTPRoute/web',
      'HTTPRoute/kibana',
    ])
    const route = objects.find((o) => o.kind === 'HTTPRoute') as unknown as {
      spec: { parentRefs: unknown[]; hostnames: string[] }
    }
    expect(route.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gw', name: 'previews' },
    ])
    expect(route.spec.hostnames).toEqual([plan.host])
    expect(serviceUrls(objects, 'https')).toEqual({
      web: `https://${plan.host}`,
      kibana: `https://kibana-${plan.host}`,
    })
  })

  test('basic-auth: every host goes to the auth proxy, Kibana included; URLs still name the services', () => {
    const { objects, plan } = stack({ 'basic-auth': 'qa:pw', values: 'kibana: {enabled: true}' })
    const ingresses = objects.filter((o) => o.kind === 'Ingress') as unknown as Array<{
      metadata: { name: string }
      spec: { rules: Array<{ http: { paths: Array<{ backend: { service: { name: string } } }> } }> }
    }>
    expect(
      ingresses.map((i) => [i.metadata.name, i.spec.rules[0]!.http.paths[0]!.backend.service.name]),
    ).toEqual([
      ['web', 'auth-proxy'],
      ['kibana', 'auth-proxy'],
    ])
    expect(kinds(objects)).toEqual(
      expect.arrayContaining(['Deployment/auth-proxy', 'Service/auth-proxy', 'Secret/auth-proxy']),
    )
    expect(JSON.stringify(objects)).not.toContain('qa:pw')
    expect(serviceUrls(objects, 'http')).toEqual({
      web: `http://${plan.host}`,
      kibana: `http://kibana-${plan.host}`,
    })
  })

  test('tls-secret: https URLs, and every Ingress names the copy', () => {
    const settings = parseSettings(inputs({ kubeconfig: '', 'tls-secret': 'certs/wildcard' }))
    const context = frontDoorContext(settings, 'nginx', 'ns')
    expect(context.ingress.tlsSecret).toBe('preview-tls')
    const event = parsePullRequestEvent(
      'pull_request',
      pullRequestEvent({ action: 'opened', number: 1, repository: 'a/b' }),
    )
    expect(planPreview(event, settings, { serverUrl: '', runId: '1', runAttempt: '1' }).scheme).toBe('https')
    const copy = tlsCopy({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'wildcard', namespace: 'certs', uid: 'x', resourceVersion: '9' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Yw==', 'tls.key': 'aw==' },
    } as KubeObject)
    expect(copy).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'preview-tls', annotations: { 'kube-pr-preview.io/copied-from': 'certs/wildcard' } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Yw==', 'tls.key': 'aw==' },
    })
  })

  test("the NetworkPolicy lets the Gateway's namespace in (to the routed pods)", () => {
    const settings = parseSettings(inputs({ kubeconfig: '', gateway: 'gw-system/previews' }))
    expect(networkInputs(settings, { apiServerAddresses: [] }).frontDoorPeers).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gw-system' } } },
    ])
  })
})

const route = (status: unknown, generation = 1): KubeObject =>
  ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'ns', generation },
    spec: { parentRefs: [{ name: 'previews', namespace: 'gw' }] },
    status,
  }) as KubeObject

const parent = (conditions: unknown[]) => ({
  parents: [{ parentRef: { name: 'previews', namespace: 'gw' }, controllerName: 'x', conditions }],
})

describe('HTTPRoute readiness', () => {
  test('accepted and resolved: ready', () => {
    expect(
      routeReadiness(
        route(
          parent([
            { type: 'Accepted', status: 'True', observedGeneration: 1 },
            { type: 'ResolvedRefs', status: 'True', observedGeneration: 1 },
          ]),
        ),
      ),
    ).toEqual({ state: 'ready', message: 'accepted by Gateway gw/previews' })
  })

  test("not accepted: failed, with the controller's own message", () => {
    const r = routeReadiness(
      route(
        parent([
          {
            type: 'Accepted',
            status: 'False',
            reason: 'NotAllowedByListeners',
            message: 'No matching listener hostname',
            observedGeneration: 1,
          },
        ]),
      ),
    )
    expect(r).toEqual({
      state: 'failed',
      message: 'not accepted by Gateway gw/previews: NotAllowedByListeners: No matching listener hostname',
    })
  })

  test('no status yet, stale status, or unresolved backends: waiting, saying why', () => {
    expect(routeReadiness(route(undefined)).state).toBe('progressing')
    const stale = parent([
      { type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners', observedGeneration: 1 },
    ])
    expect(routeReadiness(route(stale, 2)).state).toBe('progressing')
    const unresolved = routeReadiness(
      route(
        parent([
          { type: 'Accepted', status: 'True' },
          {
            type: 'ResolvedRefs',
            status: 'False',
            reason: 'BackendNotFound',
            message: 'service "web" not found',
          },
        ]),
      ),
    )
    expect(unresolved).toEqual({
      state: 'progressing',
      message: 'Gateway gw/previews cannot resolve its backends: BackendNotFound: service "web" not found',
    })
  })
})

const ingressClass = (name: string, isDefault = false): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: {
    name,
    ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
  },
})

describe('IngressClass choice', () => {
  test('the named class, or the default', () => {
    expect(chooseIngressClass([ingressClass('nginx'), ingressClass('traefik')], 'nginx')).toEqual({
      className: 'nginx',
      problem: null,
    })
    expect(chooseIngressClass([ingressClass('nginx'), ingressClass('traefik', true)], '')).toEqual({
      className: 'traefik',
      problem: null,
    })
  })

  test("a missing class, or no default: the problem lists the cluster's classes", () => {
    expect(chooseIngressClass([ingressClass('traefik', true)], 'nginx').problem).toBe(
      'Input "ingress-class": the cluster has no IngressClass "nginx"; the cluster has: traefik.',
    )
    expect(chooseIngressClass([ingressClass('b'), ingressClass('a')], '').problem).toMatch(
      /no default IngressClass: name one with ingress-class \(the cluster has: a, b\)/,
    )
    expect(chooseIngressClass([], '').problem).toMatch(/no IngressClass at all/)
  })
})

describe('URL scheme from the Gateway', () => {
  const gateway = (listeners: unknown[]) =>
    ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'g' },
      spec: { listeners },
    }) as KubeObject
  test('https when an HTTPS listener takes the host', () => {
    const g = gateway([
      { name: 'http', protocol: 'HTTP', port: 80, hostname: '*.pr.example.com' },
      { name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.pr.example.com' },
    ])
    expect(gatewayScheme(g, 'shop-1.pr.example.com')).toBe('https')
    expect(gatewayScheme(g, 'shop-1.other.example.com')).toBe('http')
    expect(gatewayScheme(gateway([{ name: 'http', protocol: 'HTTP', port: 80 }]), 'x.y')).toBe('http')
  })
})
