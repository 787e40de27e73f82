// Runs one local control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (which plays
// the kubelet for one fake node). Started detached by `cluster/cli.ts up`; it leads one process group with every
// component in it, so `down` stops them all at once. SIGUSR2 restarts kube-apiserver (for fault tests).
// Usage: node cluster/supervisor.ts <cluster dir>
import type { ChildProcess } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { startGateway } from './gateway/controller.ts'
import {
  CLUSTER_DIR,
  files,
  readJson,
  startLogged,
  until,
  type ClusterConfig,
  type ClusterState,
} from './paths.ts'
import { startRealNode } from './node/supervise.ts'
import { authenticationConfiguration } from './oidc/authentication.ts'
import { requestToken } from './oidc/claims.ts'
import { startIssuer, type Issuer } from './oidc/issuer.ts'

const dir = process.argv[2]
if (!dir) throw new Error('usage: supervisor.ts <cluster dir>')
const f = files(dir)
const config = readJson<ClusterConfig>(f.config)
if (!config) throw new Error(`no ${f.config}`)
const started = Date.now()
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`)

mkdirSync(f.pki, { recursive: true })
mkdirSync(f.logs, { recursive: true })
// The real node (cluster/node/): its network, containerd and images get ready while the control plane starts.
const realNode = startRealNode(dir, f.logs, log)

writeFileSync(
  join(f.pki, 'audit-policy.json'),
  JSON.stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      {
        level: 'None',
        users: ['admin', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver'],
      },
      { level: 'None', userGroups: ['system:nodes'] },
      { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*'] },
      { level: 'Metadata' },
    ],
  }),
)

// Credentials: one admin token (group system:masters) and the service-account signing key.
const token = randomBytes(24).toString('hex')
writeFileSync(join(f.pki, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 })
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
writeFileSync(join(f.pki, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }))
writeFileSync(join(f.pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })

const { ports, bin } = config
const server = `https://127.0.0.1:${ports.apiserver}`
const children = new Map<string, ChildProcess>()
let stopping = false

const group = { logs: f.logs, children, stopping: () => stopping, log }
const start = (name: string, args: string[], binary = join(bin, name), env = process.env): ChildProcess =>
  startLogged(group, name, binary, args, env)

const apiserverArgs = [
  `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
  '--bind-address=127.0.0.1',
  '--advertise-address=127.0.0.1',
  `--secure-port=${ports.apiserver}`,
  `--cert-dir=${f.pki}`, // kube-apiserver makes a self-signed serving certificate here
  `--token-auth-file=${join(f.pki, 'tokens.csv')}`,
  `--authentication-config=${f.authenticationConfig}`, // trusts the local OIDC issuer (cluster/oidc/)
  // Every request of a user other than the cluster's own (the admin token, the controllers, nodes), for tests that
  // check what an identity with least privilege asks for (logs/audit.log, one JSON event per line).
  `--audit-policy-file=${join(f.pki, 'audit-policy.json')}`,
  `--audit-log-path=${f.auditLog}`,
  '--audit-log-format=json',
  '--audit-log-maxsize=200',
  '--audit-log-maxbackup=1',
  '--authorization-mode=RBAC',
  '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
  `--service-account-key-file=${join(f.pki, 'sa.pub')}`,
  `--service-account-signing-key-file=${join(f.pki, 'sa.key')}`,
  '--service-cluster-ip-range=10.96.0.0/16',
  '--allow-privileged=true',
  '--endpoint-reconciler-type=none',
  '--profiling=false',
  '--kubelet-preferred-address-types=InternalIP', // the real node's kubelet (logs, exec): by address, not name
]

function api(
  method: string,
  path: string,
  body?: unknown,
  bearer = token,
): Promise<{ status: number; body: string }> {
  const ca = readFileSync(join(f.pki, 'apiserver.crt'))
  return new Promise((resolve, reject) => {
    const req = request(
      server + path,
      {
        method,
        ca,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        timeout: 5000,
      },
      (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

const apiserverReady = () =>
  until('kube-apiserver /readyz', async () => (await api('GET', '/readyz')).status === 200)

function writeKubeconfig(): void {
  const ca = readFileSync(join(f.pki, 'apiserver.crt')).toString('base64')
  writeFileSync(
    f.kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${config!.name}`,
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority-data: ${ca}`,
      'users:',
      '- name: admin',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      `- name: ${config!.name}`,
      '  context:',
      `    cluster: ${config!.name}`,
      '    user: admin',
      `current-context: ${config!.name}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
}

