// A label approves one commit of a fork's PR, not the PR (only-labels with allow-forks under
// pull_request_target): only the `labeled` event deploys, only its head commit; a later push is skipped and its
// label taken off. Same-repository PRs keep deploying on every push.
import { describe, expect, test } from '@jest/globals'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { parseSettings } from '../src/inputs/settings.js'
import { forkApproval } from '../src/preview/fork-approval.js'
import { planPreview } from '../src/preview/plan.js'
import { pullRequestEvent, type PullRequestAction } from './harness/events.js'

const settings = (inputs: Record<string, string>) => parseSettings((n) => inputs[n] ?? '')
const gated = settings({ 'allow-forks': 'true', 'only-labels': 'safe-to-preview' })
const run = { serverUrl: 'https://github.com', runId: '1', runAttempt: '1' }

function plan(
  action: PullRequestAction,
  o: { fork?: boolean; labels?: string[]; addedLabel?: string; sha?: string } = {},
  s = gated,
) {
  const event = parsePullRequestEvent(
    'pull_request_target',
    pullRequestEvent({
      action,
      number: 12,
      repository: 'acme/shop',
      headRepository: o.fork === false ? 'acme/shop' : 'stranger/shop',
      labels: o.labels ?? ['safe-to-preview'],
      addedLabel: o.addedLabel,
      sha: o.sha ?? 'a'.repeat(40),
    }),
  )
  return planPreview(event, s, run)
}

describe('fork PRs gated by only-labels', () => {
  test('the labeled event deploys the head commit it was set on', () => {
    const p = plan('labeled', { addedLabel: 'safe-to-preview', sha: 'b'.repeat(40) })
    expect(p.action).toBe('deploy')
    expect(p.ref).toBe('b'.repeat(40))
    expect(p.forkApproval).toMatchObject({ gated: true, approved: true, sha: 'b'.repeat(40) })
  })

  test('a later push is skipped, and the label is to be removed, even though the PR still has it', () => {
    const p = plan('synchronize', { sha: 'c'.repeat(40) })
    expect(p.action).toBe('skip')
    expect(p.reason).toMatch(/ccccccc.*not approved.*safe-to-preview.*again/)
    expect(p.forkApproval).toEqual(
      expect.objectContaining({ gated: true, approved: false, removeLabels: ['safe-to-preview'] }),
    )
  })

  test('opened, reopened and ready_for_review do not deploy either; another label added does not approve', () => {
    for (const action of ['opened', 'reopened'] as const) expect(plan(action).action).toBe('skip')
    expect(plan('labeled', { labels: ['safe-to-preview', 'bug'], addedLabel: 'bug' }).action).toBe('skip')
  })

  test('closing still removes the preview', () => {
    expect(plan('closed').action).toBe('destroy')
  })

  test('same-repository PRs keep deploying on every push; forks without only-labels are not gated', () => {
    expect(plan('synchronize', { fork: false }).action).toBe('deploy')
    expect(plan('synchronize', { fork: false }).forkApproval).toEqual({ gated: false })
    expect(plan('synchronize', {}, settings({ 'allow-forks': 'true' })).action).toBe('deploy')
  })

  test('the gate is a pure function of the event (issue 25 approves with a command the same way)', () => {
    expect(
      forkApproval({
        fork: true,
        allowForks: true,
        onlyLabels: ['ok'],
        action: 'labeled',
        addedLabel: 'ok',
        labels: ['ok'],
        headSha: 'd'.repeat(40),
      }),
    ).toMatchObject({ approved: true, sha: 'd'.repeat(40) })
  })
})
