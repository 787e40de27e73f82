// The preview's lock, fair and safe: a run that waited gets its own full timeout, a waiting run whose commit is
// no longer the PR head stops waiting, and a holder that loses its lease writes nothing more.
import { describe, expect, test } from '@jest/globals'
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node'
import { startFaultProxy } from './harness/fault-proxy.js'
import { eventually, sha } from './harness/kube.js'
import { createOf, previewHarness, type PreviewEvent } from './harness/preview.js'
import { webApp, workspaceWith } from './harness/workspace.js'

const { kube, gh, run: runPreview, latestStates } = previewHarness({ action: 'synchronize' })
const asked = (head: string) =>
  eventually(
    'the run to ask GitHub for its deployment',
    async () => gh.requests,
    (rs) => rs.some(createOf(head)),
  )
const openPull = (repo: string, number: number, head: string) =>
  gh.pulls.set(
    repo,
    new Map([
      [number, { number, state: 'open' as const, head: { ref: 'x', sha: head }, base: { ref: 'main' } }],
    ]),
  )

// A Deployment that counts as available only 8 s after its pod is ready: readiness takes a known while.
const slow = workspaceWith({ 'web.yaml': webApp('', '  minReadySeconds: 8\n') })
const run = (event: PreviewEvent, inputs: Record<string, string>, runId: number, killWhen?: RegExp) =>
  runPreview(event, { templates: 'preview', ...inputs }, { workspace: slow, runId, killWhen })

