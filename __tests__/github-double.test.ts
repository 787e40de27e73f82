import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startGitHubDouble, type GitHubDouble } from './github-double/server.js'

let gh: GitHubDouble
beforeAll(async () => {
  gh = await startGitHubDouble()
})
afterAll(() => gh.close())

const call = (method: string, path: string, body?: unknown, token = gh.token) =>
  fetch(gh.url + path, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

describe('GitHub API double', () => {
  test('accepts a well-formed deployment and status, and keeps them', async () => {
    const res = await call('POST', '/repos/octo/app/deployments', {
      ref: 'feature/x',
      environment: 'preview/pr-1',
      required_contexts: [],
      auto_merge: false,
      transient_environment: true,
      production_environment: false,
    })
    expect(res.status).toBe(201)
    const d = (await res.json()) as { id: number }
    const s = await call('POST', `/repos/octo/app/deployments/${d.id}/statuses`, {
      state: 'success',
      environment_url: 'https://pr-1.example.test',
    })
    expect(s.status).toBe(201)
    expect(gh.statusesOf(d.id).map((x) => x.state)).toEqual(['success'])
    const list = await call('GET', '/repos/octo/app/deployments?environment=preview%2Fpr-1&per_page=100')
    expect(((await list.json()) as unknown[]).length).toBe(1)
  })

  test.each([
    ['a body field of the wrong type', 'POST', '/repos/octo/app/deployments', { ref: 42 }],
    ['a missing required field', 'POST', '/repos/octo/app/deployments', { environment: 'x' }],
    ['an unknown body field', 'POST', '/repos/octo/app/deployments', { ref: 'main', enviroment: 'typo' }],
    ['a state outside the enum', 'POST', '/repos/octo/app/deployments/1/statuses', { state: 'done' }],
    ['a query parameter GitHub does not have', 'GET', '/repos/octo/app/deployments?colour=red', undefined],
    ['a query parameter of the wrong type', 'GET', '/repos/octo/app/deployments?per_page=many', undefined],
  ])('rejects %s with 422', async (_what, method, path, body) => {
    const res = await call(method, path, body)
    expect(res.status).toBe(422)
    expect(gh.requests.at(-1)?.error).toBeTruthy()
  })

  test('rejects a method or path GitHub does not have with 404, and a bad token with 401', async () => {
    expect((await call('PUT', '/repos/octo/app/deployments', {})).status).toBe(404)
    expect((await call('GET', '/repos/octo/app/deploymentz')).status).toBe(404)
    expect((await call('GET', '/repos/octo/app/deployments', undefined, 'wrong')).status).toBe(401)
  })
})
