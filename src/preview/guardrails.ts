// What the action adds to every preview besides the templates: a ResourceQuota and a LimitRange (so one preview
// cannot eat the cluster) and a NetworkPolicy (so one preview cannot reach another). Pure.
import type { Owner } from './ownership.js'
import { stampOwnership } from './render.js'
import type { Settings } from '../inputs/settings.js'
import type { KubeObject } from '../shared/kube-object.js'

export type Guardrails = Pick<
  Settings,
  'resourceQuota' | 'limitRange' | 'networkPolicy' | 'ingressNamespace' | 'gateway' | 'podSecurity'
>

export const GUARDRAIL_TEMPLATE = '(kube-pr-preview guardrails)'

export function guardrailObjects(g: Guardrails, owner: Owner): KubeObject[] {
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
        // Every pod of the preview takes traffic only from pods of the same preview and from the ingress controller
        // (or the shared Gateway's data plane, in its namespace).
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: {} },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': g.ingressNamespace } } },
              ...(g.gateway && g.gateway.namespace !== g.ingressNamespace
                ? [
                    {
                      namespaceSelector: {
                        matchLabels: { 'kubernetes.io/metadata.name': g.gateway.namespace },
                      },
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    })
  }
  return out.map((o) => stampOwnership(o, owner, GUARDRAIL_TEMPLATE))
}
