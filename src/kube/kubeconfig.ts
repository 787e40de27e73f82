// Loads the kubeconfig (in memory only; it is never written or logged) into the transport the Kubernetes port
// uses. @kubernetes/client-node reads every kubeconfig form: tokens, client certificates, exec plugins, proxies.
// It is large, so it is loaded only here, when a run needs the cluster (the bundle keeps it in its own chunk).
import { InputError } from '../settings.js'
import type { Transport } from './client.js'

export async function transportFromKubeconfig(text: string): Promise<Transport> {
  const { KubeConfig } = await import('@kubernetes/client-node')
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
  } catch (e) {
    throw new InputError('kubeconfig', `could not be read: ${(e as Error).message.split('\n')[0]}`)
  }
  const context = kc.getCurrentContext()
  const cluster = kc.getCurrentCluster()
  if (!context || !cluster) {
    throw new InputError(
      'kubeconfig',
      `has no usable current-context${context ? ` ("${context}" names no cluster)` : ''}.`,
    )
  }
  if (!/^https?:\/\//.test(cluster.server)) {
    throw new InputError('kubeconfig', `cluster "${cluster.name}" has no http(s) server address.`)
  }
  return {
    server: cluster.server,
    usesProxy: Boolean(cluster.proxyUrl),
    authorize: (options) => kc.applyToHTTPSOptions(options),
  }
}

/** Values of the kubeconfig that must never appear in a log: tokens, keys, certificates, passwords. */
export function kubeconfigSecrets(text: string): string[] {
  const found = new Set<string>([text.trim()])
  const pattern =
    /^\s*-?\s*(token|client-key-data|client-certificate-data|password|id-token|refresh-token|client-secret|access-token)\s*:\s*["']?([^"'\s]+)["']?\s*$/gm
  for (const m of text.matchAll(pattern)) if (m[2] && m[2].length >= 6) found.add(m[2])
  return [...found]
}
