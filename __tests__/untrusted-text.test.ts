// What the PR's code writes (pod logs, termination messages, events) on its way to the log, the summary, the PR
// comment and the deployment status: secrets redacted in every form, no workflow commands, no Markdown tricks.
import { describe, expect, test } from '@jest/globals'
import { inFence, markdownSafe, redact, stopCommandsBlock } from '../src/shared/untrusted-text.js'
import { deployedComment } from '../src/github/comment.js'
import { summaryMarkdown } from '../src/github/report.js'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { parseSettings } from '../src/inputs/settings.js'
import { planPreview } from '../src/preview/plan.js'
import { pullRequestEvent } from './harness/events.js'

const password = 'Zq8Wl/xR2+mN4 vB7&kP1sT6'

describe('untrusted text (point 10)', () => {
  test('every known secret is redacted as is, base64 (standard, URL-safe, unpadded) and URL-encoded', () => {
    const forms = [
      password,
      Buffer.from(password).toString('base64'),
      Buffer.from(password).toString('base64').replace(/=+$/, ''),
      Buffer.from(password).toString('base64url'),
      encodeURIComponent(password),
      encodeURIComponent(password).replace(/%20/g, '+'),
    ]
    for (const f of forms) {
      const line = `DATABASE_URL=mysql://app:${f}@mariadb:3306/app`
      expect(redact(line, [password])).toBe('DATABASE_URL=mysql://app:***@mariadb:3306/app')
    }
  })

  test('in the log, the lines sit between stop-commands markers whose token the text cannot guess', () => {
    const lines = ['::error title=pwned::x', '  ::add-mask::y', '##[set-output name=a;]b']
    const a = stopCommandsBlock(lines)
    const b = stopCommandsBlock(lines)
    expect(a[0]).toMatch(/^::stop-commands::[0-9a-f]{32}$/)
    expect(a.at(-1)).toBe(`::${a[0]!.slice('::stop-commands::'.length)}::`)
    expect(a.slice(1, -1)).toEqual(lines)
    expect(a[0]).not.toBe(b[0])
  })

  test('in Markdown: no fence is closed, nobody is mentioned, no image or link, and the reason is capped', () => {
    expect(inFence('```\n# owned')).not.toContain('```')
    const safe = markdownSafe(
      `crashed: @acme/admins ![x](https://evil.example/p.png) [click](https://evil) <img src=x> ${'a'.repeat(500)}`,
    )
    // What Markdown still reads as markup once the escaped characters are taken out:
    const markup = safe.replace(/\\./g, '')
    expect(markup).not.toMatch(/@[a-z]/)
    expect(markup).not.toMatch(/!\[|\]\(|<img|\[click/)
    expect(safe.length).toBeLessThanOrEqual(400)
  })

  test('the PR comment and the summary show a failing reason through these', () => {
    const settings = parseSettings((n) => ({ kubeconfig: 'clusters: []' })[n] ?? '')
    const event = parsePullRequestEvent(
      'pull_request',
      pullRequestEvent({ action: 'opened', number: 3, repository: 'acme/shop' }),
    )
    const plan = planPreview(event, settings, {
      serverUrl: 'https://github.com',
      runId: '1',
      runAttempt: '1',
    })
    const body = deployedComment(
      plan,
      {
        status: 'failed',
        url: '',
        urls: {},
        workloads: [],
        reason: 'web: ``` @acme/admins ![p](https://evil/p.png)',
      },
      new Date(0),
    )
    expect(body).not.toMatch(/@acme|!\[p\]\(|```/)
    const summary = summaryMarkdown({
      title: 't',
      status: 's',
      rows: [],
      facts: [],
      problems: ['```', 'x'],
      notes: [],
    })
    expect(summary.split('\n').filter((l) => l === '```')).toHaveLength(2) // the fence's own, not the log's
  })
})
