// npm run bench: the action against kubectl on a local control plane of its own, in one run. Every figure is a
// median of several repetitions, printed as a ratio against a baseline measured in the same run.
//   npm run bench            full run (about ten minutes on 2 cores)
//   npm run bench -- --quick fewer repetitions and previews, as a smoke test
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpus, totalmem } from 'node:os'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startGitHubDouble } from '../__tests__/github-double/server.js'
import { ACTION_ENTRY, runAction } from '../__tests__/harness/run-action.js'
import { previewNames } from '../src/preview/naming.js'

const quick = process.argv.includes('--quick')
const REPS = quick ? 2 : 5
const LIVE_PREVIEWS = quick ? 10 : 100
const CONCURRENT = quick ? 10 : 50
const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'cluster', 'cli.ts')
const RENDER = join(ROOT, 'dist', 'cli', 'index.js')
const WORKLOADS = [
  'deployment/web',
  'statefulset/redis',
  'statefulset/rabbitmq',
  'statefulset/mongodb',
  'statefulset/mariadb',
  'statefulset/elasticsearch',
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!
const sha = (n: number) => createHash('sha1').update(String(n)).digest('hex')
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

async function main(): Promise<void> {
  const name = `bench-${process.pid}`
  console.error(`starting the local control plane ${name}…`)
  const up = await run(process.execPath, [CLI, 'up', '--name', name])
  const kubeconfigPath = up.stdout.trim().split('\n').at(-1)!.slice('KUBECONFIG='.length)
  const kubeconfig = readFileSync(kubeconfigPath, 'utf8')
  const gh = await startGitHubDouble()
  const env = { ...process.env, KUBECONFIG: kubeconfigPath }
  const kubectl = (...args: string[]) => run('kubectl', args, { env, maxBuffer: 64 << 20 })
  let pr = 1000
  const action = async (number: number, action: 'opened' | 'synchronize' | 'closed', head: string) => {
    const r = await runAction({
      apiUrl: gh.url,
      event: { action, number, repository: 'bench/shop', sha: head },
      inputs: { kubeconfig, 'github-token': gh.token, domain: 'bench.test', timeout: '5m' },
    })
    if (r.code !== 0) throw new Error(`action failed for PR ${number}:\n${r.log.slice(-3000)}`)
    return r
  }
  const manifests = async (number: number, head: string) => {
    const { stdout } = await run(process.execPath, [
      RENDER,
      'render',
      '--pr',
      String(number),
      '--repo',
      'bench/shop',
      '--sha',
      head,
      '--domain',
      'bench.test',
    ])
    const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'manifests.yaml')
    writeFileSync(file, stdout)
    return file
  }
  const kubectlDeploy = async (number: number, head: string) => {
    const file = await manifests(number, head)
    const ns = previewNames('preview', 'bench/shop', number).namespace
    await kubectl('apply', '--server-side', '--field-manager=bench', '-f', file)
    await Promise.all([
      ...WORKLOADS.map((w) => kubectl('rollout', 'status', w, '-n', ns, '--timeout=5m')),
      kubectl('wait', '--for=condition=complete', 'job', '--all', '-n', ns, '--timeout=5m'),
    ])
    return ns
  }
  const kubectlDeploySequential = async (number: number, head: string) => {
    const file = await manifests(number, head)
    const ns = previewNames('preview', 'bench/shop', number).namespace
    await kubectl('apply', '--server-side', '--field-manager=bench', '-f', file)
    for (const w of WORKLOADS) await kubectl('rollout', 'status', w, '-n', ns, '--timeout=5m')
    await kubectl('wait', '--for=condition=complete', 'job', '--all', '-n', ns, '--timeout=5m')
    return ns
  }

  const results: Array<[string, string, string]> = []
  const ratio = (label: string, mine: number[], base: number[], goal: string) => {
    const r = median(mine) / median(base)
    results.push([
      label,
      `${(median(mine) / 1000).toFixed(2)} s vs ${(median(base) / 1000).toFixed(2)} s = ${r.toFixed(2)}×`,
      goal,
    ])
    console.error(`  ${label}: ${r.toFixed(2)}×`)
  }

  // 1. event → every workload ready
  console.error('1. deploy the default stack')
  const a1: number[] = [],
    k1: number[] = [],
    k1s: number[] = []
  for (let i = 0; i < REPS; i++) {
    a1.push(await time(() => action(++pr, 'opened', sha(pr))))
    k1.push(await time(() => kubectlDeploy(++pr, sha(pr))))
    k1s.push(await time(() => kubectlDeploySequential(++pr, sha(pr))))
  }
  ratio('1. deploy, event → all ready, vs kubectl apply + parallel rollout status', a1, k1, '≤ 0.5×')
  // What neither can go below: a Job's pod completing, counted by the job controller (which batches pod
  // updates for about a second), is part of "every workload ready".
  const floor: number[] = []
  for (let i = 0; i < REPS; i++) {
    const job = `floor-${i}`
    floor.push(
      await time(async () => {
        await kubectl('create', 'job', job, '--image=example.test/x:1')
        await kubectl('wait', '--for=condition=complete', `job/${job}`, '--timeout=60s')
      }),
    )
  }
  const f = median(floor)
  results.push([
    '   floor: one Job, kubectl create → Complete',
    `${(f / 1000).toFixed(2)} s; above the floor: ${((median(a1) - f) / 1000).toFixed(2)} s vs ${((median(k1) - f) / 1000).toFixed(2)} s = ${((median(a1) - f) / (median(k1) - f)).toFixed(2)}×`,
    'bounds goal 1',
  ])
  ratio('   … vs kubectl apply + rollout status one by one', a1, k1s, '≤ 0.5×')

  // 2. synchronize with a new image
  console.error('2. synchronize with a new image')
  const a2: number[] = [],
    k2: number[] = []
  const actionPr = ++pr,
    kubectlPr = ++pr
  await action(actionPr, 'opened', sha(1))
  await kubectlDeploy(kubectlPr, sha(1))
  for (let i = 0; i < REPS; i++) {
    a2.push(await time(() => action(actionPr, 'synchronize', sha(100 + i))))
    k2.push(await time(() => kubectlDeploy(kubectlPr, sha(100 + i))))
  }
  ratio('2. synchronize, new image → rolled out, vs kubectl', a2, k2, '≤ 0.5×')

  // 3. teardown
  console.error('3. teardown')
  const a3: number[] = [],
    k3: number[] = []
  for (let i = 0; i < REPS; i++) {
    const mine = ++pr,
      theirs = ++pr
    await action(mine, 'opened', sha(mine))
    await kubectlDeploy(theirs, sha(theirs))
    a3.push(await time(() => action(mine, 'closed', sha(mine))))
    k3.push(
      await time(() =>
        kubectl('delete', 'namespace', previewNames('preview', 'bench/shop', theirs).namespace, '--wait'),
      ),
    )
  }
  ratio('3. teardown → namespace gone, vs kubectl delete namespace --wait', a3, k3, '≤ 1.1×')

  // 4. one deploy with many live previews on the cluster
  console.error(`4. one deploy with ${LIVE_PREVIEWS} live previews`)
  const before: number[] = []
  for (let i = 0; i < REPS; i++) before.push(await time(() => action(++pr, 'opened', sha(pr))))
  const fill = Array.from({ length: LIVE_PREVIEWS }, () => ++pr)
  for (let i = 0; i < fill.length; i += 10) {
    await Promise.all(
      fill
        .slice(i, i + 10)
        .map(async (n) =>
          kubectl('apply', '--server-side', '--field-manager=bench', '-f', await manifests(n, sha(n))),
        ),
    )
  }
  const after: number[] = []
  for (let i = 0; i < REPS; i++) after.push(await time(() => action(++pr, 'opened', sha(pr))))
  ratio(`4. deploy with ${LIVE_PREVIEWS} live previews vs none`, after, before, '≤ 1.2×')

  // 5. concurrent deploys
  console.error(`5. ${CONCURRENT} concurrent deploys`)
  const single = median(after)
  // The CPU one deploy costs the whole machine (the action, kube-apiserver, etcd, the controllers, kwok): with
  // everything on these few cores, N deploys at once cannot finish sooner than N times that, spread over them.
  const cpu: number[] = []
  for (let i = 0; i < REPS; i++) {
    const before = busyCpuSeconds()
    await action(++pr, 'opened', sha(pr))
    cpu.push(busyCpuSeconds() - before)
  }
  const outcomes = await Promise.allSettled(
    Array.from({ length: CONCURRENT }, () => ++pr).map((n) => time(() => action(n, 'opened', sha(n)))),
  )
  const failures = outcomes.filter((o) => o.status === 'rejected').length
  const times = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
  results.push([
    `5. ${CONCURRENT} concurrent deploys`,
    `${failures} failures; p95 ${(p95(times) / 1000).toFixed(2)} s = ${(p95(times) / single).toFixed(2)}× a single deploy`,
    '0 failures, ≤ 2×',
  ])
  const cores = cpus().length
  results.push([
    '   bound: CPU of one deploy, whole machine',
    `${median(cpu).toFixed(2)} CPU-s; ${CONCURRENT} deploys on ${cores} cores need ≥ ${((CONCURRENT * median(cpu)) / cores).toFixed(1)} s`,
    'bounds goal 5 here',
  ])

  // 6. process start → first API request
  console.error('6. start to first API request')
  const first: number[] = []
  for (let i = 0; i < REPS * 2; i++) first.push(await startToFirstRequest(kubeconfig, gh.url, gh.token))
  const noop = await time(() => run(process.execPath, ['-e', '0']))
  results.push([
    '6. node dist/index.js start → first API request',
    `${median(first).toFixed(0)} ms (a bare node start: ${noop.toFixed(0)} ms)`,
    '≤ 300 ms',
  ])

  await gh.close()
  await run(process.execPath, [CLI, 'down', '--name', name])
  console.log(
    `\nkube-pr-preview benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  )
  console.log(
    `medians of ${REPS} repetitions${quick ? ' (quick)' : ''}; the local control plane: etcd, kube-apiserver, controllers, kwok\n`,
  )
  const width = Math.max(...results.map((r) => r[0].length))
  for (const [label, value, goal] of results) console.log(`${label.padEnd(width)}  ${value}  (goal ${goal})`)
}

/** CPU seconds the whole machine has spent busy (all cores), from /proc/stat. */
function busyCpuSeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/)
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number) as number[]
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100
}

/** Milliseconds from spawning the action to the first request that reaches the Kubernetes API. */
async function startToFirstRequest(kubeconfig: string, apiUrl: string, token: string): Promise<number> {
  let arrived = 0
  const server = createServer((_req, res) => {
    arrived ||= performance.now()
    res.writeHead(503).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const config = kubeconfig
    .replace(/server: \S+/, `server: http://127.0.0.1:${port}`)
    .replace(/certificate-authority-data: \S+/, 'insecure-skip-tls-verify: true')
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'))
  const eventPath = join(dir, 'event.json')
  const { pullRequestEvent } = await import('../__tests__/harness/events.js')
  writeFileSync(
    eventPath,
    JSON.stringify(pullRequestEvent({ action: 'opened', number: 1, repository: 'bench/start' })),
  )
  writeFileSync(join(dir, 'out'), '')
  const started = performance.now()
  const child = spawn(process.execPath, [ACTION_ENTRY], {
    env: {
      PATH: process.env.PATH,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: apiUrl,
      GITHUB_OUTPUT: join(dir, 'out'),
      INPUT_KUBECONFIG: config,
      'INPUT_GITHUB-TOKEN': token,
    },
    stdio: 'ignore',
  })
  let exited = false
  child.on('exit', () => (exited = true))
  while (!arrived && !exited) await new Promise((r) => setTimeout(r, 2))
  if (!arrived) throw new Error('the action exited before it made a request')
  child.kill('SIGKILL')
  server.close()
  return arrived - started
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
