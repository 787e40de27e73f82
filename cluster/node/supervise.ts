// The real node as the supervisor sees it: started beside the control plane, joined once the API server is up,
// stopped with the rest. A node that fails to start is reported and removed; the cluster goes on without it
// (`cluster:up` then prints an empty REAL_NODE=).
import { readFileSync } from 'node:fs'
import { prepareRealNode, type RealNode } from './node.ts'
import { NODE_NAME } from './plan.ts'

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: string }>

export function startRealNode(clusterDir: string, logs: string, log: (msg: string) => void) {
  let node: RealNode | null = null
  const fail = (e: unknown) => {
    log(`real node failed: ${(e as Error).message}; the cluster goes on without it`)
    node?.stop()
    node = null
  }
  try {
    node = prepareRealNode(clusterDir, logs, log)
  } catch (e) {
    fail(e)
  }
  return {
    async join(kubeconfig: string, apiPort: number, api: Api): Promise<void> {
      if (!node) return
      const hostIp = node.layout.hostIp
      const started = Date.now()
      try {
        const info = await node.join({
          adminKubeconfig: readFileSync(kubeconfig, 'utf8'),
          apiPort,
          ready: async () =>
            /"type":"Ready","status":"True"/.test((await api('GET', `/api/v1/nodes/${NODE_NAME}`)).body),
        })
        log(`real node ${info.name} is Ready (${Date.now() - started} ms after joining)`)
        await publishApiServer(api, hostIp, apiPort).catch((e: Error) =>
          log(`could not publish the API server's address for pods: ${e.message}`),
        )
      } catch (e) {
        fail(e)
      }
    },
    /** The host's address on the node's link: where processes on the host (Traefik) reach pods from. */
    hostIp: (): string | null => node?.layout.hostIp ?? null,
    children: (): [string, { pid?: number }][] =>
      Object.entries(node?.pids() ?? {}).map(([name, pid]) => [name, { pid }]),
    stop: () => node?.stop(),
  }
}

/**
 * The `kubernetes` Service's endpoint, as on any cluster: pods of the real node reach the API server at
 * 10.96.0.1:443 (kube-proxy sends it to the forwarder on the host end of the veth), and whoever reads the
 * Service's EndpointSlice learns the address pods use (the action's egress guard does).
 */
async function publishApiServer(api: Api, address: string, port: number): Promise<void> {
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: {
        'kubernetes.io/service-name': 'kubernetes',
        'endpointslice.kubernetes.io/managed-by': 'preview-cluster',
      },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  }
  const r = await api('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', slice)
  if (r.status >= 300 && r.status !== 409) throw new Error(`${r.status} ${r.body.slice(0, 200)}`)
}
