// What the benchmark and the profile (bench/profile.ts) measure of one run of the action, besides its time: the
// CPU its own process used, and every HTTP request it made (Kubernetes through a counting proxy, GitHub as the
// double recorded them).
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pullRequestEvent } from '../__tests__/harness/events.js'
import { ACTION_ENTRY } from '../__tests__/harness/run-action.js'

/** Loaded into the action's process (NODE_OPTIONS=--import): writes its CPU time (user + system) when it exits. */
const CPU_PRELOAD = fileURLToPath(new URL('./cpu-usage.mjs', import.meta.url))

/** Environment for runAction that makes the action's process report its CPU, and the reader of that report. */
export function cpuProbe(extraNodeOptions = ''): { env: Record<string, string>; seconds(): number } {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-cpu-')), 'cpu.json')
  writeFileSync(out, '')
  return {
    env: { NODE_OPTIONS: `--import ${CPU_PRELOAD} ${extraNodeOptions}`.trim(), BENCH_CPU_OUT: out },
    seconds() {
      const { user, system } = JSON.parse(readFileSync(out, 'utf8')) as { user: number; system: number }
      return (user + system) / 1e6
    },
  }
}

/** CPU seconds (user + system) of each process of the control plane: those whose command line names its folder. */
export function clusterCpu(folder: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      if (!cmdline.some((a) => a.includes(folder))) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const name = cmdline[0]!.split('/').at(-1)!
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100)
    } catch {
      // gone meanwhile
    }
  }
  return out
}

export interface SeenRequest {
  method: string
  path: string
}

/**
 * One line per kind of request: the method and the path with names of this run's own objects kept (so repeats of
 * the same request show as a count above 1), queries reduced to their parameter names.
 */
export function requestTable(seen: SeenRequest[]): Array<{ request: string; count: number }> {
  const counts = new Map<string, number>()
  for (const r of seen) {
    const [path, q] = r.path.split('?') as [string, string | undefined]
    const params = q ? [...new URLSearchParams(q).keys()].filter((k) => k !== 'timeoutSeconds') : []
    const dry = q && new URLSearchParams(q).get('dryRun') ? ' (dry run)' : ''
    const key = `${r.method} ${path}${params.length && !dry ? `?${params.join('&')}` : ''}${dry}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].map(([request, count]) => ({ request, count }))
}

/** Requests per verb and resource: `PATCH deployments (dry run)`, `GET namespaces`… */
export function requestsByResource(seen: SeenRequest[]): Array<{ request: string; count: number }> {
  const counts = new Map<string, number>()
  for (const r of seen) {
    const [path, q] = r.path.split('?') as [string, string | undefined]
    const query = new URLSearchParams(q ?? '')
    const parts = path.split('/').filter(Boolean)
    // /api/v1/namespaces/ns/pods/name, /apis/group/version/namespaces/ns/kind/name, /repos/o/r/deployments/1/statuses
    const core = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : parts.slice(3)
    const rest = core[0] === 'namespaces' && core.length > 2 ? core.slice(2) : core
    const resource = rest.filter((_, i) => i % 2 === 0).join('/') || '(discovery)'
    const verb =
      query.get('watch') === '1' ? 'WATCH' : r.method === 'GET' && rest.length % 2 === 1 ? 'LIST' : r.method
    const key = `${verb} ${resource}${query.get('dryRun') ? ' (dry run)' : ''}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([request, count]) => ({ request, count }))
}

/**
 * Milliseconds from spawning the action to the first request that reaches the Kubernetes API (a stand-in server
 * that answers 403). The process is killed then; with `profileDir` it is left to fail and exit, and writes a CPU
 * profile of its start there.
 */
export async function startToFirstRequest(
  kubeconfig: string,
  apiUrl: string,
  token: string,
  profileDir?: string,
  entry = ACTION_ENTRY,
): Promise<number> {
  let arrived = 0
  const server = createServer((_req, res) => {
    arrived ||= performance.now()
    res.writeHead(403, { 'content-type': 'application/json' }).end('{"kind":"Status","code":403}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const config = kubeconfig
    .replace(/server: \S+/, `server: http://127.0.0.1:${port}`)
    .replace(/certificate-authority-data: \S+/, 'insecure-skip-tls-verify: true')
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'))
  const eventPath = join(dir, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify(pullRequestEvent({ action: 'opened', number: 1, repository: 'bench/start' })),
  )
  writeFileSync(join(dir, 'out'), '')
  const started = performance.now()
  const child = spawn(
    process.execPath,
    [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), entry],
    {
      env: {
        PATH: process.env.PATH,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_API_URL: apiUrl,
        GITHUB_OUTPUT: join(dir, 'out'),
        INPUT_KUBECONFIG: config,
        'INPUT_GITHUB-TOKEN': token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  let exited = false
  const exit = new Promise((r) => child.on('exit', r)).then(() => (exited = true))
  while (!arrived && !exited) await new Promise((r) => setTimeout(r, 2))
  if (!arrived) throw new Error(`the action exited before it made a request:\n${log}`)
  if (profileDir) await exit
  else child.kill('SIGKILL')
  server.close()
  return arrived - started
}