const FAKE_NODE_CAPACITY = { cpu: '1k', memory: '1Ti', pods: '1M', 'ephemeral-storage': '1Pi' }

function kwokConfigs(): string[] {
  // kwok's own stages: the fake node becomes Ready; pods become Ready, pods of Jobs complete, deleted pods go;
  // and a pod labelled `pod-container-running-failed.stage.kwok.x-k8s.io: "true"` fails (for failure tests).
  const stages = join(bin, 'stages')
  const fromDir = (d: string) =>
    readdirSync(join(stages, d))
      .filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml')
      .map((n) => join(stages, d, n))
  return [
    ...fromDir('node/fast'),
    ...fromDir('node/heartbeat'),
    ...fromDir('pod/fast'),
    join(stages, 'pod/chaos/pod-container-running-failed.yaml'),
    // Ours: realistic timing for pods labelled `timing.preview.test/profile: slow` (cluster/stages/README.md).
    ...readdirSync(join(CLUSTER_DIR, 'stages'))
      .filter((n) => n.endsWith('.yaml'))
      .map((n) => join(CLUSTER_DIR, 'stages', n)),
  ]
}

/** The audience the API server takes from the local issuer (OIDC_AUDIENCE=). */
const OIDC_AUDIENCE = `kube-pr-preview-${config.name}`
let issuer: Issuer | undefined

/** Starts the issuer and writes the API server's authentication configuration that trusts it. */
async function startOidc(): Promise<Issuer> {
  const started = await startIssuer({
    pki: f.pki,
    issuerPort: ports.oidcIssuer,
    tokenPort: ports.oidcToken,
    log,
  })
  writeFileSync(
    f.authenticationConfig,
    authenticationConfiguration({ issuer: started.url, caPem: started.caPem, audience: OIDC_AUDIENCE }),
  )
  return started
}

/** The API server loads the issuer's keys in the background: ready once a token of it authenticates. */
async function oidcReady(i: Issuer): Promise<void> {
  const jwt = async () => {
    const res = await fetch(`${i.tokenUrl}&audience=${encodeURIComponent(OIDC_AUDIENCE)}`, {
      headers: { authorization: `Bearer ${requestToken({ repository: 'preview-local/cluster-up' })}` },
    })
    return ((await res.json()) as { value: string }).value
  }
  const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }
  await until('the API server to trust the local OIDC issuer', async () => {
    const res = await api('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', review, await jwt())
    return res.status === 201 && res.body.includes('"github:preview-local/cluster-up"')
  })
}

