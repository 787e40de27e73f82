// A namespace held in Terminating by a finalizer nobody removes: the close says so on GitHub first and then
// fails naming what holds it; the sweep handles every preview on its own, so one stuck preview stops no other.
import { describe, expect, test } from '@jest/globals'
import { sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import { webApp, workspaceWith } from './harness/workspace.js'

const { kube, gh, run, namespaceExists, latestStates } = previewHarness()
const small = workspaceWith({ 'web.yaml': webApp() })
const deploy = (repo: string, number: number) =>
  run({ repository: repo, number }, { templates: 'preview' }, { workspace: small })

/** A ConfigMap with a finalizer that no controller removes: the namespace cannot finish terminating. */
async function hold(namespace: string): Promise<() => Promise<void>> {
  await kube.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'held', finalizers: ['example.test/hold'] } },
  })
  return async () => {
    await kube.core.patchNamespacedConfigMap({
      name: 'held',
      namespace,
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    })
  }
}

describe('a namespace stuck in Terminating', () => {
  test('the close marks deployments inactive and updates the comment first, then fails naming the finalizer', async () => {
    const repo = 'acme/stuck'
    const opened = await deploy(repo, 1)
    expect(opened.outputs.status).toBe('deployed')
    const ns = opened.outputs.namespace!
    const release = await hold(ns)
    const closed = await run(
      { repository: repo, number: 1, action: 'closed', merged: true },
      { timeout: '15s' },
    )
    expect(closed.code).not.toBe(0)
    expect(closed.log).toMatch(
      new RegExp(
        `::error::namespace ${ns} was still terminating after 15s: held by ConfigMap held \\(finalizers: example.test/hold\\)`,
      ),
    )
    expect(closed.log).toMatch(/The preview is stopped and its deployments are inactive/)
    expect(latestStates(repo, 'preview/pr-1')).toEqual(['inactive'])
    expect(gh.comments.find((c) => c.repo === repo)!.body).toContain('**Removed**')
    expect((await kube.core.readNamespace({ name: ns })).status?.phase).toBe('Terminating')
    await release()
    // The next close (a re-run) finishes the job.
    const again = await run({ repository: repo, number: 1, action: 'closed', merged: true })
    expect(again.code).toBe(0)
    expect(await namespaceExists(ns)).toBe(false)
  })
})

describe('the sweep', () => {
  test('one stuck preview neither stops the others nor the summary', async () => {
    const repo = 'acme/sweep-stuck'
    const [a, b, c] = [await deploy(repo, 1), await deploy(repo, 2), await deploy(repo, 3)]
    expect([a, b, c].map((r) => r.outputs.status)).toEqual(['deployed', 'deployed', 'deployed'])
    gh.pulls.set(
      repo,
      new Map(
        [1, 2, 3].map((n) => [
          n,
          {
            number: n,
            state: 'closed' as const,
            head: { ref: 'x', sha: sha(`${repo}#${n}`) },
            base: { ref: 'main' },
          },
        ]),
      ),
    )
    const release = await hold(a.outputs.namespace!)
    const swept = await run(
      { repository: repo, number: 1 },
      { mode: 'sweep', timeout: '15s' },
      {
        eventName: 'schedule',
      },
    )
    await release()
    expect(swept.code).not.toBe(0)
    expect(swept.outputs.status).toBe('failed')
    const rows = JSON.parse(swept.outputs.previews!) as Array<{ pr: number; decision: string; why: string }>
    expect(rows.map((r) => [r.pr, r.decision]).sort()).toEqual([
      [1, 'failed'],
      [2, 'removed'],
      [3, 'removed'],
    ])
    expect(rows.find((r) => r.pr === 1)!.why).toContain('held by ConfigMap held')
    expect(swept.summary).toMatch(/\| #1 \| .* \| ❌ failed \| namespace .* was still terminating/)
    expect(swept.summary).toContain('0 kept, 2 removed, 1 failed')
    expect(swept.log).toMatch(/::error::1 of 3 previews could not be swept/)
    expect(await namespaceExists(b.outputs.namespace!)).toBe(false)
    expect(await namespaceExists(c.outputs.namespace!)).toBe(false)
    // Even the stuck one's deployments are inactive: GitHub was told before the wait.
    expect(latestStates(repo)).toEqual(['inactive', 'inactive', 'inactive'])
  })
})
