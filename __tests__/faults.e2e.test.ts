// Races and faults: concurrent runs of one PR, a close during a deploy, a failing kube-apiserver (errors and
// dropped connections; a restart mid-run is apiserver-restart.e2e.test.ts) and a failing GitHub API. Assertions
// are on the final state.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js'
import { eventually, sha } from './harness/kube.js'
import { createOf, previewHarness, type PreviewEvent } from './harness/preview.js'
import { webApp, workspaceWith } from './harness/workspace.js'

const { kube, gh, run: runPreview, latestStates } = previewHarness({ action: 'synchronize', timeout: '2m' })
const run = (event: PreviewEvent, inputs: Record<string, string> = {}, runId = 1) =>
  runPreview(event, inputs, { runId })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const webImage = async (ns: string) =>
  (await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec!.template.spec!
    .containers[0]!.image

/** A gate for a fault's `hold`: the held request is answered once the test opens it. */
function gate() {
  let open!: () => void
  const held = new Promise<void>((r) => (open = r))
  return { held, open }
}

/** Waits until a run's request to this path has reached the GitHub double (where a fault holds it). */
const heldAt = (running: Promise<{ log: string }>, path: string) =>
  Promise.race([
    eventually(
      `the run's request to ${path}`,
      async () => gh.requests,
      (rs) => rs.some((q) => q.path === path),
    ),
    running.then((r) => {
      throw new Error(`the run ended before it asked for ${path}:\n${r.log}`)
    }),
  ])

describe('two runs of one PR at once: the newer head commit wins', () => {
  test('the older run reaches the cluster last: it sees the newer commit deployed and leaves it', async () => {
    const repo = 'acme/race-late'
    const [older, newer] = [sha('race-late-1'), sha('race-late-2')]
    // The older run is held at GitHub until the newer one has finished: it reaches the cluster last.
    const gh11 = gate()
    gh.faults.push({
      operationId: 'pulls/get',
      match: (r) => r.path.endsWith('/pulls/11'),
      hold: gh11.held,
      times: 1,
    })
    const a = run({ repository: repo, number: 11, sha: older, updatedAt: '2026-01-01T10:00:00Z' }, {}, 101)
    await heldAt(a, `/repos/${repo}/pulls/11`)
    const b = await run(
      { repository: repo, number: 11, sha: newer, updatedAt: '2026-01-01T10:05:00Z' },
      {},
      102,
    )
    gh11.open()
    const late = await a
    expect(b.outputs.status).toBe('deployed')
    expect(late.code).toBe(0)
    expect(late.outputs.status === 'skipped' ? 'skipped' : late.log).toBe('skipped')
    expect(late.log).toMatch(/a newer commit \(.{7}\) is already deployed/)
    expect(await webImage(b.outputs.namespace!)).toBe(`ghcr.io/acme/race-late:${newer}`)
  })

  test("with the same updated_at (as in GitHub's example payloads), the later workflow run wins", async () => {
    const repo = 'acme/race-tie'
    const [older, newer] = [sha('race-tie-1'), sha('race-tie-2')]
    const same = '2019-05-15T15:20:33Z'
    // The older run is held at GitHub until the newer one has finished: it reaches the cluster last.
    const gh19 = gate()
    gh.faults.push({
      operationId: 'pulls/get',
      match: (r) => r.path.endsWith('/pulls/19'),
      hold: gh19.held,
      times: 1,
    })
    const a = run({ repository: repo, number: 19, sha: older, updatedAt: same }, {}, 301)
    await heldAt(a, `/repos/${repo}/pulls/19`)
    const b = await run({ repository: repo, number: 19, sha: newer, updatedAt: same }, {}, 302)
    gh19.open()
    const late = await a
    expect(b.outputs.status).toBe('deployed')
    expect(late.outputs.status === 'skipped' ? 'skipped' : late.log).toBe('skipped')
    expect(await webImage(b.outputs.namespace!)).toBe(`ghcr.io/acme/race-tie:${newer}`)
  })

  test('the older run holds the preview first: the newer one waits for it, then deploys over it', async () => {
    const repo = 'acme/race-lock'
    const [older, newer] = [sha('race-lock-1'), sha('race-lock-2')]
    // The older run holds the lock, held at GitHub until the newer one says it waits for it.
    const created = gate()
    gh.faults.push({
      operationId: 'repos/create-deployment',
      match: createOf(older),
      hold: created.held,
      times: 1,
    })
    const a = run({ repository: repo, number: 12, sha: older, updatedAt: '2026-01-01T10:00:00Z' }, {}, 201)
    await eventually(
      'the older run to ask for its deployment',
      async () => gh.requests,
      (rs) => rs.some(createOf(older)),
    )
    const b = await runPreview(
      { repository: repo, number: 12, sha: newer, updatedAt: '2026-01-01T10:05:00Z' },
      {},
      { runId: 202, onLog: (log) => log.includes('waiting for another run') && created.open() },
    )
    created.open()
    const first = await a
    expect(first.outputs.status).toBe('deployed')
    expect(b.outputs.status).toBe('deployed')
    expect(b.log).toContain('waiting for another run (run 201 attempt 1) to finish deploying this preview')
    expect(await webImage(b.outputs.namespace!)).toBe(`ghcr.io/acme/race-lock:${newer}`)
  })
})

test('a close during a deploy: the preview stays removed and every deployment ends inactive', async () => {
  const repo = 'acme/close-race'
  const head = sha('close-race')
  // The deploy is held at GitHub (after it claimed the preview, before it applies) until the close is done.
  const created = gate()
  gh.faults.push({
    operationId: 'repos/create-deployment',
    match: createOf(head),
    hold: created.held,
    times: 1,
  })
  const deploying = run({ repository: repo, number: 13, sha: head, action: 'opened' })
  await eventually(
    'the deploy to be under way',
    async () => gh.requests,
    (rs) => rs.some(createOf(head)),
  )
  gh.pulls.set(
    repo,
    new Map([[13, { number: 13, state: 'closed', head: { ref: 'x', sha: head }, base: { ref: 'main' } }]]),
  )
  const closed = await run({ repository: repo, number: 13, sha: head, action: 'closed' })
  created.open()
  expect(closed.outputs.status).toBe('destroyed')
  const late = await deploying
  expect(late.code).toBe(0)
  expect(late.outputs.status === 'skipped' ? 'skipped' : late.log).toBe('skipped')
  await eventually(
    'the namespace to stay gone',
    () => kube.core.listNamespace({ fieldSelector: `metadata.name=${closed.outputs.namespace}` }),
    (l) => l.items.length === 0,
  )
  await sleep(1000)
  expect(
    (await kube.core.listNamespace({ fieldSelector: `metadata.name=${closed.outputs.namespace}` })).items,
  ).toEqual([])
  expect(latestStates(repo)).toEqual(['inactive'])
  // A deploy that starts after the close does not bring it back either.
  const after = await run({ repository: repo, number: 13, sha: head, action: 'synchronize' })
  expect(after.outputs.status).toBe('skipped')
  expect(after.log).toContain('the pull request is closed')
})

describe('a failing kube-apiserver', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(kube.kubeconfigText)
  })
  afterAll(() => proxy.close())

  test('429 with Retry-After, 503 and dropped connections are retried, and the deploy succeeds', async () => {
    proxy.rules.push(
      { match: (m) => m === 'PATCH', fault: { status: 429, headers: { 'retry-after': '1' } }, times: 2 },
      { match: (m, p) => m === 'GET' && p.includes('/namespaces/'), fault: { status: 503 }, times: 2 },
      { match: (m) => m === 'PATCH', fault: 'reset', times: 2 },
    )
    const r = await run(
      { repository: 'acme/flaky-api', number: 14, action: 'opened' },
      { kubeconfig: proxy.kubeconfig },
    )
    expect(r.log).not.toContain('::error')
    expect(r.outputs.status).toBe('deployed')
    expect(
      proxy.seen
        .filter((s) => s.injected)
        .map((s) => s.injected)
        .sort(),
    ).toEqual(['429', '429', '503', '503', 'reset', 'reset'])
    expect(proxy.rules.every((rule) => rule.times === 0)).toBe(true)
  })

  test('a permanent error (403) is not retried', async () => {
    const before = proxy.seen.length
    proxy.rules.push({
      match: (m, p) => m === 'GET' && /\/api\/v1\/namespaces\/[^/]+$/.test(p),
      fault: { status: 403 },
      times: 1,
    })
    const r = await run(
      { repository: 'acme/forbidden-once', number: 15, action: 'opened' },
      { kubeconfig: proxy.kubeconfig },
    )
    expect(r.code).not.toBe(0)
    // Not an RBAC refusal (the proxy's own words): no RBAC hint.
    expect(r.log).toMatch(/::error::reading Namespace .*injected/)
    expect(r.log).not.toMatch(/lacks RBAC permission/)
    expect(proxy.seen.slice(before).filter((s) => /\/api\/v1\/namespaces\/[^/]+$/.test(s.path))).toHaveLength(
      1,
    )
  })
})

