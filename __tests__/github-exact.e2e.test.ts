// GitHub, exactly: earlier deployments really become inactive (GitHub's auto_inactive leaves transient ones
// alone), a retried create never makes two deployments, secondary rate limits are waited out within the timeout,
// calls fan out only a few at a time, and wait: false never claims "Ready".
import { describe, expect, test } from '@jest/globals'
import { sha } from './harness/kube.js'
import { previewHarness, type PreviewEvent } from './harness/preview.js'
import { webApp, workspaceWith } from './harness/workspace.js'

const { gh, run: runPreview } = previewHarness({ action: 'synchronize' })
const small = workspaceWith({ 'web.yaml': webApp() })
const run = (event: PreviewEvent, inputs: Record<string, string> = {}, runId = 1) =>
  runPreview(event, { templates: 'preview', ...inputs }, { workspace: small, runId })
const deploymentsOf = (repo: string) => gh.deployments.filter((d) => d.repo === repo)
const stateOf = (id: number) => gh.statusesOf(id).at(-1)?.state

/**
 * Earlier deployments of an environment, as a long-lived PR leaves them: successful, some failed. Their ids are
 * below the double's own (which start at 1000), as earlier deployments' ids are on GitHub.
 */
function seedHistory(repo: string, environment: string, count: number): number[] {
  const ids: number[] = []
  for (let i = 0; i < count; i++) {
    const id = 100 + i
    const at = new Date(Date.now() - (count - i) * 60_000).toISOString()
    gh.deployments.push({
      id,
      repo,
      ref: sha(`${repo}-${i}`),
      sha: sha(`${repo}-${i}`),
      task: 'deploy',
      environment,
      original_environment: environment,
      description: '',
      payload: {},
      transient_environment: true,
      production_environment: false,
      created_at: at,
      updated_at: at,
    })
    gh.statuses.push({
      id: 400 + i,
      deployment_id: id,
      state: i % 10 === 3 ? 'failure' : 'success',
      description: '',
      environment,
      environment_url: '',
      log_url: '',
      target_url: '',
      created_at: at,
    })
    ids.push(id)
  }
  return ids
}

describe('earlier deployments', () => {
  test('after a success every earlier deployment is inactive, through every page of the history', async () => {
    const repo = 'acme/history'
    const seeded = seedHistory(repo, 'preview/pr-1', 130)
    // Status reads and writes answer slowly, so calls that may overlap do: the limit is then what bounds them.
    const ofRepo = (r: { path: string }) => r.path.startsWith(`/repos/${repo}/`)
    gh.faults.push(
      { operationId: 'repos/list-deployment-statuses', match: ofRepo, delayMs: 50, times: 1000 },
      { operationId: 'repos/create-deployment-status', match: ofRepo, delayMs: 50, times: 1000 },
    )
    gh.concurrency.max = 0
    const r = await run({ repository: repo, number: 1, action: 'opened' })
    expect(r.outputs.status).toBe('deployed')
    const id = Number(r.outputs['deployment-id'])
    expect(stateOf(id)).toBe('success')
    expect(seeded.filter((d) => stateOf(d) !== 'inactive')).toEqual([])
    // A later push: the first run's deployment goes inactive too (GitHub's auto_inactive would not do it).
    const next = await run({ repository: repo, number: 1, sha: sha('history-2') }, {}, 2)
    expect(next.outputs.status).toBe('deployed')
    expect(stateOf(id)).toBe('inactive')
    expect(
      deploymentsOf(repo)
        .filter((d) => stateOf(d.id) !== 'inactive')
        .map((d) => d.id),
    ).toEqual([Number(next.outputs['deployment-id'])])
    // 130 status reads and writes, fanned out a few at a time: more than one, at most four.
    expect(gh.concurrency.max).toBeGreaterThanOrEqual(2)
    expect(gh.concurrency.max).toBeLessThanOrEqual(4)
    expect(gh.rejected()).toEqual([])
  })
})

describe('a create-deployment that GitHub performed but answered 502', () => {
  test('is found by its request id and reused: one deployment, not two', async () => {
    const repo = 'acme/no-dupes'
    gh.faults.push({ operationId: 'repos/create-deployment', status: 502, performed: true, times: 1 })
    const r = await run({ repository: repo, number: 2, action: 'opened' })
    expect(r.log).not.toContain('::error')
    expect(r.outputs.status).toBe('deployed')
    const made = deploymentsOf(repo)
    expect(made).toHaveLength(1)
    expect(made[0]!.id).toBe(Number(r.outputs['deployment-id']))
    expect(gh.statusesOf(made[0]!.id).map((s) => s.state)).toEqual(['in_progress', 'success'])
    const creates = gh.requests.filter((q) => q.path === `/repos/${repo}/deployments` && q.method === 'POST')
    expect(creates).toHaveLength(1)
  })

  test('a dropped create that GitHub did not perform is retried once it is known not to exist', async () => {
    const repo = 'acme/no-dupes-2'
    gh.faults.push({ operationId: 'repos/create-deployment', status: 502, times: 1 })
    const r = await run({ repository: repo, number: 3, action: 'opened' })
    expect(r.outputs.status).toBe('deployed')
    expect(deploymentsOf(repo)).toHaveLength(1)
    expect(
      gh.requests.filter((q) => q.path === `/repos/${repo}/deployments` && q.method === 'POST'),
    ).toHaveLength(2)
  })
})

