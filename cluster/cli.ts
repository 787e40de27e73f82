// The local test cluster, for tests, CI, the demo and the benchmarks.
//   node cluster/cli.ts up [--name N]      build (first time), start, wait until ready; prints GATEWAY=<ns>/<name>
//                                          and HTTP=<url> of the Traefik front door, OIDC_TOKEN_URL=<url> and
//                                          OIDC_AUDIENCE=<aud> of the local OIDC issuer, AUDIT_LOG=<path> of
//                                          kube-apiserver's audit log, last line KUBECONFIG=<path>
//   node cluster/cli.ts down [--name N]    stop every process of the cluster and remove its data (logs are kept)
//   node cluster/cli.ts status [--name N]  ports, pids and memory
//   node cluster/cli.ts restart-apiserver [--name N]   kill and restart kube-apiserver (fault tests)
// With PREVIEW_TEST_KUBECONFIG set to a kubeconfig file, `up` starts nothing and prints that file instead: the
// only way tests reach a cluster other than the local one.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  alive,
  CLUSTER_DIR,
  clusterDir,
  files,
  freePort,
  readJson,
  rssMiB,
  sleep,
  type ClusterConfig,
  type ClusterState,
} from './paths.ts'
import { cleanupRealNode, realNodeLines, startRealNodeBuild } from './node/cli-hooks.ts'

const args = process.argv.slice(2)
const command = args[0] ?? 'up'
const nameAt = args.indexOf('--name')
const name = nameAt >= 0 ? (args[nameAt + 1] ?? '') : (process.env.PREVIEW_CLUSTER_NAME ?? 'local')
const dir = clusterDir(name)
const f = files(dir)
const say = (msg: string) => process.stderr.write(`[cluster ${name}] ${msg}\n`)

function running(): ClusterState | null {
  const state = readJson<ClusterState>(f.state)
  return state && alive(state.pid) ? state : null
}

function buildBinaries(): string {
  const build = spawnSync('bash', [join(CLUSTER_DIR, 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] })
  if (build.status !== 0) throw new Error('building the control plane failed (see the messages above)')
  return build.stdout.toString().trim().split('\n').at(-1)!
}

/** The Gateway controller's build (Traefik and the Gateway API CRDs); PREVIEW_CLUSTER_GATEWAY=off skips it. */
function buildGateway(): string | null {
  if (process.env.PREVIEW_CLUSTER_GATEWAY === 'off') return null
  const build = spawnSync('bash', [join(CLUSTER_DIR, 'gateway', 'build.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (build.status !== 0) throw new Error('building the Gateway controller failed (see the messages above)')
  return build.stdout.toString().trim().split('\n').at(-1)!
}

function printState(state: ClusterState): void {
  for (const line of realNodeLines(dir)) console.log(line)
  if (state.gateway) console.log(`GATEWAY=${state.gateway}`)
  if (state.http) console.log(`HTTP=${state.http}`)
  if (state.oidc) console.log(`OIDC_TOKEN_URL=${state.oidc.tokenUrl}\nOIDC_AUDIENCE=${state.oidc.audience}`)
  if (state.auditLog) console.log(`AUDIT_LOG=${state.auditLog}`)
  console.log(`KUBECONFIG=${state.kubeconfig}`)
}

function logTail(): string {
  if (!existsSync(f.logs)) return ''
  return readdirSync(f.logs)
    .map((n) => {
      const lines = readFileSync(join(f.logs, n), 'utf8').trimEnd().split('\n')
      return `--- logs/${n} (last lines) ---\n${lines.slice(-15).join('\n')}`
    })
    .join('\n')
}

async function up(): Promise<void> {
  const own = process.env.PREVIEW_TEST_KUBECONFIG
  if (own) {
    say(`PREVIEW_TEST_KUBECONFIG is set: using that cluster, starting nothing`)
    console.log(`KUBECONFIG=${resolve(own)}`)
    return
  }
  const live = running()
  if (live) {
    say(`already running (${live.server})`)
    printState(live)
    return
  }
  const realNode = startRealNodeBuild(dir, say) // its images build beside the control plane's binaries
  const bin = buildBinaries()
  const gatewayDir = buildGateway()
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(f.logs, { recursive: true })
  const taken = new Set<number>()
  const ports = {
    etcdClient: await freePort(taken),
    etcdPeer: await freePort(taken),
    apiserver: await freePort(taken),
    oidcIssuer: await freePort(taken),
    oidcToken: await freePort(taken),
  }
  const gateway = gatewayDir
    ? { dir: gatewayDir, httpPort: await freePort(taken), closedPort: await freePort(taken) }
    : undefined
  const config: ClusterConfig = { name, bin, ports, gateway }
  writeFileSync(f.config, JSON.stringify(config, null, 2))
  await realNode.finish()
  const started = Date.now()
  const out = openSync(f.supervisorLog, 'a')
  const supervisor = spawn(process.execPath, [join(CLUSTER_DIR, 'supervisor.ts'), dir], {
    detached: true, // its own process group, holding every component
    stdio: ['ignore', out, out],
  })
  supervisor.unref()
  say(`starting (supervisor pid ${supervisor.pid}, logs in ${f.logs})`)
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const state = running()
    if (state) {
      say(
        `ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${state.server}; memory ${memory(state)}`,
      )
      printState(state)
      return
    }
    if (!alive(supervisor.pid!)) break
    await sleep(100)
  }
  const tail = logTail()
  await down(true)
  throw new Error(`the control plane did not become ready\n${tail}`)
}

function memory(state: ClusterState): string {
  const parts = Object.entries(state.pids).map(([n, pid]) => [n, rssMiB(pid)] as const)
  const total = parts.reduce((sum, [, mib]) => sum + mib, 0)
  return `${total} MiB (${parts.map(([n, mib]) => `${n} ${mib}`).join(', ')})`
}

async function down(keepLogs = true): Promise<void> {
  const state = readJson<ClusterState>(f.state)
  const pid = state?.pid ?? findSupervisor()
  if (pid && alive(pid)) {
    try {
      process.kill(-pid, 'SIGTERM')
    } catch {
      process.kill(pid, 'SIGTERM')
    }
    const deadline = Date.now() + 10_000
    while (alive(pid) && Date.now() < deadline) await sleep(50)
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // the group is gone
    }
    say('stopped')
  }
  cleanupRealNode(dir, say)
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir)) {
    if (keepLogs && entry === 'logs') continue
    rmSync(join(dir, entry), { recursive: true, force: true })
  }
}

/** A supervisor whose state file was never written (it failed while starting). */
function findSupervisor(): number | null {
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')
      if (cmd.some((c) => c.endsWith('supervisor.ts')) && cmd.includes(dir)) return Number(p)
    } catch {
      // gone
    }
  }
  return null
}

async function main(): Promise<void> {
  switch (command) {
    case 'up':
      return up()
    case 'down':
      return down()
    case 'status': {
      const state = running()
      if (!state) {
        console.log('not running')
        process.exitCode = 1
        return
      }
      console.log(`server ${state.server}\nready after ${state.readyAfterMs} ms\nmemory ${memory(state)}`)
      printState(state)
      return
    }
    case 'restart-apiserver': {
      const state = running()
      if (!state) throw new Error('not running')
      process.kill(state.pid, 'SIGUSR2')
      return
    }
    default:
      throw new Error(`unknown command "${command}": use up, down, status or restart-apiserver`)
  }
}

main().catch((e: Error) => {
  console.error(`[cluster ${name}] ${e.message}`)
  process.exit(1)
})
