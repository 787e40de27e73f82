// What `kube-pr-preview render` cannot know without a cluster, said next to its output: a deploy reads these facts
// from the cluster, so the render equals the deploy only when the flags tell it the same. Pure.
import { needsDefaultStorageClass } from '../preview/persistence.js'
import { routedTargets } from '../preview/network-policies.js'
import type { Settings } from '../inputs/settings.js'
import type { KubeObject } from '../shared/kube-object.js'

/** What the render was told of the cluster besides the inputs (flags of its own). */
export interface ClusterFacts {
  /** --api-server-addresses; null: not given. */
  apiServerAddresses: string[] | null
  /** --default-storage-class; null: not given, empty: the cluster has none. */
  defaultStorageClass: string | null
}

const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'nothing')

/** One line per thing a deploy may render differently, with the flag that makes them equal; empty: none. */
export function renderNotes(
  s: Settings,
  facts: ClusterFacts,
  objects: KubeObject[],
  values: Record<string, unknown>,
): string[] {
  const notes: string[] = []
  const routed = routedTargets(objects).length > 0
  if (s.networkPolicy && routed && !s.ingressNamespace) {
    const said = [...(s.gateway ? [`namespace ${s.gateway.namespace}`] : []), ...s.frontDoorCidrs]
    notes.push(
      `the front door is not known: a deploy finds it in the cluster (its log says "front door: admitting …") and admits that to the routed pods (the preview-front-door-<service> NetworkPolicies); this render admits ${list(said)}, from the inputs alone. Give --ingress-namespace (and --front-door-cidrs) as that log line says, and the same inputs to the action, to render exactly what it applies.`,
    )
  }
  if (s.networkPolicy && s.egressGuard && !facts.apiServerAddresses)
    notes.push(
      "the API server's addresses are not known: a deploy also keeps pods from them in the preview-egress NetworkPolicy. Give --api-server-addresses (the kubernetes Service's cluster IP and its endpoints' addresses, in namespace default).",
    )
  if (!s.gateway && !s.ingressClass && objects.some((o) => o.kind === 'Ingress'))
    notes.push(
      "the IngressClass is not known: a deploy names the cluster's default class in every Ingress. Give --ingress-class.",
    )
  if (s.gateway && !s.urlScheme && !s.tlsSecret)
    notes.push(
      "the Gateway's listener is not known: a deploy makes the URLs https when the listener for the host is HTTPS; this render assumes http. Give --url-scheme.",
    )
  if (needsDefaultStorageClass(values) && facts.defaultStorageClass === null)
    notes.push(
      "the cluster's default StorageClass is not known: the databases render in scratch volumes, where a deploy on a cluster with a default StorageClass makes PersistentVolumeClaims. Give --default-storage-class (empty when the cluster has none).",
    )
  return notes
}

/** `--api-server-addresses 10.96.0.1,172.18.0.2`: IPv4 or IPv6 addresses, sorted as the deploy sorts them. */
export function parseAddresses(raw: string): string[] {
  const addresses = raw.split(/[\s,]+/).filter(Boolean)
  for (const a of addresses)
    if (!/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i.test(a))
      throw new Error(`--api-server-addresses: "${a}" is not an IP address (e.g. 10.96.0.1,172.18.0.2).`)
  return [...new Set(addresses)].sort()
}
