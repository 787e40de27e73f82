// Where the preview's pods reach the API server, for the egress guard: the `kubernetes` Service's cluster IPs
// and the addresses of its EndpointSlices (what network plugins see after kube-proxy's translation). A cluster
// that does not let the kubeconfig read them gets a warning: the guard then denies only the metadata address.
import type { Kube } from './port.js'

export async function apiServerAddresses(kube: Kube, warn: (message: string) => void): Promise<string[]> {
  const out = new Set<string>()
  try {
    const service = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: 'kubernetes',
      namespace: 'default',
    })
    const spec = (service?.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[] }
    for (const ip of [spec.clusterIP, ...(spec.clusterIPs ?? [])]) if (ip && ip !== 'None') out.add(ip)
    const slices = await kube.list('discovery.k8s.io/v1', 'EndpointSlice', 'default', {
      labelSelector: 'kubernetes.io/service-name=kubernetes',
    })
    for (const slice of slices.items as Array<{ endpoints?: Array<{ addresses?: string[] }> }>)
      for (const e of slice.endpoints ?? []) for (const a of e.addresses ?? []) out.add(a)
  } catch (e) {
    warn(
      `egress-guard: could not read the API server's addresses (Service and EndpointSlices "kubernetes" in namespace default: ${(e as Error).message.split('\n')[0]}); pods are kept from the cloud metadata address only. Grant get on services and list on endpointslices in default, or set egress-guard: false.`,
    )
  }
  return [...out].sort()
}
