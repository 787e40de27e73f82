// What the action adds to every preview besides the templates: a ResourceQuota and a LimitRange (so one preview
// cannot eat the cluster) and a NetworkPolicy (so one preview cannot reach another). Pure.
import { admissionFromInputs, type FrontDoorAdmission } from './admission.js'
import type { Owner } from './ownership.js'
import { stampOwnership } from './render.js'
import type { Settings } from '../inputs/settings.js'
import type { KubeObject } from '../shared/kube-object.js'

export type Guardrails = Pick<
  Settings,
  | 'resourceQuota'
  | 'limitRange'
  | 'networkPolicy'
  | 'ingressNamespace'
  | 'gateway'
  | 'podSecurity'
  | 'frontDoorCidrs'
>

export const GUARDRAIL_TEMPLATE = '(kube-pr-preview guardrails)'

export function guardrailObjects(
  g: Guardrails,
  owner: Owner,
  admission: FrontDoorAdmission = admissionFromInputs(g),
): KubeObject[] {
  const out: KubeObject[] = []
  if (g.resourceQuota) {
    out.push({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'preview-quota' },
      spec: { hard: g.resourceQuota },
    })
  }
  if (g.limitRange) {
    const limits = { type: 'Container', ...g.limitRange }
    out.push({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'preview-limits' },
      spec: { limits: [limits] },
    })
  }
  if (g.networkPolicy) {
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'preview-isolation' },
      spec: {
        // Every pod of the preview takes traffic only from pods of the same preview and from the front door's
        // pods (the ingress controller's, or the shared Gateway's data plane), in the namespaces found for it.
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: {} },
              ...admission.namespaces.map((ns) => ({
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
              })),
            ],
          },
        ],
      },
    })
  }
  return out.map((o) => stampOwnership(o, owner, GUARDRAIL_TEMPLATE))
}

interface Routed {
  spec?: {
    rules?: Array<{
      http?: { paths?: Array<{ backend?: { service?: { name?: string } } }> }
      backendRefs?: Array<{ name?: string; kind?: string }>
    }>
    selector?: Record<string, string>
    ports?: Array<{ port?: number; targetPort?: number | string }>
  }
}

/** The Services the preview's Ingresses and HTTPRoutes send requests to. Pure. */
export function routedServices(objects: KubeObject[]): KubeObject[] {
  const names = new Set(
    objects.flatMap((o) =>
      ((o as Routed).spec?.rules ?? []).flatMap((r) =>
        o.kind === 'Ingress'
          ? (r.http?.paths ?? []).map((p) => p.backend?.service?.name)
          : o.kind === 'HTTPRoute'
            ? (r.backendRefs ?? []).filter((b) => (b.kind ?? 'Service') === 'Service').map((b) => b.name)
            : [],
      ),
    ),
  )
  return objects.filter((o) => o.kind === 'Service' && names.has(o.metadata.name))
}

/**
 * The front door's address ranges (front-door-cidrs: cloud load balancers, controllers on the host network) are
 * admitted to the routed pods only, on the ports their Services send to: one NetworkPolicy per routed Service.
 */
export function frontDoorPolicies(objects: KubeObject[], cidrs: string[], owner: Owner): KubeObject[] {
  if (!cidrs.length) return []
  return routedServices(objects).flatMap((svc) => {
    const spec = (svc as Routed).spec ?? {}
    if (!spec.selector || !Object.keys(spec.selector).length) return []
    const ports = (spec.ports ?? []).map((p) => ({ protocol: 'TCP', port: p.targetPort ?? p.port }))
    return [
      stampOwnership(
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: `preview-front-door-${svc.metadata.name}`.slice(0, 63).replace(/-+$/, '') },
          spec: {
            podSelector: { matchLabels: spec.selector },
            policyTypes: ['Ingress'],
            ingress: [{ from: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports }],
          },
        },
        owner,
        GUARDRAIL_TEMPLATE,
      ),
    ]
  })
}