describe('secondary rate limits', () => {
  const secondary = {
    operationId: 'repos/create-deployment',
    status: 403,
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
    times: 1,
  }
  // The one-minute floor without retry-after is pinned by hardening.test.ts (retryDelay); here the wiring: the run
  // waits what GitHub asks for (a short retry-after, so the suite does not spend a minute), then goes on.
  test('are waited out for what GitHub asks (retry-after), then the deploy goes on', async () => {
    const repo = 'acme/secondary'
    gh.faults.push({ ...secondary, headers: { 'retry-after': '3' } })
    const r = await run({ repository: repo, number: 4, action: 'opened' }, { timeout: '3m' })
    expect(r.log).not.toContain('::error')
    expect(r.outputs.status).toBe('deployed')
    const creates = gh.requests.filter((q) => q.path === `/repos/${repo}/deployments` && q.method === 'POST')
    expect(creates).toHaveLength(2)
    expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(3_000)
    expect(deploymentsOf(repo)).toHaveLength(1)
  })

  test('a wait that would pass the timeout is not made: the run fails at once, saying why', async () => {
    const repo = 'acme/secondary-short'
    gh.faults.push({ ...secondary })
    const r = await run({ repository: repo, number: 5, action: 'opened' }, { timeout: '45s' })
    const ended = Date.now()
    expect(r.code).not.toBe(0)
    // At once: well before the 60 s wait it declined, and before the run's own 45 s timeout could be what ended it.
    const limited = gh.requests.find((q) => q.path === `/repos/${repo}/deployments` && q.method === 'POST')!
    expect(ended - limited.at).toBeLessThan(20_000)
    expect(r.log).toMatch(/::error::GitHub's secondary rate limit: .*would pass the run's timeout/)
  })
})

describe('wait: false', () => {
  test('the comment and the summary say "applied, readiness not checked", never "Ready"', async () => {
    const repo = 'acme/no-wait'
    const r = await run({ repository: repo, number: 6, action: 'opened' }, { wait: 'false' })
    expect(r.outputs.status).toBe('deployed')
    const comment = gh.comments.find((c) => c.repo === repo)!.body
    // "Ready" stays a column header; no line claims it.
    expect(comment).toContain('applied, readiness not checked')
    expect(comment).not.toContain('**Ready**')
    expect(comment).not.toContain('✅')
    expect(comment).toMatch(/\| web \| ⏳ readiness not checked \|/)
    expect(r.summary).toContain('applied, readiness not checked')
    expect(r.summary).not.toContain('✅')
    expect(r.log).toContain('Preview applied, readiness not checked')
    expect(gh.statusesOf(Number(r.outputs['deployment-id'])).at(-1)?.description).toBe(
      'Applied, readiness not checked (wait: false)',
    )
  })
})

describe('inputs that name things, and a PR comment GitHub refuses', () => {
  test('namespace-prefix, environment and url-scheme: the namespace, the GitHub environment and the URLs follow them', async () => {
    const repo = 'acme/named'
    const r = await run(
      { repository: repo, number: 7, action: 'opened' },
      { 'namespace-prefix': 'pv', environment: 'qa/pr-7', 'url-scheme': 'https' },
    )
    expect(r.outputs.status).toBe('deployed')
    expect(r.outputs.namespace).toMatch(/^pv-named-[0-9a-f]{6}-pr-7$/)
    expect(r.outputs.environment).toBe('qa/pr-7')
    expect(r.outputs.url).toMatch(/^https:\/\/named-[0-9a-f]{6}-pr-7\.preview\.example\.test$/)
    const made = deploymentsOf(repo)
    expect(made.map((d) => d.environment)).toEqual(['qa/pr-7'])
    expect(gh.statusesOf(made[0]!.id).at(-1)).toMatchObject({
      state: 'success',
      environment_url: r.outputs.url,
    })
  })

  test('a PR comment GitHub refuses is a warning: the preview is deployed and reported', async () => {
    const repo = 'acme/comment-refused'
    const ofRepo = (q: { path: string }) => q.path.startsWith(`/repos/${repo}/`)
    gh.faults.push(
      {
        operationId: 'issues/create-comment',
        match: ofRepo,
        status: 403,
        message: 'Resource not accessible by integration',
        times: 10,
      },
      {
        operationId: 'issues/update-comment',
        match: ofRepo,
        status: 403,
        message: 'Resource not accessible by integration',
        times: 10,
      },
    )
    const r = await run({ repository: repo, number: 8, action: 'opened' })
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('deployed')
    expect(r.log).toMatch(/::warning::.*comment/i)
    expect(r.log).not.toContain('::error')
    expect(gh.statusesOf(Number(r.outputs['deployment-id'])).at(-1)?.state).toBe('success')
    expect(gh.requests.some((q) => ofRepo(q) && q.error?.startsWith('injected'))).toBe(true)
  })
})
