// The auth proxy is reserved (tenancy, point 2): with basic-auth on, a template set that leaves out, empties or
// replaces the action's auth-proxy.yaml, routes a host around the proxy, or puts its own pods or addresses behind
// the proxy's Service is a template error (file, line, field, rule), before anything is applied.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { bundledTemplatesFolder, loadTemplates } from '../src/preview/templates.js'
import { frontDoorContext } from '../src/preview/frontdoor.js'
import { TemplateError } from '../src/shared/errors.js'
import { planOf } from './harness/plan.js'

/** A workspace with the given folders of files. */
function workspace(folders: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-reserved-'))
  for (const [folder, files] of Object.entries(folders)) {
    mkdirSync(join(dir, folder))
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, folder, name), text)
  }
  return dir
}

/** Renders a preview as the action does; `templates` and `extra` are folders of the workspace. */
function renderWith(
  inputs: { templates?: string; extra?: string; auth?: boolean; gateway?: boolean },
  dir = workspace({}),
) {
  const { settings, plan } = planOf(
    {
      'basic-auth': inputs.auth === false ? '' : 'qa:open sesame',
      gateway: inputs.gateway ? 'gateway-system/previews' : '',
    },
    9,
    'c'.repeat(40),
  )
  return renderPreview(
    plan,
    {
      templates: loadTemplates(inputs.templates ?? '', dir, inputs.extra ?? ''),
      values: settings.values,
      allowClusterScoped: [],
      guardrails: settings,
      frontDoor: {
        context: frontDoorContext(settings, 'nginx', plan.namespace),
        objects: [],
        scheme: 'https',
        ingressProblem: null,
      },
    },
    {},
  ).objects
}

/** The template error of a render that must be refused. */
function refusal(inputs: Parameters<typeof renderWith>[0], dir: string): TemplateError {
  try {
    renderWith(inputs, dir)
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError)
    return e as TemplateError
  }
  throw new Error('the render was not refused')
}

const own = readFileSync(join(bundledTemplatesFolder(), 'auth-proxy.yaml'), 'utf8')
const extra = (files: Record<string, string>) => workspace({ extra: files })
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1

describe('the auth proxy is reserved when basic-auth is on', () => {
  test('the bundled stack renders with its proxy in front of every route, in Ingress and Gateway mode', () => {
    for (const gateway of [false, true]) {
      const objects = renderWith({ gateway })
      expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'auth-proxy')).toBe(true)
    }
    // The action's own file, laid over the bundled stack unchanged (or with other line ends), is the same proxy.
    expect(() =>
      renderWith({ extra: 'extra' }, extra({ 'auth-proxy.yaml': own.replace(/\n/g, '\r\n') })),
    ).not.toThrow()
  })

  test('an empty auth-proxy.yaml in extra-templates (which would remove the proxy) is refused', () => {
    const e = refusal({ extra: 'extra' }, extra({ 'auth-proxy.yaml': '' }))
    expect(e.file).toBe('auth-proxy.yaml')
    expect(e.message).toMatch(
      /basic-auth is on, and auth-proxy.yaml is the action's own password proxy: a template set may not replace or empty it/,
    )
  })

  test('a changed auth-proxy.yaml (one line of its nginx configuration) is refused', () => {
    const changed = own.replace('auth_basic "Preview";', 'auth_basic off;')
    expect(changed).not.toBe(own)
    const e = refusal({ extra: 'extra' }, extra({ 'auth-proxy.yaml': changed }))
    expect(e.message).toMatch(/may not replace or empty it/)
  })

  test('a templates folder of its own without auth-proxy.yaml is refused, saying what to do', () => {
    const web = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 80 }]
`
    const e = refusal({ templates: 'preview' }, workspace({ preview: { 'web.yaml': web } }))
    expect(e.message).toMatch(
      /basic-auth is on, but the templates have no auth-proxy.yaml.*or leave basic-auth off/,
    )
  })

  test('an Ingress that sends a host straight to the web Service is refused at its backend line', () => {
    const route = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: direct
spec:
  ingressClassName: nginx
  rules:
    - host: {{preview.host}}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port: { number: 80 }
`
    const e = refusal({ extra: 'extra' }, extra({ 'direct.yaml': route }))
    expect(e.file).toBe('direct.yaml')
    expect(e.line).toBe(lineOf(route, 'name: web'))
    expect(e.message).toMatch(
      /Ingress "direct" spec.rules\[0\].http.paths\[0\].backend.service.name: sends requests to Service "web", past the password.*\(rule auth-proxy\)/,
    )
  })

  test('an HTTPRoute to the web Service is refused; without basic-auth the same route is fine', () => {
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: direct
spec:
  parentRefs: [{ name: previews, namespace: gateway-system }]
  hostnames: [{{preview.host}}]
  rules:
    - backendRefs:
        - name: web
          port: 80
`
    const e = refusal({ extra: 'extra', gateway: true }, extra({ 'direct.yaml': route }))
    expect(e.message).toMatch(
      /HTTPRoute "direct" spec.rules\[0\].backendRefs\[0\]: sends requests to Service "web"/,
    )
    expect(() =>
      renderWith({ extra: 'extra', gateway: true, auth: false }, extra({ 'direct.yaml': route })),
    ).not.toThrow()
  })

  test("pods of a template's own behind the proxy's Service, or addresses added to it, are refused", () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: impostor
  labels:
    app.kubernetes.io/name: auth-proxy
spec:
  containers: [{ name: app, image: busybox }]
`
    expect(refusal({ extra: 'extra' }, extra({ 'impostor.yaml': pod })).message).toMatch(
      /Pod "impostor" metadata.labels: makes pods that Service auth-proxy selects/,
    )
    const slice = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: auth-proxy-extra
  labels:
    kubernetes.io/service-name: auth-proxy
addressType: IPv4
endpoints: [{ addresses: [10.0.0.9] }]
ports: [{ port: 8080 }]
`
    expect(refusal({ extra: 'extra' }, extra({ 'slice.yaml': slice })).message).toMatch(
      /EndpointSlice "auth-proxy-extra" metadata: adds addresses behind Service auth-proxy/,
    )
  })

  test('a controller-specific route (Traefik IngressRoute) is refused with basic-auth', () => {
    const route = `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: direct
spec:
  routes:
    - match: Host(\`{{preview.host}}\`)
      kind: Rule
      services: [{ name: web, port: 80 }]
`
    expect(refusal({ extra: 'extra' }, extra({ 'direct.yaml': route })).message).toMatch(
      /IngressRoute "direct" spec: routes hosts by a controller-specific kind/,
    )
  })

  test('without basic-auth, an empty auth-proxy.yaml simply leaves the proxy out', () => {
    const objects = renderWith({ extra: 'extra', auth: false }, extra({ 'auth-proxy.yaml': '' }))
    expect(objects.some((o) => o.metadata.name === 'auth-proxy')).toBe(false)
  })
})
