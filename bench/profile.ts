// npx tsx bench/profile.ts [--reuse] [--start] [--sequence] [--timeline]: where one deploy of the default stack spends its time, CPU and
// requests. On a control plane of its own (or the one $KUBECONFIG names, with --reuse), it runs the bundled action
// (ACTION_ENTRY names another bundle) for a new PR and then for a push to it, with the action's process under
// --cpu-prof and its Kubernetes requests through a counting proxy, and prints:
//   - every HTTP request (Kubernetes and GitHub) by verb and resource, and the ones made more than once;
//   - the CPU of the action's process, and where it went (by bundled package, after `npm run bundle`);
//   - the CPU the control plane's processes spent meanwhile.
// --sequence also prints each run's requests in the order they were made; --timeline the action's log as it comes,
// each line with the ms since the run started.
// --start needs no cluster: the start of the action up to its first Kubernetes request, profiled.
// The .cpuprofile files stay in the printed folders (open them in Chrome's DevTools).
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startGitHubDouble } from '../__tests__/github-double/server.js'
import { startFaultProxy } from '../__tests__/harness/fault-proxy.js'
import { ACTION_ENTRY, runAction } from '../__tests__/harness/run-action.js'
import {
  clusterCpu,
  cpuProbe,
  requestsByResource,
  requestTable,
  startToFirstRequest,
  type SeenRequest,
} from './measure.js'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'cluster', 'cli.ts')

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** Line ranges of the bundle's modules, named by package (from the webpack stats `npm run bundle` keeps). */
function bundleModules(bundle: string): Array<{ line: number; name: string }> {
  const stats = join(ROOT, '.tmp', 'bundle-stats', 'index.json')
  const names = new Map<string, string>()
  if (existsSync(stats)) {
    const s = JSON.parse(readFileSync(stats, 'utf8')) as {
      modules: Array<{ id: string | number; name: string; modules?: Array<{ name: string }> }>
    }
    for (const m of s.modules) names.set(String(m.id), packageOf(m.name))
  }
  const marks: Array<{ line: number; name: string }> = []
  readFileSync(bundle, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const id = /^\/\*\*\*\/ (\d+):/.exec(text)?.[1]
      const concatenated = /^;\/\/ CONCATENATED MODULE: (.*)$/.exec(text)?.[1]
      if (id) marks.push({ line, name: names.get(id) ?? `module ${id}` })
      else if (concatenated) marks.push({ line, name: packageOf(concatenated) })
    })
  return marks
}

function packageOf(path: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path) ?? /^\.\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (path.includes('/src/') || path.startsWith('./src/')) return 'src (the action)'
  return m?.[1] ?? path
}

function summarize(file: string, marks: Map<string, Array<{ line: number; name: string }>>) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  let total = 0
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000
    total += dt
    const f = byId.get(id)!.callFrame
    let where = f.functionName || '(anonymous)'
    if (f.url.endsWith('.js') && f.url.includes('/dist/')) {
      const path = fileURLToPath(f.url)
      if (!marks.has(path)) marks.set(path, bundleModules(path))
      const list = marks.get(path)!
      let name = 'bundle runtime'
      for (const m of list) if (m.line <= f.lineNumber) name = m.name
      where = `${name} (${/\/dist\/index\.js$/.test(path) ? 'main chunk' : 'lazy chunk'})`
    } else if (f.url.startsWith('node:')) where = `node: ${f.url.slice(5)}`
    else if (!f.url) where = f.functionName.startsWith('(') ? f.functionName : 'native'
    self.set(where, (self.get(where) ?? 0) + dt)
  })
  return { total, top: [...self].sort((a, b) => b[1] - a[1]).slice(0, 18) }
}

/** --start: no cluster; the start of `node dist/index.js` up to its first Kubernetes request, profiled. */
async function profileStart(): Promise<void> {
  const gh = await startGitHubDouble()
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c',
    '  cluster:',
    '    server: https://127.0.0.1:1',
    '    certificate-authority-data: eA==',
    'users:',
    '- name: u',
    '  user:',
    '    token: bench-token',
    'contexts:',
    '- name: c',
    '  context:',
    '    cluster: c',
    '    user: u',
    'current-context: c',
  ].join('\n')
  const marks = new Map<string, Array<{ line: number; name: string }>>()
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'profile-start-'))
    const ms = await startToFirstRequest(kubeconfig, gh.url, gh.token, dir)
    const cpu = await startToFirstRequest(kubeconfig, gh.url, gh.token)
    console.log(`start → first request: ${cpu.toFixed(0)} ms (${ms.toFixed(0)} ms under --cpu-prof)`)
    for (const f of readdirSync(dir)) {
      const { total, top } = summarize(join(dir, f), marks)
      console.log(`  CPU profile ${join(dir, f)}: ${total.toFixed(0)} ms sampled, start to exit; self time:`)
      for (const [where, t] of top.slice(0, 12)) console.log(`  ${t.toFixed(0).padStart(5)} ms  ${where}`)
    }
  }
  await gh.close()
}

