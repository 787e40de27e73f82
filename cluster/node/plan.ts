// The real node's layout, from its slot number: names, addresses and paths, and the configuration files of
// containerd, the CNI bridge, the kubelet, kube-proxy and CoreDNS. Pure: nothing here touches the machine.
//
// Every cluster's real node lives in its own network namespace, joined to the host by one veth pair:
//
//   host netns                 node netns (preview-node-<slot>)
//   pvh<slot> 10.244.<slot>.1 ── pvn<slot> 10.244.<slot>.2   kubelet, containerd, kube-proxy, CoreDNS
//   route 10.244.<slot>.128/25   pvbr<slot> 10.244.<slot>.129/25 ── pods (10.244.<slot>.130-254)
//
// so that kube-proxy's iptables rules (whose chain names are fixed) and each cluster's Service addresses
// (10.96.0.0/16 in every cluster) stay apart. The node netns has no default route: nothing a pod sends can leave
// the machine. The host reaches pod addresses through the veth; the node reaches the API server through a
// forwarder the supervisor listens with on the host end of the veth.
import { join } from 'node:path'

export const NODE_NAME = 'real-node'
export const TAINT = { key: 'preview.local/real-node', value: 'true', effect: 'NoSchedule' } as const
export const NODE_LABEL = 'preview.local/real-node'
export const SLOTS_DIR = '/run/preview-node'
export const STATE_DIR = '/var/lib/preview-node'
export const CNI_BIN_DIR = '/usr/lib/cni'
export const CLUSTER_DOMAIN = 'cluster.local'

export interface NodeLayout {
  slot: number
  netns: string
  netnsPath: string
  hostVeth: string
  nodeVeth: string
  bridge: string
  hostIp: string
  nodeIp: string
  gatewayIp: string
  podSubnet: string
  cgroupRoot: string
  cniNetwork: string
  /** Short paths (unix sockets have a 108-byte limit): the slot's folder under /run. */
  run: string
  socket: string
  /** Everything else: containerd's store, the kubelet's pods, configuration. */
  root: string
  files: {
    containerdConfig: string
    containerdRoot: string
    containerdState: string
    runcRoot: string
    cniConfDir: string
    cniIpamDir: string
    netnsDir: string
    kubeletRoot: string
    kubeletConfig: string
    kubeconfig: string
    kubeProxyConfig: string
    corefile: string
    resolvConf: string
    info: string
  }
}

export function layout(clusterDir: string, slot: number): NodeLayout {
  if (!Number.isInteger(slot) || slot < 1 || slot > 250) throw new Error(`node slot ${slot}: use 1-250`)
  const net = `10.244.${slot}`
  // Outside the repository (linters and formatters walk it) and on the same filesystem as the image cache
  // (hard links): /var/lib, like any node's state.
  const root = join(STATE_DIR, String(slot))
  const run = join(SLOTS_DIR, String(slot))
  return {
    slot,
    netns: `preview-node-${slot}`,
    netnsPath: `/run/netns/preview-node-${slot}`,
    hostVeth: `pvh${slot}`,
    nodeVeth: `pvn${slot}`,
    bridge: `pvbr${slot}`,
    hostIp: `${net}.1`,
    nodeIp: `${net}.2`,
    gatewayIp: `${net}.129`,
    podSubnet: `${net}.128/25`,
    cgroupRoot: `/preview-node-${slot}`,
    cniNetwork: `preview-node-${slot}`,
    run,
    socket: join(run, 'containerd.sock'),
    root,
    files: {
      containerdConfig: join(root, 'containerd.toml'),
      containerdRoot: join(root, 'containerd'),
      containerdState: join(run, 'state'),
      runcRoot: join(run, 'runc'),
      cniConfDir: join(root, 'cni'),
      cniIpamDir: join(root, 'cni-ipam'),
      netnsDir: join(run, 'netns'),
      kubeletRoot: join(root, 'kubelet'),
      kubeletConfig: join(root, 'kubelet.yaml'),
      kubeconfig: join(root, 'kubeconfig'),
      kubeProxyConfig: join(root, 'kube-proxy.yaml'),
      corefile: join(root, 'Corefile'),
      resolvConf: join(root, 'resolv.conf'),
      info: join(clusterDir, 'real-node.json'),
    },
  }
}

/** What `cluster:up` prints and tests read: written once the node is Ready. */
export interface RealNodeInfo {
  name: string
  slot: number
  toolsImage: string
  podSubnet: string
  netns: string
}

