// What the real node changes on the machine, and how every trace of it goes again: its slot, network
// namespace, veth, route, mounts, cgroups and processes. Runs as root (ip, nsenter, mount).
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { layout, SLOTS_DIR, STATE_DIR, type NodeLayout } from './plan.ts'

export function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] })
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim()}`)
  return r.stdout
}
const tryRun = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0

/** Runs a command in the node's network namespace (only the network: mounts and cgroups stay the host's). */
export const inNetns = (l: NodeLayout, cmd: string, args: string[]) => [
  'nsenter',
  [`--net=${l.netnsPath}`, '--', cmd, ...args],
]

/**
 * Claims a free slot (1-250) for a cluster: its own folder under /run/preview-node, created atomically. A slot
 * whose owner is gone (its cluster folder deleted, or its supervisor dead) is cleaned up and taken.
 */
export function claimSlot(clusterDir: string, supervisorPid: number): NodeLayout {
  mkdirSync(SLOTS_DIR, { recursive: true })
  let hash = 0
  for (const c of clusterDir) hash = (hash * 31 + c.charCodeAt(0)) >>> 0
  for (let i = 0; i < 250; i++) {
    const slot = ((hash + i) % 250) + 1
    const dir = join(SLOTS_DIR, String(slot))
    try {
      mkdirSync(dir)
    } catch {
      if (!staleSlot(dir)) continue
      const owner = readOwner(dir)
      cleanupNode(layout(owner?.clusterDir ?? clusterDir, slot))
      try {
        mkdirSync(dir)
      } catch {
        continue
      }
    }
    writeFileSync(join(dir, 'owner.json'), JSON.stringify({ clusterDir, pid: supervisorPid }))
    return layout(clusterDir, slot)
  }
  throw new Error(`no free real-node slot in ${SLOTS_DIR} (250 taken)`)
}

function readOwner(dir: string): { clusterDir: string; pid: number } | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { clusterDir: string; pid: number }
  } catch {
    return null
  }
}

function staleSlot(dir: string): boolean {
  const owner = readOwner(dir)
  if (!owner) {
    // Being claimed right now, or left half-made: stale only when older than a minute.
    try {
      return Date.now() - statSync(dir).mtimeMs > 60_000
    } catch {
      return false
    }
  }
  try {
    process.kill(owner.pid, 0)
    return !existsSync(owner.clusterDir)
  } catch {
    return true
  }
}

/** The network namespace, veth pair, bridge and route of a slot; forwarding and bridge netfilter inside. */
export function createNetwork(l: NodeLayout): void {
  run('ip', ['netns', 'add', l.netns])
  run('ip', ['link', 'add', l.hostVeth, 'type', 'veth', 'peer', 'name', l.nodeVeth, 'netns', l.netns])
  run('ip', ['addr', 'add', `${l.hostIp}/30`, 'dev', l.hostVeth])
  run('ip', ['link', 'set', l.hostVeth, 'up'])
  const ns = (...args: string[]) => run('ip', ['-n', l.netns, ...args])
  ns('link', 'set', 'lo', 'up')
  ns('addr', 'add', `${l.nodeIp}/30`, 'dev', l.nodeVeth)
  ns('link', 'set', l.nodeVeth, 'up')
  ns('link', 'add', l.bridge, 'type', 'bridge')
  ns('addr', 'add', `${l.gatewayIp}/25`, 'dev', l.bridge)
  ns('link', 'set', l.bridge, 'up')
  // The host reaches pods through the veth; the node netns has no default route at all.
  run('ip', ['route', 'add', l.podSubnet, 'via', l.nodeIp, 'dev', l.hostVeth])
  const [cmd, args] = inNetns(l, 'sh', [
    '-c',
    'echo 1 > /proc/sys/net/ipv4/ip_forward && echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables',
  ]) as [string, string[]]
  run(cmd, args)
}

/**
 * The kubelet's cgroup root, made in every cgroup v1 hierarchy (the kubelet insists it exists). A new cpuset
 * cgroup starts with no CPUs and no memory nodes: it gets its parent's.
 */
export function createCgroupRoot(l: NodeLayout): void {
  const base = '/sys/fs/cgroup'
  for (const h of readdirSync(base)) {
    const dir = join(base, h, l.cgroupRoot)
    mkdirSync(dir, { recursive: true })
    if (h === 'cpuset')
      for (const file of ['cpuset.cpus', 'cpuset.mems'])
        writeFileSync(join(dir, file), readFileSync(join(base, h, file), 'utf8'))
  }
}

/** Every process whose cgroup lies under the node's cgroup root (the pods' containers), in every hierarchy. */
function cgroupDirs(l: NodeLayout): string[] {
  const base = '/sys/fs/cgroup'
  if (!existsSync(base)) return []
  const out: string[] = []
  for (const h of readdirSync(base)) {
    const root = join(base, h, l.cgroupRoot)
    if (existsSync(root)) out.push(root)
  }
  return out
}
function walk(dir: string): string[] {
  let subs: string[] = []
  try {
    subs = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => walk(join(dir, d.name)))
  } catch {
    // gone
  }
  return [...subs, dir] // deepest first
}

function pidsOf(dirs: string[]): number[] {
  const pids = new Set<number>()
  for (const d of dirs)
    try {
      for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (p) pids.add(Number(p))
    } catch {
      // gone
    }
  return [...pids]
}

/** containerd's shims for this node: they leave containerd's process group, so they are found by socket. */
function shimPids(l: NodeLayout): number[] {
  const out: number[] = []
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')
      const at = cmd.indexOf('-address')
      if (cmd[0]?.includes('containerd-shim') && at >= 0 && cmd[at + 1] === l.socket) out.push(Number(p))
      if (cmd[0]?.endsWith('containerd') && cmd.includes(l.files.containerdConfig)) out.push(Number(p))
    } catch {
      // gone
    }
  }
  return out
}

/** The unix sockets a process listens on (containerd's shims leave theirs in /run/containerd/s when killed). */
function socketPaths(pid: number): string[] {
  try {
    const inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]
          } catch {
            return undefined
          }
        })
        .filter(Boolean),
    )
    return readFileSync(`/proc/${pid}/net/unix`, 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length >= 8 && inodes.has(cols[6]) && cols[7]!.startsWith('/'))
      .map((cols) => cols[7]!)
  } catch {
    return []
  }
}

const kill = (pids: number[]) => {
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
}

function mountsUnder(prefixes: string[]): string[] {
  let text: string
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => prefixes.some((pre) => p === pre || p.startsWith(pre + '/')))
    .reverse() // the last mounted first
}

/**
 * Removes everything a slot's node made: its containers and shims, containerd, mounts, cgroups, network
 * namespace (with its bridge, pod veths and iptables rules), host veth and route, CNI state and the slot.
 * Safe to run twice, and on a node that never fully started.
 */
export function cleanupNode(l: NodeLayout): string[] {
  const done: string[] = []
  for (let round = 0; round < 5; round++) {
    const shims = shimPids(l)
    const sockets = shims.flatMap(socketPaths).filter((p) => !p.startsWith(l.run))
    const pids = [...pidsOf(cgroupDirs(l).flatMap(walk)), ...shims]
    if (!pids.length) break
    kill(pids)
    for (const p of sockets) rmSync(p, { force: true })
    done.push(`killed ${pids.length} processes`)
    spawnSync('sleep', ['0.2'])
  }
  const mounts = mountsUnder([l.root, l.run])
  for (const m of mounts) tryRun('umount', ['-l', m])
  if (mounts.length) done.push(`unmounted ${mounts.length}`)
  for (const root of cgroupDirs(l))
    for (const d of walk(root))
      try {
        rmdirSync(d)
      } catch {
        // busy or gone
      }
  if (existsSync(l.netnsPath)) {
    tryRun('ip', ['netns', 'delete', l.netns])
    done.push(`deleted netns ${l.netns}`)
  }
  if (tryRun('ip', ['link', 'show', l.hostVeth])) tryRun('ip', ['link', 'delete', l.hostVeth])
  // libcni keeps results under /var/lib/cni per network and sandbox: this node's network, and the loopback
  // network of each of its sandboxes (named in containerd's store).
  const results = '/var/lib/cni/results'
  const sandboxes = join(l.files.containerdRoot, 'io.containerd.grpc.v1.cri', 'sandboxes')
  const ids = existsSync(sandboxes) ? readdirSync(sandboxes) : []
  if (existsSync(results))
    for (const n of readdirSync(results))
      if (n.startsWith(`${l.cniNetwork}-`) || ids.some((id) => n.includes(id)))
        rmSync(join(results, n), { force: true })
  // The kubelet links each container's log into /var/log/containers (a fixed path).
  const links = '/var/log/containers'
  if (existsSync(links))
    for (const n of readdirSync(links))
      try {
        if (readlinkSync(join(links, n)).startsWith(l.root + '/')) rmSync(join(links, n), { force: true })
      } catch {
        // not a link, or gone
      }
  rmSync(l.run, { recursive: true, force: true })
  rmSync(l.root, { recursive: true, force: true })
  for (const parent of [SLOTS_DIR, STATE_DIR])
    try {
      rmdirSync(parent) // only when no other cluster's node is left in it
    } catch {
      // not empty, or gone
    }
  return done
}

/** Cleans up every slot a cluster folder owns (for `down`, after its supervisor is gone). */
export function cleanupSlotsOf(clusterDir: string): string[] {
  if (!existsSync(SLOTS_DIR)) return []
  const done: string[] = []
  for (const n of readdirSync(SLOTS_DIR).filter((x) => /^\d+$/.test(x))) {
    const owner = readOwner(join(SLOTS_DIR, n))
    if (owner?.clusterDir === clusterDir) done.push(...cleanupNode(layout(clusterDir, Number(n))))
  }
  return done
}
