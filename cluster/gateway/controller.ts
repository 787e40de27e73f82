// The local cluster's front door: Traefik as a local process, the Gateway API and Ingress controller of the test
// cluster. Installs the Gateway API CRDs (standard channel), a GatewayClass, one shared Gateway with wildcard
// listeners for the test domains, a default IngressClass, then runs Traefik on a loopback HTTP port; it reads the
// cluster with the admin token, sets route and Ingress status, and proxies requests itself.
import type { ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { parse } from 'yaml'
import { until } from '../paths.ts'

/** How long each step of starting the controller may take. */
const STEP_TIMEOUT_MS = 60_000

export const GATEWAY_NAMESPACE = 'preview-gateway'
export const GATEWAY_NAME = 'previews'
/** Host names the shared Gateway takes: the tests' domain, and the action's default without a domain input. */
export const GATEWAY_DOMAINS = ['preview.example.test', 'preview.localhost']

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: string }>

export interface GatewayOptions {
  /** From cluster/gateway/build.sh: bin/traefik and crds/. */
  dir: string
  httpPort: number
  /** A loopback port nothing listens on: Traefik's proxy for pod addresses (see below). */
  closedPort: number
  /**
   * Where Traefik's requests to pods come from (it runs on the host, not in a pod): annotated on the IngressClass
   * and the Gateway, so the action admits them to previews' routed pods without a namespace to find.
   */
  frontDoorCidrs: string[]
  server: string
  token: string
  caFile: string
  pki: string
  api: Api
  start: (name: string, args: string[], binary: string, env: NodeJS.ProcessEnv) => ChildProcess
  log: (message: string) => void
}

async function create(api: Api, path: string, body: unknown): Promise<void> {
  const res = await api('POST', path, body)
  if (res.status !== 201 && res.status !== 409) throw new Error(`POST ${path}: ${res.status} ${res.body}`)
}

const GW = '/apis/gateway.networking.k8s.io/v1'

/** Starts the controller; resolves once the Gateway is programmed and Traefik answers on the HTTP port. */
export async function startGateway(o: GatewayOptions): Promise<{ gateway: string; http: string }> {
  const crds = readdirSync(join(o.dir, 'crds'))
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => parse(readFileSync(join(o.dir, 'crds', n), 'utf8')) as { metadata: { name: string } })
  const CRD = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'
  const established = async (name: string) => {
    const res = await o.api('GET', `${CRD}/${name}`)
    const crd = JSON.parse(res.body) as { status?: { conditions?: Array<{ type: string; status: string }> } }
    return Boolean(crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
  }
  // What does not need the CRDs goes first, while the API server takes them in.
  await Promise.all([
    create(o.api, '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: GATEWAY_NAMESPACE },
    }),
    create(o.api, '/apis/networking.k8s.io/v1/ingressclasses', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: 'traefik',
        annotations: {
          'ingressclass.kubernetes.io/is-default-class': 'true',
          'kube-pr-preview.io/front-door-cidrs': o.frontDoorCidrs.join(','),
        },
      },
      spec: { controller: 'traefik.io/ingress-controller' },
    }),
    ...crds.map((crd) => create(o.api, CRD, crd)),
  ])
  await until(
    'the Gateway API CRDs',
    async () => (await Promise.all(crds.map((c) => established(c.metadata.name)))).every(Boolean),
    STEP_TIMEOUT_MS,
  )
  o.log(`Gateway API CRDs established (${crds.length})`)
  await Promise.all([
    create(o.api, `${GW}/gatewayclasses`, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'traefik' },
      spec: { controllerName: 'traefik.io/gateway-controller' },
    }),
    create(o.api, `${GW}/namespaces/${GATEWAY_NAMESPACE}/gateways`, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: GATEWAY_NAME,
        namespace: GATEWAY_NAMESPACE,
        annotations: { 'kube-pr-preview.io/front-door-cidrs': o.frontDoorCidrs.join(',') },
      },
      spec: {
        gatewayClassName: 'traefik',
        // Traefik serves a listener on the entry point with the same port.
        listeners: GATEWAY_DOMAINS.map((domain, i) => ({
          name: `http-${i}`,
          hostname: `*.${domain}`,
          port: o.httpPort,
          protocol: 'HTTP',
          allowedRoutes: { namespaces: { from: 'All' } },
        })),
      },
    }),
  ])
  o.log('GatewayClass, Gateway and IngressClass created')

  const tokenFile = join(o.pki, 'traefik-token')
  writeFileSync(tokenFile, o.token, { mode: 0o600 })
  const kube = (provider: string) => [
    `--providers.${provider}=true`,
    `--providers.${provider}.endpoint=${o.server}`,
    `--providers.${provider}.token=${tokenFile}`,
    `--providers.${provider}.certAuthFilePath=${o.caFile}`,
    `--providers.${provider}.throttleDuration=0s`,
  ]
  o.start(
    'traefik',
    [
      `--entryPoints.web.address=127.0.0.1:${o.httpPort}`,
      ...kube('kubernetesgateway'),
      '--providers.kubernetesgateway.statusAddress.ip=127.0.0.1',
      ...kube('kubernetesingress'),
      '--providers.kubernetesingress.ingressEndpoint.ip=127.0.0.1',
      '--providers.kubernetesingress.allowExternalNameServices=true',
      // Pods on kwok's fake node have addresses nothing answers on: give up on them quickly (502).
      '--serversTransport.forwardingTimeouts.dialTimeout=1s',
      '--global.checkNewVersion=false',
      '--global.sendAnonymousUsage=false',
      '--log.level=INFO',
      '--accesslog=true',
    ],
    join(o.dir, 'bin', 'traefik'),
    {
      ...process.env,
      // kwok's pods have made-up addresses that lead off this machine (where something may even answer). Traefik
      // sends requests for backends through this proxy, a closed loopback port: a pod that does not exist gets a
      // 502 at once and nothing leaves the machine. Loopback backends (ExternalName localhost) go direct, as do
      // the real node's pods (10.244.<slot>.0/24, routed only on this machine, see cluster/node/plan.ts) and
      // addresses in PREVIEW_CLUSTER_POD_NETWORK.
      HTTP_PROXY: `http://127.0.0.1:${o.closedPort}`,
      HTTPS_PROXY: `http://127.0.0.1:${o.closedPort}`,
      NO_PROXY: ['localhost', '127.0.0.1', '10.244.0.0/16', process.env.PREVIEW_CLUSTER_POD_NETWORK ?? '']
        .filter(Boolean)
        .join(','),
      http_proxy: '',
      https_proxy: '',
      no_proxy: '',
    },
  )
  await until(
    'the Gateway to be programmed',
    async () => {
      const res = await o.api('GET', `${GW}/namespaces/${GATEWAY_NAMESPACE}/gateways/${GATEWAY_NAME}`)
      const conditions = (
        JSON.parse(res.body) as { status?: { conditions?: Array<{ type: string; status: string }> } }
      ).status?.conditions
      return Boolean(conditions?.some((c) => c.type === 'Programmed' && c.status === 'True'))
    },
    STEP_TIMEOUT_MS,
  )
  await until(
    'Traefik to answer on its HTTP port',
    async () => (await status(o.httpPort, 'nothing.invalid')) === 404,
    STEP_TIMEOUT_MS,
  )
  o.log(`Traefik serves http://127.0.0.1:${o.httpPort} for Gateway ${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`)
  return { gateway: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, http: `http://127.0.0.1:${o.httpPort}` }
}

/** The status code of GET / for a host on the loopback port. */
function status(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.end()
  })
}
