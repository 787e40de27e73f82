// Where the preview's pods reach the API server, for the egress guard: the `kubernetes` Service's cluster IPs
// and the addresses of its EndpointSlice (what network plugins see after kube-proxy's translation). kube-apiserver
// names that EndpointSlice `kubernetes` too, so both are read by name: `init` grants get on exactly these two
// objects in `default` (a Role there), nothing else of that namespace. Only a cluster whose slice has another name
// is listed by the Service's label. A cluster that does not let the kubeconfig read them gets a warning: the
// guard then denies only the metadata address.
import type { Kube } from './port.js'

const API_SERVER = { name: 'kubernetes', namespace: 'default' }

export async function apiServerAddresses(kube: Kube, warn: (message: string) => void): Promise<string[]> {
  const out = new Set<string>()
  try {
    const service = await kube.get({ apiVersion: 'v1', kind: 'Service', ...API_SERVER })
    const spec = (service?.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[] }
    for (const ip of [spec.clusterIP, ...(spec.clusterIPs ?? [])]) if (ip && ip !== 'None') out.add(ip)
    const slice = await kube.get({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ...API_SERVER })
    const slices = slice
      ? [slice]
      : (
          await kube.list('discovery.k8s.io/v1', 'EndpointSlice', API_SERVER.namespace, {
            labelSelector: `kubernetes.io/service-name=${API_SERVER.name}`,
          })
        ).items
    for (const s of slices as Array<{ endpoints?: Array<{ addresses?: string[] }> }>)
      for (const e of s.endpoints ?? []) for (const a of e.addresses ?? []) out.add(a)
  } catch (e) {
    warn(
      `egress-guard: could not read the API server's addresses (Service and EndpointSlice "kubernetes" in namespace default: ${(e as Error).message.split('\n')[0]}); pods are kept from the cloud metadata address only. Grant get on that Service and EndpointSlice (\`npx kube-pr-preview init\` does), or set egress-guard: false.`,
    )
  }
  return [...out].sort()
}
