// npm run demo, on this test run's cluster (DEMO_KUBECONFIG), reads at a glance: each step and what it did.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@jest/globals'
import { testKubeconfigPath } from './setup/cluster.js'

test('the demo walks a PR through opened, a push and closed', () => {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const out = execFileSync(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, 'demo/run.ts'], {
    cwd: root,
    env: { ...process.env, DEMO_KUBECONFIG: testKubeconfigPath() },
    encoding: 'utf8',
  })
  expect(out).toMatch(/PR #42 opened: deploy the whole stack[\s\S]*✔ status deployed/)
  expect(out).toMatch(
    /web +Deployment +✅ 1\/1 ready +https?:\/\/storefront-[0-9a-f]{6}-pr-42\.preview\.example\.test/,
  )
  expect(out).toMatch(/a new commit pushed[\s\S]*pruned: Job migrate-c0ffee1/)
  expect(out).toMatch(/closed: remove everything[\s\S]*✔ status destroyed/)
  expect(out).toContain('#1000 in_progress → success → inactive')
  expect(out).toContain('**Removed**')
})