async function main(): Promise<void> {
  if (process.argv.includes('--start')) return profileStart()
  const reuse = process.argv.includes('--reuse') && process.env.KUBECONFIG
  const name = `profile-${process.pid}`
  let kubeconfigPath = process.env.KUBECONFIG ?? ''
  if (!reuse) {
    console.error(`starting the local control plane ${name}…`)
    const up = await run(process.execPath, [CLI, 'up', '--name', name])
    kubeconfigPath = up.stdout.trim().split('\n').at(-1)!.slice('KUBECONFIG='.length)
  }
  const gh = await startGitHubDouble()
  const proxy = await startFaultProxy(readFileSync(kubeconfigPath, 'utf8'))
  const dir = mkdtempSync(join(tmpdir(), 'profile-'))
  const pr = 4000 + (process.pid % 1000)
  const marks = new Map<string, Array<{ line: number; name: string }>>()
  // --timeline: each line of the action's log as it comes, with the ms since the run started.
  let shown = 0
  const timeline = process.argv.includes('--timeline')
    ? (log: string, t0: number) => {
        const lines = log.split('\n')
        for (const line of lines.slice(shown, -1))
          console.log(`  ${String(Math.round(performance.now() - t0)).padStart(6)} ms  ${line.slice(0, 140)}`)
        shown = Math.max(shown, lines.length - 1)
      }
    : null
  try {
    for (const [action, sha] of [
      ['opened', 'a'.repeat(40)],
      ['synchronize', 'b'.repeat(40)],
    ] as const) {
      const profDir = join(dir, action)
      const cpu = cpuProbe(`--cpu-prof --cpu-prof-dir=${profDir}`)
      const k0 = proxy.seen.length
      const g0 = gh.requests.length
      const c0 = clusterCpu(dirname(kubeconfigPath))
      const t0 = performance.now()
      shown = 0
      const r = await runAction({
        apiUrl: gh.url,
        event: { action, number: pr, repository: 'bench/shop', sha },
        inputs: {
          kubeconfig: proxy.kubeconfig,
          'github-token': gh.token,
          domain: 'bench.test',
          timeout: '5m',
        },
        env: cpu.env,
        onLog: timeline ? (log) => timeline(log, t0) : undefined,
      })
      const ms = performance.now() - t0
      // Controllers and kwok go on reacting a little after the run: a moment for them to settle.
      await new Promise((r) => setTimeout(r, 2000))
      const c1 = clusterCpu(dirname(kubeconfigPath))
      const sides = [...c1].map(([n, s]) => `${n} ${(s - (c0.get(n) ?? 0)).toFixed(2)}`)
      if (r.code !== 0) throw new Error(`the action failed:\n${r.log.slice(-3000)}`)
      const objects = Number(/rendered (\d+) objects/.exec(r.log)?.[1] ?? NaN)
      const kube: SeenRequest[] = proxy.seen.slice(k0)
      const github: SeenRequest[] = gh.requests.slice(g0).map((q) => ({
        method: q.method,
        path: q.path + (Object.keys(q.query).length ? `?${new URLSearchParams(q.query)}` : ''),
      }))
      console.log(
        `\n== ${action}: ${(ms / 1000).toFixed(2)} s, ${objects} objects, action CPU ${cpu.seconds().toFixed(2)} s`,
      )
      console.log(
        `requests: ${kube.length} Kubernetes + ${github.length} GitHub = ${kube.length + github.length} (goal ≤ 2 × ${objects} + 10 = ${2 * objects + 10})`,
      )
      console.log(`control plane CPU-s (the run and 2 s after): ${sides.join(', ')}`)
      for (const { request, count } of requestsByResource(kube))
        console.log(`  ${String(count).padStart(3)}  ${request}`)
      for (const { request, count } of requestsByResource(github))
        console.log(`  ${String(count).padStart(3)}  GitHub ${request}`)
      const repeats = requestTable([...kube, ...github]).filter((r) => r.count > 1)
      if (process.argv.includes('--sequence'))
        for (const q of [...kube, ...github]) console.log(`  > ${q.method} ${decodeURIComponent(q.path)}`)
      console.log('made more than once:')
      for (const { request, count } of repeats) console.log(`  ${String(count).padStart(3)}  ${request}`)
      for (const f of readdirSync(profDir)) {
        const { total, top } = summarize(join(profDir, f), marks)
        console.log(`CPU profile ${join(profDir, f)}: ${total.toFixed(0)} ms sampled; self time by where:`)
        for (const [where, t] of top) console.log(`  ${t.toFixed(0).padStart(5)} ms  ${where}`)
      }
    }
  } finally {
    await proxy.close()
    await gh.close()
    if (!reuse) await run(process.execPath, [CLI, 'down', '--name', name])
  }
  console.log(`\nthe bundle: ${ACTION_ENTRY}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
