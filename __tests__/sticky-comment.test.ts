// The sticky comment is the one the action's own identity wrote (point 11): a marker planted in someone else's
// comment neither takes the comment over nor suppresses it.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { startGitHubDouble, type GitHubDouble } from './github-double/server.js'

let gh: GitHubDouble
beforeAll(async () => {
  gh = await startGitHubDouble()
  process.env.GITHUB_API_URL = gh.url // read when @actions/github loads
})
afterAll(() => gh.close())

test("a stranger's comment carrying the marker is left alone; the action writes its own", async () => {
  const { createGitHub, isOwnComment } = await import('../src/github/client.js')
  const marker = '<!-- kube-pr-preview:preview/pr-5 -->'
  const stamp = new Date().toISOString()
  gh.comments.push({
    id: 1,
    repo: 'acme/shop',
    issue_number: 5,
    body: `${marker}\nClick [here](https://phish.example) for your preview`,
    user: { login: 'mallory', type: 'User' },
    created_at: stamp,
    updated_at: stamp,
  })
  const github = createGitHub(gh.token, 'acme', 'shop')
  const id = await github.upsertComment(5, marker, `${marker}\nthe real one`, true)
  expect(id).not.toBe(1)
  expect(gh.comments.find((c) => c.id === 1)!.body).toContain('phish')
  // Next run: the action's own comment is found and updated, not a third one made.
  expect(await github.upsertComment(5, marker, `${marker}\nupdated`, true)).toBe(id)
  expect(gh.comments.filter((c) => c.issue_number === 5)).toHaveLength(2)
  expect(gh.rejected()).toEqual([])
  expect(isOwnComment({ user: { type: 'User' }, author_association: 'CONTRIBUTOR' })).toBe(false)
  expect(isOwnComment({ user: { type: 'User' }, author_association: 'MEMBER' })).toBe(true)
})