describe('an error after the GitHub deployment was made', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(kube.kubeconfigText)
  })
  afterAll(() => proxy.close())

  // README: an error (not a workload's failure) ends the deployment in the `error` state, saying what it was.
  test('is reported as the deployment status error, with the error', async () => {
    const repo = 'acme/apply-forbidden'
    // The first real write of an object of the stack (not the dry run that validates everything, nor the claim of
    // the namespace: both come before the deployment is made).
    proxy.rules.push({
      match: (m, p, url) =>
        m === 'PATCH' &&
        !url.includes('dryRun=All') &&
        /\/namespaces\/[^/]+\/(configmaps|secrets|services|deployments|statefulsets)\//.test(p),
      fault: { status: 403 },
      times: 1,
    })
    const r = await run({ repository: repo, number: 20, action: 'opened' }, { kubeconfig: proxy.kubeconfig })
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/::error::/)
    const [made] = gh.deployments.filter((d) => d.repo === repo)
    expect(gh.statusesOf(made!.id).at(-1)).toMatchObject({
      state: 'error',
      // The injected 403 says nothing of RBAC, so no RBAC hint is added (#22: the hint only when it is RBAC).
      description: expect.stringMatching(/^Deploy error: applying \S+ \S+: injected$/),
    })
  })
})

