import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { startGitHubDouble, type GitHubDouble } from './github-double/server.js'
import { runAction } from './harness/run-action.js'

let gh: GitHubDouble
beforeAll(async () => {
  gh = await startGitHubDouble()
})
afterAll(() => gh.close())

test('an event the action does not act on: skipped, with the names, a reason, and no API calls', async () => {
  const r = await runAction({
    apiUrl: gh.url,
    event: { action: 'labeled', number: 17, repository: 'acme/shop', branch: 'feature/cart' },
    inputs: { kubeconfig: 'apiVersion: v1\nclusters: []\n', 'github-token': gh.token },
  })
  expect(r.code).toBe(0)
  expect(r.outputs.status).toBe('skipped')
  expect(r.outputs.namespace).toMatch(/^preview-shop-[0-9a-f]{6}-pr-17$/)
  expect(r.outputs.environment).toBe('preview/pr-17')
  expect(r.summary).toContain('Skipped: nothing to do for the "labeled" event')
  expect(gh.requests).toEqual([])
})