describe('the lock', () => {
  // README: a run that dies leaves a Lease that expires within 30 s, and nothing is orphaned.
  test('a run killed while it applies: the next run takes over once its Lease expires, and leaves nothing behind', async () => {
    const repo = 'acme/lock-killed'
    const [older, newer] = [sha('lock-killed-1'), sha('lock-killed-2')]
    const killed = await run(
      { repository: repo, number: 4, sha: older, updatedAt: '2026-01-01T10:00:00Z' },
      {},
      401,
      /::group::Apply/,
    )
    expect(killed.code).toBeNull() // SIGKILL, as when the runner dies
    const started = Date.now()
    const next = await run(
      { repository: repo, number: 4, sha: newer, updatedAt: '2026-01-01T10:05:00Z' },
      { timeout: '90s' },
      402,
    )
    expect(next.log).not.toContain('::error')
    expect(next.outputs.status).toBe('deployed')
    // At most the Lease's 30 s, plus the 8 s of readiness, plus slack for a loaded machine.
    expect(Date.now() - started).toBeLessThan(55_000)
    const web = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: next.outputs.namespace! })
    expect(web.spec!.template.spec!.containers[0]!.image).toBe(`ghcr.io/acme/lock-killed:${newer}`)
    // The dead run's GitHub deployment does not stay "in progress".
    expect(latestStates(repo)).toEqual(['inactive', 'success'])
  })

  // Issue #22 point 11: a Lease's renewTime is another machine's word. One written 25 s ahead (its runner's clock
  // was off) and never renewed holds for 55 s by renewTime; it is taken over once it has not changed for its 30 s
  // on this run's own clock. With a 45 s timeout, a run that believed renewTime would give up waiting.
  test("a dead holder's lease written by a clock that ran ahead is taken over after its duration unchanged", async () => {
    const repo = 'acme/lock-skewed'
    const head = sha('lock-skewed')
    const first = await run({ repository: repo, number: 6, sha: head, action: 'opened' }, {}, 601)
    expect(first.outputs.status).toBe('deployed')
    const ns = first.outputs.namespace!
    const ahead = new V1MicroTime(Date.now() + 25_000)
    await kube.kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace: ns,
      body: {
        metadata: { name: 'kube-pr-preview-lock' },
        spec: {
          holderIdentity: 'run 600 attempt 1',
          leaseDurationSeconds: 30,
          acquireTime: ahead,
          renewTime: ahead,
        },
      },
    })
    const next = await run(
      { repository: repo, number: 6, sha: head, action: 'synchronize' },
      { timeout: '45s' },
      602,
    )
    expect(next.log).toContain('waiting for another run (run 600 attempt 1) to finish deploying this preview')
    expect(next.log).not.toContain('::error')
    expect(next.outputs.status).toBe('deployed')
  })

  test('a run that waited for the lock gets its own full timeout once it holds it', async () => {
    const repo = 'acme/lock-fair'
    const [older, newer] = [sha('lock-fair-1'), sha('lock-fair-2')]
    gh.faults.push({
      operationId: 'repos/create-deployment',
      match: createOf(older),
      delayMs: 6000,
      times: 1,
    })
    const started = Date.now()
    const a = run({ repository: repo, number: 1, sha: older, updatedAt: '2026-01-01T10:00:00Z' }, {}, 101)
    await asked(older)
    // B waits ~15 s (A's 6 s at GitHub and 8 s of readiness), then needs 8 s more: past its 20 s from the start.
    const b = await run(
      { repository: repo, number: 1, sha: newer, updatedAt: '2026-01-01T10:05:00Z' },
      { timeout: '20s' },
      102,
    )
    const first = await a
    expect(first.outputs.status).toBe('deployed')
    expect(b.log).toContain('waiting for another run (run 101 attempt 1) to finish deploying this preview')
    expect(b.log).not.toContain('::error')
    expect(b.outputs.status).toBe('deployed')
    expect(Date.now() - started).toBeGreaterThan(20_000)
  })

  test('a waiting run whose commit is no longer the PR head stops waiting and exits skipped', async () => {
    const repo = 'acme/lock-stale'
    const [one, two, three] = [sha('lock-stale-1'), sha('lock-stale-2'), sha('lock-stale-3')]
    gh.faults.push({ operationId: 'repos/create-deployment', match: createOf(one), delayMs: 8000, times: 1 })
    const a = run({ repository: repo, number: 2, sha: one, updatedAt: '2026-01-01T10:00:00Z' }, {}, 201)
    await asked(one)
    openPull(repo, 2, two)
    const before = gh.requests.length
    const b = run({ repository: repo, number: 2, sha: two, updatedAt: '2026-01-01T10:05:00Z' }, {}, 202)
    // B passed its first look at the PR (its commit was the head then); then a third push comes.
    await eventually(
      "B's first look at the PR",
      async () => gh.requests.slice(before),
      (rs) => rs.some((r) => r.operationId === 'pulls/get' && r.status === 200),
    )
    openPull(repo, 2, three)
    const waited = await b
    expect(waited.code).toBe(0)
    expect(waited.outputs.status).toBe('skipped')
    expect(waited.log).toMatch(
      new RegExp(
        `stopped waiting for another run's lock: the pull request's head is now ${three.slice(0, 7)}`,
      ),
    )
    expect(gh.deployments.filter((d) => d.repo === repo && d.ref === two)).toEqual([])
    expect((await a).outputs.status).toBe('deployed') // A was past its checks when the third push came
  })

  // README: a Lease lost through renewal failure (not only a takeover) stops all writes.
  test('a holder that cannot renew its Lease for its whole duration stops before it writes more', async () => {
    const repo = 'acme/lock-unrenewed'
    const head = sha('lock-unrenewed')
    const proxy = await startFaultProxy(kube.kubeconfigText)
    try {
      // Every renewal fails; GitHub answers the create after 33 s, past the Lease's 30 s.
      proxy.rules.push({
        match: (m, p) => m === 'PUT' && p.includes('/leases/'),
        fault: { status: 503 },
        times: 10_000,
      })
      gh.faults.push({
        operationId: 'repos/create-deployment',
        match: createOf(head),
        delayMs: 33_000,
        times: 1,
      })
      const r = await run(
        { repository: repo, number: 5, sha: head, action: 'opened' },
        { kubeconfig: proxy.kubeconfig, timeout: '2m' },
        501,
      )
      expect(r.code).not.toBe(0)
      expect(r.log).toMatch(/lost its lock on the preview \(it (could not be|was not) renewed for 30s\)/)
      expect(proxy.seen.some((x) => x.injected === '503' && x.path.includes('/leases/'))).toBe(true)
      // Nothing of the stack was written, and GitHub heard nothing after the create.
      const ns = r.outputs.namespace!
      expect((await kube.apps.listNamespacedDeployment({ namespace: ns })).items).toEqual([])
      const [made] = gh.deployments.filter((d) => d.repo === repo)
      expect(gh.statusesOf(made!.id).map((x) => x.state)).not.toContain('in_progress')
    } finally {
      await proxy.close()
    }
  }, 120_000)

  test('a holder that loses its lease stops before it writes more', async () => {
    const repo = 'acme/lock-lost'
    const head = sha('lock-lost')
    // GitHub answers A's create after 13 s; meanwhile another holder takes the lease over.
    gh.faults.push({
      operationId: 'repos/create-deployment',
      match: createOf(head),
      delayMs: 13_000,
      times: 1,
    })
    const a = run({ repository: repo, number: 3, sha: head }, {}, 301)
    await asked(head)
    const ns = (await kube.core.listNamespace()).items
      .map((n) => n.metadata!.name!)
      .find((n) => n.includes('lock-lost'))!
    await kube.kc.makeApiClient(CoordinationV1Api).patchNamespacedLease({
      name: 'kube-pr-preview-lock',
      namespace: ns,
      body: [{ op: 'replace', path: '/spec/holderIdentity', value: 'run 999 attempt 1' }],
    })
    const lost = await a
    expect(lost.code).not.toBe(0)
    expect(lost.log).toMatch(
      /::error::this run lost its lock on the preview \(run 999 attempt 1 holds it now\)/,
    )
    // Nothing was applied after the loss, and GitHub got no status for the deployment.
    expect((await kube.apps.listNamespacedDeployment({ namespace: ns })).items).toEqual([])
    const made = gh.deployments.filter((d) => d.repo === repo)
    expect(made.flatMap((d) => gh.statusesOf(d.id))).toEqual([])
  })
})