/** containerd 1.6 (Debian's), everything under the slot's own paths. */
export function containerdConfig(l: NodeLayout, pauseImage: string): string {
  const f = l.files
  return `version = 2
root = "${f.containerdRoot}"
state = "${f.containerdState}"
# Plugins that would read or write shared paths, or that the node does not use.
disabled_plugins = ["io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "${l.socket}"
[ttrpc]
  address = "${l.socket}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

# The legacy runtime is not used, but containerd 1.6's tasks service needs it loaded: keep it in the slot.
[plugins."io.containerd.runtime.v1.linux"]
  runtime_root = "${join(l.run, 'runc-v1')}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${pauseImage}"
  # Root here lacks CAP_SYS_RESOURCE: it cannot lower oom_score_adj, which containerd does for sandboxes.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN_DIR}"
    conf_dir = "${f.cniConfDir}"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${f.runcRoot}"
`
}

/** The CNI bridge: pods on the slot's bridge, no masquerade (nothing leaves the machine). */
export function cniConfig(l: NodeLayout): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: l.cniNetwork,
      plugins: [
        {
          type: 'bridge',
          bridge: l.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: l.files.cniIpamDir,
            ranges: [[{ subnet: l.podSubnet, gateway: l.gatewayIp }]],
            // Pods send everything to the node netns (Service addresses are translated there); it has no
            // default route of its own, so what is not for a pod, the host or a Service goes nowhere.
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
      ],
    },
    null,
    2,
  )
}

export function kubeletConfig(l: NodeLayout): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This kernel mounts cgroup v1 hierarchies (and there is no systemd): kubelet 1.36 runs on them only when told.
failCgroupV1: false
cgroupDriver: cgroupfs
# Pods' cgroups under this node's own root, apart from other clusters' nodes on the same machine.
cgroupRoot: ${l.cgroupRoot}
containerRuntimeEndpoint: unix://${l.socket}
address: ${l.nodeIp}
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization:
  mode: AlwaysAllow
clusterDNS: [${l.gatewayIp}]
clusterDomain: ${CLUSTER_DOMAIN}
resolvConf: ${l.files.resolvConf}
podLogsDir: ${join(l.root, 'pod-logs')}
failSwapOn: false
serializeImagePulls: false
registerWithTaints:
  - { key: ${TAINT.key}, value: '${TAINT.value}', effect: ${TAINT.effect} }
# A test machine's disk and memory are shared: do not evict pods for what other processes use.
evictionHard: { memory.available: '1Mi', nodefs.available: '0%', imagefs.available: '0%', nodefs.inodesFree: '0%' }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 4s
nodeStatusReportFrequency: 10s
syncFrequency: 10s
fileCheckFrequency: 5s
shutdownGracePeriod: 0s
kernelMemcgNotification: false
`
}

export function kubeProxyConfig(l: NodeLayout): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${l.files.kubeconfig}
mode: iptables
hostnameOverride: ${NODE_NAME}
bindAddress: ${l.nodeIp}
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: ${l.podSubnet}
detectLocalMode: ClusterCIDR
# Leave the machine's conntrack settings alone.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  syncPeriod: 30s
  minSyncPeriod: 0s
`
}

/**
 * kube-network-policies in the node netns: the node's name, no NRI (containerd 1.6 has none), no DNS workaround
 * (a conntrack race fixed in kernel 6.12; this one is newer), its metrics on loopback only.
 */
export function networkPolicyArgs(): string[] {
  return [
    `--hostname-override=${NODE_NAME}`,
    '--disable-nri',
    '--netfilter-bug-1766-fix=false',
    '--metrics-bind-address=127.0.0.1:9080',
    '--v=1',
  ]
}

/**
 * CoreDNS on the bridge's address (the pods' nameserver): Service and pod names of the cluster; every other
 * name is NXDOMAIN (there is no upstream: nothing leaves the machine).
 */
export function corefile(l: NodeLayout): string {
  const cluster = `    bind ${l.gatewayIp}
    errors
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${l.files.kubeconfig} node
        pods insecure
        ttl 5
    }
    cache 5
    loadbalance`
  // A query goes to the server block of its most specific zone: the cluster's own, or the catch-all.
  return `${CLUSTER_DOMAIN}:53 in-addr.arpa:53 ip6.arpa:53 {
${cluster}
}
.:53 {
    bind ${l.gatewayIp}
    template ANY ANY {
        rcode NXDOMAIN
    }
}
`
}

/** The admin kubeconfig pointed at the API server's forwarder on the veth (its certificate names `kubernetes`). */
export function nodeKubeconfig(adminKubeconfig: string, l: NodeLayout, apiPort: number): string {
  const ca = /certificate-authority-data: (\S+)/.exec(adminKubeconfig)?.[1]
  const token = /token: (\S+)/.exec(adminKubeconfig)?.[1]
  if (!ca || !token) throw new Error('the admin kubeconfig has no certificate-authority-data or token')
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: node',
    '  cluster:',
    `    server: https://${l.hostIp}:${apiPort}`,
    '    tls-server-name: kubernetes',
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: node',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: node',
    '  context: { cluster: node, user: node }',
    'current-context: node',
    '',
  ].join('\n')
}