async function main(): Promise<void> {
  issuer = await startOidc()
  start('etcd', [
    `--name=${config!.name}`,
    `--data-dir=${f.etcdData}`,
    `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
    `--initial-cluster=${config!.name}=http://127.0.0.1:${ports.etcdPeer}`,
    '--unsafe-no-fsync',
    '--log-level=warn',
  ])
  start('kube-apiserver', apiserverArgs)
  await apiserverReady()
  log('kube-apiserver is ready')
  writeKubeconfig()
  const trusted = oidcReady(issuer)
  trusted.catch(() => undefined) // awaited below
  // Client rate limits raised from the defaults (20 QPS for the controllers), which otherwise bound how fast
  // many previews deployed at once become ready.
  const common = [
    `--kubeconfig=${f.kubeconfig}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    '--kube-api-qps=300',
    '--kube-api-burst=600',
  ]
  start('kube-controller-manager', [
    ...common,
    '--secure-port=0', // no HTTPS endpoint of its own: nothing here reads it, and it needs no port
    `--service-account-private-key-file=${join(f.pki, 'sa.key')}`,
    `--root-ca-file=${join(f.pki, 'apiserver.crt')}`,
    '--use-service-account-credentials=false',
    '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-persistentvolume-expander',
  ])
  start('kube-scheduler', [...common, '--secure-port=0'])
  const node = await api('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'kwok-node-0',
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': 'kwok-node-0', 'kubernetes.io/os': 'linux', type: 'kwok' },
    },
    // kwok's defaults (cpu, memory, pods) plus disk, so that pods with ephemeral-storage requests schedule.
    status: { capacity: FAKE_NODE_CAPACITY, allocatable: FAKE_NODE_CAPACITY },
  })
  if (node.status !== 201 && node.status !== 409)
    throw new Error(`creating the node: ${node.status} ${node.body}`)
  start('kwok', [
    `--kubeconfig=${f.kubeconfig}`,
    // Only its own fake node: the real node's kubelet reports for itself.
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    ...kwokConfigs().map((c) => `--config=${c}`),
  ])
  // The Gateway API and Ingress controller (Traefik), when cluster/cli.ts built it; starts while the node comes up.
  const gatewayStarting = config!.gateway
    ? startGateway({
        ...config!.gateway,
        ...{ server, token, caFile: join(f.pki, 'apiserver.crt'), pki: f.pki, api, start, log },
        // Traefik runs on the host: its requests reach the real node's pods from the host's end of the link.
        frontDoorCidrs: [`${realNode.hostIp() ?? '127.0.0.1'}/32`],
      })
    : Promise.resolve(undefined)
  gatewayStarting.catch(() => undefined) // awaited below; failing early must not crash the supervisor first
  const joined = realNode.join(f.kubeconfig, ports.apiserver, api)
  await until('the node to be Ready', async () => {
    const res = await api('GET', '/api/v1/nodes/kwok-node-0')
    return /"type":"Ready","status":"True"/.test(res.body)
  })
  await until('the default ServiceAccount', async () => {
    return (await api('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200
  })
  const frontDoor = await gatewayStarting
  const missing = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']
    .concat(frontDoor ? ['traefik'] : [])
    .filter((n) => !children.has(n))
  if (missing.length) throw new Error(`${missing.join(', ')} exited while starting`)
  await joined
  await trusted
  const pids = Object.fromEntries(
    [...children, ...realNode.children()].map(([name, c]) => [name, c.pid ?? 0]),
  )
  const state: ClusterState = {
    pid: process.pid,
    kubeconfig: f.kubeconfig,
    server,
    pids,
    readyAfterMs: Date.now() - started,
    ...frontDoor,
    oidc: { tokenUrl: issuer.tokenUrl, audience: OIDC_AUDIENCE, issuer: issuer.url },
    auditLog: f.auditLog,
  }
  writeFileSync(f.state, JSON.stringify(state, null, 2))
  log(`ready after ${state.readyAfterMs} ms`)
}

async function restartApiserver(): Promise<void> {
  log('restarting kube-apiserver')
  const old = children.get('kube-apiserver')
  if (old) {
    const gone = new Promise((r) => old.once('exit', r))
    old.kill('SIGKILL')
    await gone
  }
  const child = start('kube-apiserver', apiserverArgs)
  await apiserverReady()
  const state = readJson<ClusterState>(f.state)
  if (state)
    writeFileSync(
      f.state,
      JSON.stringify({ ...state, pids: { ...state.pids, 'kube-apiserver': child.pid } }, null, 2),
    )
  log('kube-apiserver is ready again')
}

function stop(): void {
  if (stopping) return
  stopping = true
  log('stopping')
  issuer?.close()
  realNode.stop()
  for (const child of children.values()) child.kill('SIGTERM')
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL')
    process.exit(0)
  }, 5000).unref()
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check)
      process.exit(0)
    }
  }, 50)
}

process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.on('SIGUSR2', () => void restartApiserver().catch((e: Error) => log(`restart failed: ${e.message}`)))
main().catch((e: Error) => {
  log(`failed: ${e.message}`)
  stop()
  process.exitCode = 1
})