describe('a failing GitHub API', () => {
  test('403 rate limits and 502s are retried; the deploy is reported', async () => {
    const repo = 'acme/github-flaky'
    gh.faults.push(
      {
        operationId: 'repos/create-deployment',
        status: 403,
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
        },
        message: 'API rate limit exceeded',
        times: 1,
      },
      { operationId: 'repos/create-deployment-status', status: 502, times: 2 },
    )
    const r = await run({ repository: repo, number: 17, action: 'opened' })
    expect(r.log).not.toContain('::error')
    expect(r.outputs.status).toBe('deployed')
    expect(
      gh.requests.filter((q) => q.path.startsWith(`/repos/${repo}/`) && q.error?.startsWith('injected'))
        .length,
    ).toBe(3)
    expect(gh.statusesOf(Number(r.outputs['deployment-id'])).map((s) => s.state)).toEqual([
      'in_progress',
      'success',
    ])
  })

  test('when GitHub keeps failing the run says so clearly, and the next run repairs the statuses', async () => {
    const repo = 'acme/github-down'
    const failing = {
      operationId: 'repos/create-deployment-status',
      match: (q: { body: unknown }) => (q.body as { state?: string }).state !== 'in_progress',
      status: 502,
      times: 100,
    }
    gh.faults.push(failing)
    const r = await run({ repository: repo, number: 18, action: 'opened' })
    failing.times = 0
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(
      /::error::The preview is deployed and healthy at https?:\/\/\S+, but GitHub did not accept the deployment status .*re-run the job to report it/,
    )
    const stuck = gh.deployments.filter((d) => d.repo === repo).map((d) => d.id)
    expect(stuck.map((id) => gh.statusesOf(id).at(-1)?.state)).toEqual(['in_progress'])
    const again = await run({ repository: repo, number: 18 }, {}, 2)
    expect(again.outputs.status).toBe('deployed')
    expect(gh.statusesOf(stuck[0]!).at(-1)?.state).toBe('inactive')
    expect(gh.statusesOf(Number(again.outputs['deployment-id'])).at(-1)?.state).toBe('success')
  }, 120_000)
})

test('a close while the deploy waits: inactive is the last status of every deployment, and nothing after it', async () => {
  const repo = 'acme/close-while-waiting'
  const head = sha(repo)
  // A pod no node can take: the deploy sits in its Wait phase until the close.
  const web = webApp('      nodeSelector: {disktype: none-has-this}\n').split('\n---\n')[0]!
  const deploying = runPreview(
    { repository: repo, number: 15, sha: head, action: 'opened' },
    { templates: 'preview', image: 'nginx:1' },
    { workspace: workspaceWith({ 'web.yaml': web }) },
  )
  const namespace = await eventually(
    'the deploy to be waiting',
    async () => {
      const d = gh.deployments.find((x) => x.repo === repo)
      const ns = (d?.payload as { namespace?: string } | undefined)?.namespace
      if (!ns) return ''
      const deps = await kube.apps.listNamespacedDeployment({ namespace: ns })
      return deps.items.length ? ns : ''
    },
    (ns) => ns !== '',
  )
  gh.pulls.set(
    repo,
    new Map([[15, { number: 15, state: 'closed', head: { ref: 'x', sha: head }, base: { ref: 'main' } }]]),
  )
  const closed = await run({ repository: repo, number: 15, sha: head, action: 'closed' })
  expect(closed.outputs.status).toBe('destroyed')
  expect(closed.outputs.namespace).toBe(namespace)
  const late = await deploying
  expect(late.outputs.status).toBe('skipped')
  await sleep(1000)
  for (const d of gh.deployments.filter((x) => x.repo === repo)) {
    const states = gh.statusesOf(d.id).map((s) => s.state)
    expect(states.at(-1)).toBe('inactive')
    expect(states.slice(states.indexOf('inactive'))).toEqual(
      states.slice(states.indexOf('inactive')).map(() => 'inactive'),
    )
  }
}, 180_000)
