// The preview's NetworkPolicies, built by the action (pure):
// - preview-isolation: every pod takes traffic only from pods of the same preview;
// - preview-front-door-<service>: the front door (the ingress controller's or Gateway's namespace, and any extra
//   peers) reaches only the pods a route of the preview leads to, only on the ports it leads to;
// - preview-egress: pods reach their own preview, the cluster's DNS and the internet, but not the cloud metadata
//   address or the cluster's API server.
// NetworkPolicies add up, so each one only admits; nothing here can widen another.
import type { KubeObject } from '../shared/kube-object.js'

export type Peer = Record<string, unknown>

export interface NetworkPolicyInputs {
  /** Who the front door is: namespaceSelector peers for its namespaces, plus any extra peers (e.g. ipBlocks). */
  frontDoorPeers: Peer[]
  /** Egress guard on (the default): addresses the pods may not open connections to. */
  egressGuard: { deniedCidrs: string[] } | null
}

export const ISOLATION = 'preview-isolation'
export const EGRESS = 'preview-egress'
export const FRONT_DOOR_PREFIX = 'preview-front-door'

/** The cloud metadata service, in every cloud (IPv4 and AWS's IPv6 form). */
export const METADATA_CIDRS = ['169.254.169.254/32', 'fd00:ec2::254/128']

export const namespacePeer = (namespace: string): Peer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
})

/** A route's backend: the Service and its port (a number or a port name), as the route names them. */
export interface Backend {
  service: string
  port: number | string | undefined
}

type Json = Record<string, unknown>
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})

/** The Services the preview's routes send traffic to: Ingress backends and Gateway API routes' backendRefs. */
export function routeBackends(objects: KubeObject[]): Backend[] {
  const out: Backend[] = []
  for (const o of objects) {
    const spec = asObject(o.spec)
    if (o.kind === 'Ingress') {
      const add = (b: unknown) => {
        const svc = asObject(asObject(b).service)
        if (typeof svc.name === 'string') {
          const port = asObject(svc.port)
          out.push({ service: svc.name, port: (port.number as number) ?? (port.name as string) })
        }
      }
      add(spec.defaultBackend)
      for (const r of asList(spec.rules))
        for (const p of asList(asObject(asObject(r).http).paths)) add(asObject(p).backend)
    }
    if (/^gateway\.networking\.k8s\.io\//.test(o.apiVersion) && /Route$/.test(o.kind))
      for (const r of asList(spec.rules))
        for (const b of asList(asObject(r).backendRefs)) {
          const ref = asObject(b)
          if (
            (ref.kind === undefined || ref.kind === 'Service') &&
            ref.namespace === undefined &&
            typeof ref.name === 'string'
          )
            out.push({ service: ref.name, port: ref.port as number | undefined })
        }
  }
  return out
}

/** For each routed Service of the preview: the pods it selects and the target ports the routes reach. */
export function routedTargets(
  objects: KubeObject[],
): Array<{ service: string; selector: Record<string, string>; ports: Array<number | string> }> {
  const services = new Map(
    objects.filter((o) => o.kind === 'Service' && o.apiVersion === 'v1').map((s) => [s.metadata.name, s]),
  )
  const byService = new Map<string, { selector: Record<string, string>; ports: Set<number | string> }>()
  for (const b of routeBackends(objects)) {
    const svc = services.get(b.service)
    const spec = asObject(svc?.spec)
    const selector = asObject(spec.selector) as Record<string, string>
    if (!svc || !Object.keys(selector).length) continue // not the preview's, or no pods behind it
    const entry = byService.get(b.service) ?? { selector, ports: new Set() }
    for (const p of asList(spec.ports).map(asObject))
      if (b.port === undefined || p.port === b.port || p.name === b.port)
        entry.ports.add((p.targetPort as number | string | undefined) ?? (p.port as number))
    byService.set(b.service, entry)
  }
  return [...byService].map(([service, e]) => ({ service, selector: e.selector, ports: [...e.ports] }))
}

const policy = (name: string, spec: Json): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name },
  spec,
})

/** `preview-front-door-<service>`, within the 253 characters of an object name. */
export const frontDoorPolicyName = (service: string) => `${FRONT_DOOR_PREFIX}-${service}`.slice(0, 253)

export function networkPolicies(objects: KubeObject[], inputs: NetworkPolicyInputs): KubeObject[] {
  const out = [
    policy(ISOLATION, {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }] }],
    }),
  ]
  if (inputs.frontDoorPeers.length)
    for (const t of routedTargets(objects))
      out.push(
        policy(frontDoorPolicyName(t.service), {
          podSelector: { matchLabels: t.selector },
          policyTypes: ['Ingress'],
          ingress: [
            { from: inputs.frontDoorPeers, ports: t.ports.map((port) => ({ protocol: 'TCP', port })) },
          ],
        }),
      )
  if (inputs.egressGuard) {
    const denied = inputs.egressGuard.deniedCidrs
    const v4 = denied.filter((c) => !c.includes(':'))
    const v6 = denied.filter((c) => c.includes(':'))
    out.push(
      policy(EGRESS, {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              { podSelector: {} },
              { ipBlock: { cidr: '0.0.0.0/0', except: v4 } },
              { ipBlock: { cidr: '::/0', except: v6 } },
              // The cluster's DNS, where a network plugin treats ipBlock as outside the cluster only.
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
          },
        ],
      }),
    )
  }
  return out
}

/** An address as a one-address CIDR. */
export const hostCidr = (ip: string) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`)
