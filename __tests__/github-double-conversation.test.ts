// The GitHub double's issues, labels, reactions, repository roles, search and identity (issue 25: commands in PR
// comments, the dashboard issue, the keep label), checked against the OpenAPI description like the rest; and the
// issue_comment payloads of the harness.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startGitHubDouble, type GitHubDouble } from './github-double/server.js'
import { issueCommentEvent } from './harness/events.js'

let gh: GitHubDouble
let human: GitHubDouble
beforeAll(async () => {
  gh = await startGitHubDouble()
  human = await startGitHubDouble({ identity: { login: 'octo-admin', type: 'User' } })
})
afterAll(async () => {
  await gh.close()
  await human.close()
})

const call = async (method: string, path: string, body?: unknown, double = gh) => {
  const res = await fetch(double.url + path, {
    method,
    headers: { authorization: `token ${double.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return {
    status: res.status,
    link: res.headers.get('link'),
    json: (await res.json().catch(() => null)) as any, // eslint-disable-line @typescript-eslint/no-explicit-any
  }
}

const openPr = (repo: string, number: number, labels: string[] = []) => {
  let pulls = gh.pulls.get(repo)
  if (!pulls) gh.pulls.set(repo, (pulls = new Map()))
  pulls.set(number, {
    number,
    state: 'open',
    head: { ref: 'feature', sha: 'c'.repeat(40) },
    base: { ref: 'main' },
    labels,
    title: `Feature ${number}`,
    author: 'mona',
  })
}

describe('issues (the dashboard)', () => {
  test('created by the token, numbered after the PRs, updated in place, listed by creator and state', async () => {
    openPr('octo/dash', 7)
    const made = await call('POST', '/repos/octo/dash/issues', {
      title: 'Preview environments',
      body: '<!-- marker -->\nrows',
    })
    expect(made.status).toBe(201)
    expect(made.json.number).toBe(8)
    expect(made.json.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    const updated = await call('PATCH', `/repos/octo/dash/issues/${made.json.number}`, { body: 'new rows' })
    expect(updated.status).toBe(200)
    expect(gh.issuesOf('octo/dash')).toHaveLength(1)
    expect(gh.issuesOf('octo/dash')[0]!.body).toBe('new rows')

    const mine = await call(
      'GET',
      '/repos/octo/dash/issues?creator=github-actions%5Bbot%5D&state=open&per_page=100',
    )
    expect(mine.json.map((i: { number: number }) => i.number)).toEqual([8])
    // GitHub lists PRs as issues too, with a pull_request key.
    const all = await call('GET', '/repos/octo/dash/issues?state=all')
    expect(
      all.json.map((i: { number: number; pull_request?: unknown }) => [i.number, !!i.pull_request]),
    ).toEqual([
      [8, false],
      [7, true],
    ])
    await call('PATCH', '/repos/octo/dash/issues/8', { state: 'closed' })
    expect((await call('GET', '/repos/octo/dash/issues?state=open')).json).toHaveLength(1)
    expect((await call('GET', '/repos/octo/dash/issues/8')).json.state).toBe('closed')
    expect((await call('GET', '/repos/octo/dash/issues/99')).status).toBe(404)
  })

  test('search finds by repository, author (app/<slug>) and words, but not what the index has not seen yet', async () => {
    await call('POST', '/repos/octo/search/issues', {
      title: 'Preview environments',
      body: 'kube-pr-preview:dashboard',
    })
    const q = (s: string) => call('GET', `/search/issues?q=${encodeURIComponent(s)}`)
    expect(
      (await q('repo:octo/search is:issue in:body "kube-pr-preview:dashboard" author:app/github-actions'))
        .json.total_count,
    ).toBe(1)
    expect((await q('repo:octo/search author:mona kube-pr-preview:dashboard')).json.total_count).toBe(0)
    expect((await q('repo:octo/other "kube-pr-preview:dashboard"')).json.total_count).toBe(0)
    gh.conversation.searchLagMs = 60_000
    expect((await q('repo:octo/search "kube-pr-preview:dashboard"')).json.total_count).toBe(0)
    gh.conversation.searchLagMs = 0
  })

  test('refuses an issue without a title, and unknown fields (422)', async () => {
    expect((await call('POST', '/repos/octo/dash/issues', { body: 'x' })).status).toBe(422)
    expect((await call('PATCH', '/repos/octo/dash/issues/8', { bodyy: 'x' })).status).toBe(422)
    expect((await call('PATCH', '/repos/octo/dash/issues/8', { state: 'gone' })).status).toBe(422)
  })
})

describe('labels on a PR (the keep label)', () => {
  test('added, listed, removed; removing one the PR does not carry is 404', async () => {
    openPr('octo/labels', 3, ['bug'])
    expect(
      (await call('POST', '/repos/octo/labels/issues/3/labels', { labels: ['preview-keep'] })).status,
    ).toBe(200)
    expect(gh.pulls.get('octo/labels')!.get(3)!.labels).toEqual(['bug', 'preview-keep'])
    const listed = await call('GET', '/repos/octo/labels/issues/3/labels')
    expect(listed.json.map((l: { name: string }) => l.name)).toEqual(['bug', 'preview-keep'])
    // The PR as the pulls API reads it carries the label too.
    expect(
      (await call('GET', '/repos/octo/labels/pulls/3')).json.labels.map((l: { name: string }) => l.name),
    ).toContain('preview-keep')
    expect((await call('DELETE', '/repos/octo/labels/issues/3/labels/preview-keep')).status).toBe(200)
    expect((await call('DELETE', '/repos/octo/labels/issues/3/labels/preview-keep')).status).toBe(404)
    expect((await call('POST', '/repos/octo/labels/issues/3/labels', { labels: [] })).status).toBe(422)
  })
})

describe('comments by people, and reactions', () => {
  test('a comment someone wrote is read back with its author; reactions are kept once per kind', async () => {
    openPr('octo/cmd', 5)
    const c = gh.addComment('octo/cmd', 5, '/preview wake', { login: 'mona', type: 'User' })
    const read = await call('GET', `/repos/octo/cmd/issues/comments/${c.id}`)
    expect(read.json).toMatchObject({ body: '/preview wake', user: { login: 'mona', type: 'User' } })
    const eyes = await call('POST', `/repos/octo/cmd/issues/comments/${c.id}/reactions`, { content: 'eyes' })
    expect(eyes.status).toBe(201)
    // The same reaction again: 200, "you already added the reaction type".
    expect(
      (await call('POST', `/repos/octo/cmd/issues/comments/${c.id}/reactions`, { content: 'eyes' })).status,
    ).toBe(200)
    await call('POST', `/repos/octo/cmd/issues/comments/${c.id}/reactions`, { content: 'rocket' })
    expect(gh.reactionsOn(c.id)).toEqual(['eyes', 'rocket'])
    const listed = await call('GET', `/repos/octo/cmd/issues/comments/${c.id}/reactions?content=eyes`)
    expect(listed.json).toHaveLength(1)
    expect(listed.json[0].user.login).toBe('github-actions[bot]')
    expect(
      (await call('DELETE', `/repos/octo/cmd/issues/comments/${c.id}/reactions/${eyes.json.id}`)).status,
    ).toBe(204)
    expect(gh.reactionsOn(c.id)).toEqual(['rocket'])
    // A reaction GitHub does not have, and a comment that does not exist.
    expect(
      (await call('POST', `/repos/octo/cmd/issues/comments/${c.id}/reactions`, { content: 'party' })).status,
    ).toBe(422)
    expect(
      (await call('POST', '/repos/octo/cmd/issues/comments/1/reactions', { content: 'eyes' })).status,
    ).toBe(404)
  })

  test("the action's own comments carry its identity, so a marker by someone else can be told apart", async () => {
    const mine = await call('POST', '/repos/octo/cmd/issues/5/comments', {
      body: '<!-- kube-pr-preview:x -->',
    })
    expect(mine.json.user.login).toBe('github-actions[bot]')
    gh.addComment('octo/cmd', 5, '<!-- kube-pr-preview:x --> forged', { login: 'mallory', type: 'User' })
    const all = await call('GET', '/repos/octo/cmd/issues/5/comments')
    expect(all.json.map((c: { user: { login: string } }) => c.user.login)).toEqual([
      'mona',
      'github-actions[bot]',
      'mallory',
    ])
  })
})

describe('repository roles (the collaborator permission API)', () => {
  test.each([
    ['admin', 'admin', 'admin', true],
    ['maintain', 'write', 'maintain', true],
    ['write', 'write', 'write', true],
    ['triage', 'read', 'triage', false],
    ['read', 'read', 'read', false],
    ['none', 'none', 'none', false],
  ] as const)('%s: permission %s, role_name %s', async (role, permission, roleName, push) => {
    gh.setRole(`User-${role}`, role)
    const res = await call('GET', `/repos/octo/cmd/collaborators/user-${role}/permission`)
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ permission, role_name: roleName, user: { permissions: { push } } })
  })

  test('a login with no role reads (a public repository); an unknown login is 404', async () => {
    expect((await call('GET', '/repos/octo/cmd/collaborators/stranger/permission')).json.permission).toBe(
      'read',
    )
    gh.conversation.unknownUsers.add('ghost')
    expect((await call('GET', '/repos/octo/cmd/collaborators/ghost/permission')).status).toBe(404)
  })
})

describe('a PR as the pulls API has it', () => {
  test('title, author, head and base repositories (a fork), updated_at: what a webhook payload carries', async () => {
    openPr('octo/pulls', 11)
    gh.pulls.get('octo/pulls')!.get(11)!.headRepository = 'forker/pulls'
    const pr = (await call('GET', '/repos/octo/pulls/pulls/11')).json
    expect(pr).toMatchObject({
      title: 'Feature 11',
      user: { login: 'mona' },
      head: { sha: 'c'.repeat(40), repo: { full_name: 'forker/pulls', fork: true } },
      base: { ref: 'main', repo: { full_name: 'octo/pulls' } },
    })
    expect(Date.parse(pr.updated_at)).not.toBeNaN()
  })
})

describe('who the token is', () => {
  test("GET /user is refused for the job's token (an installation), answered for a person's token", async () => {
    expect((await call('GET', '/user')).status).toBe(403)
    const me = await call('GET', '/user', undefined, human)
    expect(me.json).toMatchObject({ login: 'octo-admin', type: 'User' })
    const made = await call('POST', '/repos/octo/h/issues', { title: 't' }, human)
    expect(made.json.user.login).toBe('octo-admin')
  })
})

describe('issue_comment payloads', () => {
  test('on a PR: issue.pull_request, the comment, its author, the sender', () => {
    const e = issueCommentEvent({
      action: 'created',
      number: 42,
      body: '/preview wake',
      login: 'mona',
      commentId: 77,
      repository: 'acme/shop',
    })
    expect(e.action).toBe('created')
    expect(e.issue.number).toBe(42)
    expect(e.issue.pull_request.url).toMatch(/\/repos\/acme\/shop\/pulls\/42$/)
    expect(e.comment).toMatchObject({ id: 77, body: '/preview wake', user: { login: 'mona' } })
    expect(e.sender.login).toBe('mona')
    expect(e.repository.full_name).toBe('acme/shop')
    expect(e.changes).toBeUndefined()
  })

  test('an edit carries the old body; a comment on an issue has no pull_request', () => {
    const edited = issueCommentEvent({
      action: 'edited',
      number: 1,
      body: 'new',
      previousBody: '/preview destroy',
    })
    expect(edited.changes).toEqual({ body: { from: '/preview destroy' } })
    const onIssue = issueCommentEvent({
      action: 'created',
      number: 1,
      body: '/preview wake',
      onPullRequest: false,
    })
    expect(onIssue.issue.pull_request).toBeUndefined()
    expect(onIssue.issue.html_url).toContain('/issues/1')
  })
})
