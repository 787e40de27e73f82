// Where a local cluster keeps its files, and the small helpers the cluster scripts share.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const CLUSTER_DIR = dirname(fileURLToPath(import.meta.url))
export const REPO_DIR = resolve(CLUSTER_DIR, '..')

/** Every cluster lives in `<runs>/<name>/`: config, certificates, etcd data, kubeconfig and logs. */
export function clusterDir(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(name))
    throw new Error(`cluster name "${name}": use lowercase letters, digits, dashes`)
  return join(process.env.PREVIEW_CLUSTER_RUNS ?? join(REPO_DIR, '.tmp', 'clusters'), name)
}

export interface ClusterConfig {
  name: string
  bin: string
  ports: {
    etcdClient: number
    etcdPeer: number
    apiserver: number
    /** The local OIDC issuer (cluster/oidc/): its HTTPS discovery and keys, and its plain-HTTP token URL. */
    oidcIssuer: number
    oidcToken: number
  }
  /** The Gateway API and Ingress controller: the folder cluster/gateway/build.sh printed, and its HTTP port. */
  gateway?: { dir: string; httpPort: number; closedPort: number }
}

export interface ClusterState {
  /** The supervisor's pid, which leads the process group of every component. */
  pid: number
  kubeconfig: string
  server: string
  pids: Record<string, number>
  readyAfterMs: number
  /** `<namespace>/<name>` of the shared Gateway, and the controller's HTTP address. */
  gateway?: string
  http?: string
  /** The local OIDC issuer: the runner's ACTIONS_ID_TOKEN_REQUEST_URL stand-in and the audience the API server takes. */
  oidc?: { tokenUrl: string; audience: string; issuer: string }
  /** kube-apiserver's audit log (requests of users other than the cluster's own). */
  auditLog?: string
}

export const files = (dir: string) => ({
  config: join(dir, 'config.json'),
  state: join(dir, 'state.json'),
  kubeconfig: join(dir, 'kubeconfig'),
  logs: join(dir, 'logs'),
  supervisorLog: join(dir, 'logs', 'supervisor.log'),
  /** kube-apiserver's audit log: requests of every user but the cluster's own (see supervisor.ts). */
  auditLog: join(dir, 'logs', 'audit.log'),
  pki: join(dir, 'pki'),
  etcdData: join(dir, 'etcd'),
  authenticationConfig: join(dir, 'pki', 'authentication-config.json'),
})

export function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T
  } catch {
    return null
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * A port free on 127.0.0.1, picked below the kernel's ephemeral range (32768+) so that outgoing connections,
 * which take ephemeral ports, cannot grab it before the component binds it.
 */
export async function freePort(taken: Set<number> = new Set()): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000)
    if (taken.has(port)) continue
    const ok = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (ok) {
      taken.add(port)
      return port
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls `check` every 100 ms (a throw counts as not yet) until it holds, or fails naming what it waited for. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await sleep(100)
  }
  throw new Error(`timed out waiting for ${what}`)
}

export interface ProcessGroup {
  /** Where each process's output goes: `<logs>/<name>.log`. */
  logs: string
  /** The live processes by name; one that exits is removed. */
  children: Map<string, ChildProcess>
  /** True once the group is being stopped: exits are then expected and not logged. */
  stopping: () => boolean
  log: (message: string) => void
}

/** Starts one process of a group, its output appended to its log file, its exit logged unless the group stops. */
export function startLogged(
  g: ProcessGroup,
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const out = createWriteStream(join(g.logs, `${name}.log`), { flags: 'a' })
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  child.stdout!.pipe(out)
  child.stderr!.pipe(out)
  g.children.set(name, child)
  child.on('exit', (code, signal) => {
    if (g.children.get(name) === child) g.children.delete(name)
    if (!g.stopping()) g.log(`${name} exited (code ${code}, signal ${signal}); see logs/${name}.log`)
  })
  g.log(`started ${name} (pid ${child.pid})`)
  return child
}

/** Resident memory of a process in MiB, from /proc (0 when it is gone). */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    return Math.round(kb / 1024)
  } catch {
    return 0
  }
}
