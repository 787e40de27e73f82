// Teardown on close, repeated closes, reopen while the namespace is still terminating, and scope: other
// repositories' previews and look-alike namespaces are never touched.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { previewNames } from '../src/preview/naming.js'
import { previewHarness } from './harness/preview.js'
import type { RunOptions } from './harness/run-action.js'

type Event = RunOptions['event']

const { kube, gh, run: runPreview, namespaceExists, latestStates } = previewHarness()
const run = (
  repository: string,
  number: number,
  action: Event['action'],
  inputs: Record<string, string> = {},
) => runPreview({ repository, number, action, merged: action === 'closed' }, inputs)

describe('teardown', () => {
  // A namespace that looks like a preview's but was not made by the action: it must survive every test here.
  const decoy = `${previewNames('preview', 'acme/teardown', 1).namespace}0`
  beforeAll(async () => {
    await kube.core.createNamespace({
      body: { metadata: { name: decoy, labels: { 'app.kubernetes.io/managed-by': 'someone-else' } } },
    })
  })
  afterAll(async () => {
    expect(await namespaceExists(decoy)).toBe(true)
  })

  test('open, then close: the namespace is gone and every deployment of the environment is inactive', async () => {
    const opened = await run('acme/teardown', 1, 'opened')
    expect(opened.code).toBe(0)
    const ns = opened.outputs.namespace!
    // A second deployment of the same environment, as after another push.
    expect((await run('acme/teardown', 1, 'synchronize')).code).toBe(0)
    const closed = await run('acme/teardown', 1, 'closed')
    expect(closed.log).not.toContain('::error')
    expect(closed.code).toBe(0)
    expect(closed.outputs.status).toBe('destroyed')
    expect(await namespaceExists(ns)).toBe(false)
    expect(latestStates('acme/teardown', 'preview/pr-1')).toEqual(['inactive', 'inactive'])
    expect(closed.summary).toContain(`Removed namespace ${ns}`)
    expect(gh.rejected()).toEqual([])
  })

  test('closing twice, and closing a PR that was never deployed, succeed with nothing to remove', async () => {
    const again = await run('acme/teardown', 1, 'closed')
    expect(again.code).toBe(0)
    expect(again.outputs.status).toBe('destroyed')
    expect(again.summary).toContain('Nothing to remove')
    const never = await run('acme/teardown', 999, 'closed')
    expect(never.code).toBe(0)
    expect(never.outputs.status).toBe('destroyed')
    expect(never.summary).toContain('Nothing to remove')
  })

  test('reopened while the namespace is still terminating: waits for it to go, then deploys fresh', async () => {
    const opened = await run('acme/teardown', 2, 'opened')
    expect(opened.code).toBe(0)
    const ns = opened.outputs.namespace!
    // Hold the namespace in Terminating with a finalizer on an object inside it, as slow controllers do.
    await kube.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held', finalizers: ['example.test/hold'] } },
    })
    await kube.core.deleteNamespace({ name: ns })
    const reopening = run('acme/teardown', 2, 'reopened')
    await new Promise((r) => setTimeout(r, 3000))
    expect((await kube.core.readNamespace({ name: ns })).status?.phase).toBe('Terminating')
    await kube.core.patchNamespacedConfigMap({
      name: 'held',
      namespace: ns,
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    })
    const reopened = await reopening
    expect(reopened.log).toContain('is still being deleted; waiting for it to go')
    expect(reopened.code).toBe(0)
    expect(reopened.outputs.status).toBe('deployed')
    const fresh = await kube.core.readNamespace({ name: ns })
    expect(fresh.status?.phase).toBe('Active')
    expect(
      (await kube.core.listNamespacedConfigMap({ namespace: ns })).items.map((c) => c.metadata!.name),
    ).not.toContain('held')
  })

  test('two repositories with the same PR number never touch each other', async () => {
    const a = await run('team-a/app', 5, 'opened')
    const b = await run('team-b/app', 5, 'opened')
    expect([a.code, b.code]).toEqual([0, 0])
    expect(a.outputs.namespace).not.toBe(b.outputs.namespace)
    const closeA = await run('team-a/app', 5, 'closed')
    expect(closeA.code).toBe(0)
    expect(await namespaceExists(a.outputs.namespace!)).toBe(false)
    expect(await namespaceExists(b.outputs.namespace!)).toBe(true)
    expect(latestStates('team-b/app', 'preview/pr-5')).toEqual(['success'])
    expect(
      (await kube.apps.readNamespacedDeployment({ name: 'web', namespace: b.outputs.namespace! })).status
        ?.availableReplicas,
    ).toBe(1)
  })

  test('a namespace with the preview name but without our labels is refused, on close and on deploy', async () => {
    const name = previewNames('preview', 'acme/squatted', 4).namespace
    await kube.core.createNamespace({ body: { metadata: { name } } })
    const closed = await run('acme/squatted', 4, 'closed')
    expect(closed.code).not.toBe(0)
    expect(closed.outputs.status).toBe('failed')
    expect(closed.log).toMatch(/was not created by this action for acme\/squatted#4 .*refusing to delete it/)
    const opened = await run('acme/squatted', 4, 'opened')
    expect(opened.code).not.toBe(0)
    expect(opened.log).toMatch(/refusing to touch it/)
    expect(await namespaceExists(name)).toBe(true)
    expect(
      (await kube.core.listNamespacedConfigMap({ namespace: name })).items.map((c) => c.metadata!.name),
    ).toEqual(['kube-root-ca.crt'])
  })

  test('delete-environment: deleted when the token may, and said clearly when it may not', async () => {
    expect((await run('acme/envs', 6, 'opened')).code).toBe(0)
    const refused = await run('acme/envs', 6, 'closed', { 'delete-environment': 'true' })
    expect(refused.code).toBe(0)
    expect(refused.log).toMatch(/::warning::The token may not delete the GitHub environment preview\/pr-6/)
    expect(refused.summary).toContain('the token may not delete environments')
    expect(gh.environments.get('acme/envs')?.has('preview/pr-6')).toBe(true)
    gh.options.canDeleteEnvironments = true
    const allowed = await run('acme/envs', 6, 'closed', { 'delete-environment': 'true' })
    gh.options.canDeleteEnvironments = false
    expect(allowed.code).toBe(0)
    expect(allowed.summary).toContain('preview/pr-6: deleted')
    expect(gh.environments.get('acme/envs')?.has('preview/pr-6')).toBe(false)
  })
})
