// The GitHub double behaves as GitHub documents where the action depends on it: auto_inactive leaves transient
// deployments alone, and a write can be performed although the client is answered 502.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startGitHubDouble, type GitHubDouble } from './github-double/server.js'

let gh: GitHubDouble
beforeAll(async () => {
  gh = await startGitHubDouble()
})
afterAll(() => gh.close())

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(gh.url + path, {
    method,
    headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json().catch(() => null)) as { id: number } }
}
const deploy = (repo: string, environment: string, transient: boolean) =>
  call('POST', `/repos/${repo}/deployments`, {
    ref: 'main',
    environment,
    required_contexts: [],
    auto_merge: false,
    transient_environment: transient,
    production_environment: false,
  }).then((r) => r.json.id)
const succeed = (repo: string, id: number) =>
  call('POST', `/repos/${repo}/deployments/${id}/statuses`, { state: 'success', auto_inactive: true })

describe('GitHub double, as GitHub documents', () => {
  test('auto_inactive marks prior successful non-transient deployments inactive, never transient ones', async () => {
    const [a, b] = [await deploy('o/r', 'staging', false), await deploy('o/r', 'staging', false)]
    await succeed('o/r', a)
    await succeed('o/r', b)
    expect(gh.statusesOf(a).map((s) => s.state)).toEqual(['success', 'inactive'])

    const [x, y] = [await deploy('o/r', 'preview/pr-1', true), await deploy('o/r', 'preview/pr-1', true)]
    await succeed('o/r', x)
    await succeed('o/r', y)
    expect(gh.statusesOf(x).map((s) => s.state)).toEqual(['success'])
  })

  test('a fault with performed: the write happens, and the client is answered 502', async () => {
    gh.faults.push({ operationId: 'repos/create-deployment', status: 502, performed: true, times: 1 })
    const before = gh.deployments.length
    const r = await call('POST', '/repos/o/r/deployments', { ref: 'main', environment: 'e' })
    expect(r.status).toBe(502)
    expect(gh.deployments.length).toBe(before + 1)
    expect(gh.requests.at(-1)?.error).toBe('injected fault 502 after performing it')
  })
})
