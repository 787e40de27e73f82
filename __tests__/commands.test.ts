// Commands in PR comments, pure (issue 25): what is a command, who is obeyed, the issue_comment payload, the fork
// approval of a redeploy, and the dashboard's text.
import { describe, expect, test } from '@jest/globals'
import { mayCommand, parseCommand } from '../src/preview/commands.js'
import { parseCommentEvent } from '../src/inputs/comment-event.js'
import { redeployEvent } from '../src/preview/command-approval.js'
import { issueCommentEvent } from './harness/events.js'
import type { PullRequestEvent } from '../src/inputs/event.js'

describe('what is a command', () => {
  test.each([
    ['/preview wake', 'wake'],
    ['  /preview   SLEEP  ', 'sleep'],
    ['/preview redeploy\nplease, the CI image is fixed', 'redeploy'],
    ['\n\n/preview destroy', 'destroy'],
    ['/preview keep\r\n', 'keep'],
    ['/Preview unkeep', 'unkeep'],
  ])('%j is %s', (body, command) => {
    expect(parseCommand(body)).toEqual({ kind: 'command', command })
  })

  test.each([
    ['a quote', '> /preview destroy\n\nwhy would you?'],
    ['a mention mid-sentence', 'should I type /preview wake?'],
    ['a code block', '```\n/preview wake\n```'],
    ['a command on a later line', 'LGTM\n/preview destroy'],
    ['a longer word', '/previews wake'],
    ['an empty comment', ''],
    ['an inline code span', '`/preview wake`'],
  ])('%s is not', (_what, body) => {
    expect(parseCommand(body)).toEqual({ kind: 'none' })
  })

  test('`/preview` with an unknown word is addressed to the action but unknown', () => {
    expect(parseCommand('/preview please')).toEqual({ kind: 'unknown', word: 'please' })
    expect(parseCommand('/preview')).toEqual({ kind: 'unknown', word: '' })
  })
})

describe('who is obeyed', () => {
  test.each([
    ['admin', true],
    ['maintain', true],
    ['write', true],
    ['triage', false],
    ['read', false],
    ['none', false],
    [null, false],
  ])('permission %s: %s', (permission, obeyed) => {
    expect(mayCommand(permission)).toBe(obeyed)
  })
})

describe('the issue_comment payload', () => {
  test('on a PR: number, comment id, body, author', () => {
    const e = parseCommentEvent(
      issueCommentEvent({
        action: 'created',
        number: 12,
        body: '/preview wake',
        login: 'mona',
        commentId: 9,
        repository: 'acme/shop',
      }),
    )
    expect(e).toEqual({
      action: 'created',
      number: 12,
      onPullRequest: true,
      state: 'open',
      repository: { owner: 'acme', name: 'shop', fullName: 'acme/shop' },
      comment: { id: 9, body: '/preview wake', author: 'mona', authorType: 'User' },
    })
  })
  test('on an issue; an edit', () => {
    expect(
      parseCommentEvent(issueCommentEvent({ action: 'created', number: 1, body: 'x', onPullRequest: false }))
        .onPullRequest,
    ).toBe(false)
    expect(parseCommentEvent(issueCommentEvent({ action: 'edited', number: 1, body: 'x' })).action).toBe(
      'edited',
    )
  })
  test('a payload that is not one says so', () => {
    expect(() => parseCommentEvent({ action: 'opened' })).toThrow(/not an issue_comment payload/)
  })
})

describe('a redeploy approves the head commit of a fork PR, as a label does', () => {
  const pr = {
    fork: true,
    action: 'issue_comment',
    head: { sha: 'a'.repeat(40), ref: 'x', repository: 'f/x' },
  }
  test('planned as the labeled event of that commit, with the first only-label', () => {
    expect(redeployEvent(pr as PullRequestEvent, ['preview', 'deploy-me'])).toEqual({
      ...pr,
      action: 'labeled',
      addedLabel: 'preview',
    })
    expect(redeployEvent(pr as PullRequestEvent, [])).toEqual({ ...pr, action: 'labeled' })
  })
})
