// What the action adds to every preview besides the templates: a ResourceQuota and a LimitRange (so one preview
// cannot eat the cluster) and NetworkPolicies (so one preview cannot reach another, the front door reaches only
// the routed pods, and pods cannot reach the cloud metadata address or the API server). Pure.
import { admissionFromInputs, type FrontDoorAdmission } from './admission.js'
import type { Owner } from './ownership.js'
import { stampOwnership } from './render.js'
import type { Settings } from '../inputs/settings.js'
import type { KubeObject } from '../shared/kube-object.js'
import {
  hostCidr,
  METADATA_CIDRS,
  namespacePeer,
  networkPolicies,
  type NetworkPolicyInputs,
} from './network-policies.js'

export type Guardrails = Pick<
  Settings,
  | 'resourceQuota'
  | 'limitRange'
  | 'networkPolicy'
  | 'egressGuard'
  | 'ingressNamespace'
  | 'gateway'
  | 'podSecurity'
  | 'allowServiceTypes'
  | 'maxObjects'
  | 'frontDoorCidrs'
>

/** What the NetworkPolicies need from the cluster: the addresses pods reach the API server at. */
export interface ClusterNetwork {
  apiServerAddresses: string[]
}

/**
 * Who the front door is (the ingress controller's namespace, and the Gateway's when it differs) and what the
 * egress guard denies. Extra peers (e.g. ipBlocks of cloud load balancers) go into frontDoorPeers.
 */
export function networkInputs(
  g: Guardrails,
  network: ClusterNetwork,
  admission: FrontDoorAdmission = admissionFromInputs(g),
): NetworkPolicyInputs {
  return {
    // The front door's namespaces (found from the cluster, or the inputs), and its address ranges
    // (front-door-cidrs: cloud load balancers, controllers on the host network): admitted to the routed pods only.
    frontDoorPeers: [...new Set(admission.namespaces)]
      .map(namespacePeer)
      .concat(admission.cidrs.map((cidr) => ({ ipBlock: { cidr } }))),
    egressGuard: g.egressGuard
      ? { deniedCidrs: [...METADATA_CIDRS, ...network.apiServerAddresses.map(hostCidr)] }
      : null,
  }
}

export const GUARDRAIL_TEMPLATE = '(kube-pr-preview guardrails)'

export function guardrailObjects(
  g: Guardrails,
  owner: Owner,
  rendered: KubeObject[] = [],
  network: ClusterNetwork = { apiServerAddresses: [] },
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
  if (g.networkPolicy) out.push(...networkPolicies(rendered, networkInputs(g, network, admission)))
  return out.map((o) => stampOwnership(o, owner, GUARDRAIL_TEMPLATE))
}
