// The local cluster's real node: containerd + runc, the CNI bridge, a kubelet, kube-proxy, CoreDNS and
// kube-network-policies (the NetworkPolicy enforcer) in a network namespace of its own, with images built from Debian packages imported into containerd. The
// supervisor prepares it while the control plane starts (network, containerd, images), then joins it.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createConnection, createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { startLogged } from '../paths.ts'
import { linkStore } from './image-store.ts'
import { claimSlot, cleanupNode, createCgroupRoot, createNetwork, inNetns } from './host.ts'
import {
  cniConfig,
  containerdConfig,
  corefile,
  kubeletConfig,
  kubeProxyConfig,
  networkPolicyArgs,
  NODE_LABEL,
  NODE_NAME,
  nodeKubeconfig,
  type NodeLayout,
  type RealNodeInfo,
} from './plan.ts'

/** What `cluster/node/build.sh` and `cluster/images/build.sh` made, written by `cli.ts up` for the supervisor. */
export interface NodeBuild {
  bin: string
  /** The containerd store with the images imported (cluster/node/image-store.ts). */
  store: string
  toolsImage: string
  pauseImage: string
}
export const buildFile = (clusterDir: string) => join(clusterDir, 'real-node-build.json')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface RealNode {
  layout: NodeLayout
  /** Starts the kubelet, kube-proxy and CoreDNS once containerd has the images; resolves when the node is Ready. */
  join(opts: {
    adminKubeconfig: string
    apiPort: number
    ready: () => Promise<boolean>
  }): Promise<RealNodeInfo>
  pids(): Record<string, number>
  /** Stops every process and removes everything the node made (synchronous: runs on the way out). */
  stop(): void
}

/** Prepares the real node (network, containerd, images) in the background; null when it is not wanted. */
export function prepareRealNode(
  clusterDir: string,
  logs: string,
  log: (msg: string) => void,
): RealNode | null {
  const buildPath = buildFile(clusterDir)
  if (!existsSync(buildPath)) return null
  const build = JSON.parse(readFileSync(buildPath, 'utf8')) as NodeBuild
  const l = claimSlot(clusterDir, process.pid)
  const children = new Map<string, ChildProcess>()
  let stopped = false
  let forwarder: Server | undefined

  const group = { logs, children, stopping: () => stopped, log }
  function start(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
    const [c, a] = inNetns(l, cmd, args) as [string, string[]]
    return startLogged(group, name, c, a, env)
  }

  const ctr = (...args: string[]) =>
    spawnSync('ctr', ['--address', l.socket, '--namespace', 'k8s.io', ...args], { encoding: 'utf8' })

  async function prepare(): Promise<void> {
    createNetwork(l)
    createCgroupRoot(l)
    const f = l.files
    for (const d of [l.root, f.cniConfDir, f.cniIpamDir, f.kubeletRoot, l.run])
      mkdirSync(d, { recursive: true })
    writeFileSync(f.containerdConfig, containerdConfig(l, build.pauseImage))
    writeFileSync(join(f.cniConfDir, '10-preview.conflist'), cniConfig(l))
    writeFileSync(f.kubeletConfig, kubeletConfig(l))
    writeFileSync(f.kubeProxyConfig, kubeProxyConfig(l))
    writeFileSync(f.corefile, corefile(l))
    writeFileSync(f.resolvConf, `search ${'cluster.local'}\nnameserver ${l.gatewayIp}\n`)
    await linkStore(build.store, f.containerdRoot)
    start('containerd', 'containerd', ['--config', f.containerdConfig, '--log-level', 'warn'])
    const deadline = Date.now() + 30_000
    while (ctr('version').status !== 0) {
      if (Date.now() > deadline || !children.has('containerd')) throw new Error('containerd did not start')
      await sleep(100)
    }
  }
  const prepared = prepare()
  prepared.catch(() => {}) // reported by join

  async function join_(opts: {
    adminKubeconfig: string
    apiPort: number
    ready: () => Promise<boolean>
  }): Promise<RealNodeInfo> {
    await prepared
    const f = l.files
    writeFileSync(f.kubeconfig, nodeKubeconfig(opts.adminKubeconfig, l, opts.apiPort), { mode: 0o600 })
    // The API server listens on 127.0.0.1 only; the node reaches it through the host end of the veth.
    forwarder = createServer((socket) => {
      const upstream = createConnection(opts.apiPort, '127.0.0.1')
      socket.pipe(upstream).pipe(socket)
      socket.on('error', () => upstream.destroy())
      upstream.on('error', () => socket.destroy())
    })
    await new Promise<void>((resolve, reject) => {
      forwarder!.once('error', reject)
      forwarder!.listen(opts.apiPort, l.hostIp, resolve)
    })
    start('kubelet', join(build.bin, 'kubelet'), [
      `--config=${f.kubeletConfig}`,
      `--kubeconfig=${f.kubeconfig}`,
      `--root-dir=${f.kubeletRoot}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${l.nodeIp}`,
      `--node-labels=${NODE_LABEL}=true,type=real`,
      '--v=1',
    ])
    start('kube-proxy', join(build.bin, 'kube-proxy'), [`--config=${f.kubeProxyConfig}`, '--v=1'])
    start('coredns', join(build.bin, 'coredns'), ['-conf', f.corefile, '-dns.port', '53'])
    // NetworkPolicy is enforced, as on a real cluster: the first packet of every connection from or to a pod of
    // this node goes through a kernel queue to kube-network-policies, which accepts or drops it by the policies.
    // Fail closed: when the enforcer is not running, pods' new connections are dropped, not let through.
    start('kube-network-policies', join(build.bin, 'kube-network-policies'), networkPolicyArgs(), {
      ...process.env,
      KUBECONFIG: f.kubeconfig,
    })
    const deadline = Date.now() + 90_000
    while (!(await opts.ready().catch(() => false))) {
      if (Date.now() > deadline)
        throw new Error('the real node did not become Ready in 90 s (see logs/kubelet.log)')
      if (!children.has('kubelet')) throw new Error('kubelet exited (see logs/kubelet.log)')
      await sleep(200)
    }
    const info: RealNodeInfo = {
      name: NODE_NAME,
      slot: l.slot,
      toolsImage: build.toolsImage,
      podSubnet: l.podSubnet,
      netns: l.netns,
    }
    writeFileSync(f.info, JSON.stringify(info, null, 2))
    return info
  }

  return {
    layout: l,
    join: join_,
    pids: () => Object.fromEntries([...children].map(([n, c]) => [n, c.pid ?? 0])),
    stop() {
      if (stopped) return
      stopped = true
      forwarder?.close()
      for (const child of children.values()) child.kill('SIGKILL')
      const done = cleanupNode(l)
      log(`real node removed${done.length ? ` (${done.join(', ')})` : ''}`)
    },
  }
}
