// With `basic-auth`, the password proxy in front of the preview is the action's own (templates/auth-proxy.yaml of
// the action's version), reserved like the action's other objects: a PR that may change the templates cannot
// leave it out, empty or replace it, route a host around it, or put pods of its own behind its Service. Pure.
import type { KubeObject, RenderedObject, TemplateFile } from '../shared/kube-object.js'
import { TemplateError } from '../shared/errors.js'
import { lineOfPath, sourceOf } from './sources.js'

export const AUTH_PROXY = 'auth-proxy'
export const AUTH_PROXY_TEMPLATE = 'auth-proxy.yaml'

type Json = Record<string, unknown>
type Path = Array<string | number>
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})
/** The same text whatever the checkout did to line ends and trailing blanks. */
const normal = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim()

/**
 * The template set, checked to hold the action's own auth proxy unchanged: a set that leaves `auth-proxy.yaml` out,
 * or replaces it (an empty file included), is a template error.
 */
export function checkOwnAuthProxy(files: TemplateFile[], own: TemplateFile): void {
  const theirs = files.find((f) => f.name === AUTH_PROXY_TEMPLATE)
  if (!theirs)
    throw new TemplateError(
      AUTH_PROXY_TEMPLATE,
      undefined,
      `basic-auth is on, but the templates have no ${AUTH_PROXY_TEMPLATE}: the password proxy is the action's own (templates/${AUTH_PROXY_TEMPLATE} of this version of the action). Keep it in the set unchanged (use extra-templates over the bundled stack, or copy it into your templates folder), or leave basic-auth off`,
    )
  if (normal(theirs.text) !== normal(own.text))
    throw new TemplateError(
      AUTH_PROXY_TEMPLATE,
      undefined,
      `basic-auth is on, and ${AUTH_PROXY_TEMPLATE} is the action's own password proxy: a template set may not replace or empty it (this one differs from templates/${AUTH_PROXY_TEMPLATE} of this version of the action). Remove your ${AUTH_PROXY_TEMPLATE} or copy the action's unchanged, or leave basic-auth off`,
    )
}

/** Routing kinds whose backends this check does not read: with basic-auth they would route around the proxy. */
const OTHER_ROUTES = new Map<string, string[]>([
  ['traefik.io', ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP']],
  ['traefik.containo.us', ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP']],
  ['networking.istio.io', ['VirtualService']],
  ['projectcontour.io', ['HTTPProxy']],
  ['route.openshift.io', ['Route']],
])
const groupOf = (o: KubeObject) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '')

/** Each backend of a route that is not the auth proxy's Service, with its field. */
function routesAroundTheProxy(o: KubeObject): Array<{ path: Path; problem: string }> {
  const out: Array<{ path: Path; problem: string }> = []
  const spec = asObject(o.spec)
  const ingressBackend = (b: unknown, path: Path) => {
    const backend = asObject(b)
    const name = asObject(backend.service).name
    if (backend.resource !== undefined)
      out.push({
        path: [...path, 'resource'],
        problem: 'sends requests to a resource, not to Service auth-proxy',
      })
    else if (name !== AUTH_PROXY)
      out.push({
        path: [...path, 'service', 'name'],
        problem: `sends requests to Service ${JSON.stringify(name)}, past the password`,
      })
  }
  if (o.kind === 'Ingress' && groupOf(o) === 'networking.k8s.io') {
    if (spec.defaultBackend !== undefined) ingressBackend(spec.defaultBackend, ['spec', 'defaultBackend'])
    asList(spec.rules).forEach((r, i) =>
      asList(asObject(asObject(r).http).paths).forEach((p, j) =>
        ingressBackend(asObject(p).backend, ['spec', 'rules', i, 'http', 'paths', j, 'backend']),
      ),
    )
  } else if (groupOf(o).startsWith('gateway.networking.') && o.kind.endsWith('Route')) {
    asList(spec.rules).forEach((r, i) =>
      asList(asObject(r).backendRefs).forEach((b, j) => {
        const ref = asObject(b)
        const service = (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === ''
        if (!service || ref.name !== AUTH_PROXY || ref.namespace !== undefined)
          out.push({
            path: ['spec', 'rules', i, 'backendRefs', j],
            problem: `sends requests to ${String(ref.kind ?? 'Service')} ${JSON.stringify(ref.name)}${ref.namespace !== undefined ? ` of namespace ${JSON.stringify(ref.namespace)}` : ''}, past the password`,
          })
      }),
    )
  } else if (OTHER_ROUTES.get(groupOf(o))?.includes(o.kind)) {
    out.push({
      path: ['spec'],
      problem:
        'routes hosts by a controller-specific kind; with basic-auth every host goes through Service auth-proxy, by an Ingress or a Gateway API route',
    })
  }
  return out
}

/** The labels of the pods an object makes (a Pod's own, a workload's pod template's). */
function podLabels(o: KubeObject): { labels: Json; path: Path } | null {
  const spec = asObject(o.spec)
  if (o.kind === 'Pod') return { labels: asObject(o.metadata.labels), path: ['metadata', 'labels'] }
  if (o.kind === 'CronJob') {
    const template = asObject(asObject(asObject(spec.jobTemplate).spec).template)
    return {
      labels: asObject(asObject(template.metadata).labels),
      path: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'],
    }
  }
  if (
    ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].includes(o.kind)
  )
    return {
      labels: asObject(asObject(asObject(spec.template).metadata).labels),
      path: ['spec', 'template', 'metadata', 'labels'],
    }
  return null
}

/** Pods, endpoints and routes that would let requests reach the preview without the password. */
function bypasses(objects: KubeObject[]): Array<{ object: KubeObject; path: Path; problem: string }> {
  const proxyService = objects.find((o) => o.kind === 'Service' && o.metadata.name === AUTH_PROXY)
  const selector = Object.entries(asObject(asObject(proxyService?.spec).selector))
  const out: Array<{ object: KubeObject; path: Path; problem: string }> = []
  for (const o of objects) {
    for (const p of routesAroundTheProxy(o)) out.push({ object: o, ...p })
    const pods = podLabels(o)
    const proxy = o.kind === 'Deployment' && o.metadata.name === AUTH_PROXY
    if (pods && !proxy && selector.length > 0 && selector.every(([k, v]) => pods.labels[k] === v))
      out.push({
        object: o,
        path: pods.path,
        problem: 'makes pods that Service auth-proxy selects: requests would reach them without the password',
      })
    const slice =
      o.kind === 'EndpointSlice' && o.metadata.labels?.['kubernetes.io/service-name'] === AUTH_PROXY
    if (slice || (o.kind === 'Endpoints' && o.metadata.name === AUTH_PROXY))
      out.push({
        object: o,
        path: ['metadata'],
        problem: 'adds addresses behind Service auth-proxy: requests would reach them without the password',
      })
  }
  return out
}

/**
 * With basic-auth on, every route leads to Service auth-proxy and only the proxy's own pods are behind it; the
 * first object that breaks this is a template error at its field's line.
 */
export function checkAuthProxyRouting(rendered: RenderedObject[]): void {
  const [first] = bypasses(rendered.map((r) => r.object))
  if (!first) return
  const { template } = rendered.find((r) => r.object === first.object)!
  const source = sourceOf(first.object)
  const line = source ? (lineOfPath(source.document, source.text, first.path) ?? source.line) : undefined
  const field = first.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('')
  throw new TemplateError(
    template,
    line,
    `${first.object.kind} "${first.object.metadata.name}" ${field}: ${first.problem}; basic-auth is on, so the preview is reached only through the action's auth proxy (rule auth-proxy)`,
  )
}
