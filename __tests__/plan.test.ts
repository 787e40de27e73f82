import { describe, expect, test } from '@jest/globals'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { decideAction, planPreview } from '../src/preview/plan.js'
import { parseSettings } from '../src/inputs/settings.js'
import { pullRequestEvent } from './harness/events.js'

const settings = (inputs: Record<string, string> = {}) =>
  parseSettings((n) => ({ kubeconfig: 'clusters: []', ...inputs })[n] ?? '')
const run = { serverUrl: 'https://github.com', runId: '9', runAttempt: '2' }

describe('plan', () => {
  test.each([
    ['opened', 'deploy'],
    ['synchronize', 'deploy'],
    ['reopened', 'deploy'],
    ['closed', 'destroy'],
    ['labeled', 'skip'],
  ])('%s → %s', (action, expected) => {
    expect(decideAction('auto', action).action).toBe(expected)
  })

  test('the mode input overrides the event', () => {
    expect(decideAction('destroy', 'opened').action).toBe('destroy')
    expect(decideAction('deploy', 'closed').action).toBe('deploy')
  })

  test('a real payload: names, the head SHA as ref, image and log URL', () => {
    const event = parsePullRequestEvent(
      'pull_request',
      pullRequestEvent({ action: 'opened', number: 12, repository: 'Acme/Shop', sha: 'a'.repeat(40) }),
    )
    const plan = planPreview(event, settings({ domain: 'pr.example.com' }), run)
    expect(plan).toMatchObject({
      action: 'deploy',
      environment: 'preview/pr-12',
      ref: 'a'.repeat(40),
      image: `ghcr.io/acme/shop:${'a'.repeat(40)}`,
    })
    expect(plan.url).toBe(`http://${plan.host}`) // https once there is a certificate (tls-secret)
    expect(plan.host.endsWith('.pr.example.com')).toBe(true)
    expect(plan.logUrl).toBe('https://github.com/Acme/Shop/actions/runs/9/attempts/2')
  })

  test('fork PRs are recognised', () => {
    const fork = parsePullRequestEvent(
      'pull_request',
      pullRequestEvent({
        action: 'opened',
        number: 3,
        repository: 'acme/shop',
        headRepository: 'stranger/shop',
      }),
    )
    expect(fork.fork).toBe(true)
  })

  test('other events are refused with what to do', () => {
    expect(() => parsePullRequestEvent('push', {})).toThrow(/on: pull_request/)
  })
})

describe('run order', () => {
  test('by updated_at, then by run id when that ties or is unknown', async () => {
    const { isNewer } = await import('../src/preview/plan.js')
    expect(
      isNewer(
        { updatedAt: '2026-01-02T00:00:00Z', runId: '1' },
        { updatedAt: '2026-01-01T00:00:00Z', runId: '9' },
      ),
    ).toBe(true)
    expect(
      isNewer(
        { updatedAt: '2026-01-01T00:00:00Z', runId: '9' },
        { updatedAt: '2026-01-02T00:00:00Z', runId: '1' },
      ),
    ).toBe(false)
    expect(
      isNewer(
        { updatedAt: '2019-05-15T15:20:33Z', runId: '12' },
        { updatedAt: '2019-05-15T15:20:33Z', runId: '11' },
      ),
    ).toBe(true)
    expect(
      isNewer(
        { updatedAt: '2019-05-15T15:20:33Z', runId: '11' },
        { updatedAt: '2019-05-15T15:20:33Z', runId: '11' },
      ),
    ).toBe(false)
    expect(isNewer({ updatedAt: '', runId: '' }, { updatedAt: '', runId: '3' })).toBe(false)
  })
})
