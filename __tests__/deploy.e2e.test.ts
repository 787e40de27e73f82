// Deploying the default stack through the bundled action, on the local control plane, with every GitHub call
// checked against GitHub's OpenAPI description.
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { eventually, sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import type { RunOptions } from './harness/run-action.js'

type Event = NonNullable<RunOptions['event']>

const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url))
// The defaults: the worker (Sidekiq) and Kibana are one value away each.
const WORKLOADS = ['web', 'redis', 'rabbitmq', 'mongodb', 'mariadb', 'elasticsearch']
const { kube, gh, run: runPreview } = previewHarness({ timeout: '2m' })
const run = (
  repository: string,
  number: number,
  action: Event['action'],
  head: string,
  extra: Partial<RunOptions> & { updatedAt?: string } = {},
) =>
  runPreview(
    { repository, number, action, sha: head, branch: 'feature/search', updatedAt: extra.updatedAt },
    extra.inputs,
    extra,
  )

const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)

describe('deploy', () => {
  const repo = 'acme/storefront'
  const pr = 101
  /** pull_request.updated_at of the synchronize run, which the re-run repeats. */
  let syncedAt = ''

  test('opened: the six default services become ready, outputs and GitHub deployment statuses are right', async () => {
    const head = sha('opened-101')
    const r = await run(repo, pr, 'opened', head)
    expect(explain(r)).toBe('')
    expect(r.outputs.status).toBe('deployed')
    const ns = r.outputs.namespace!
    expect(ns).toMatch(/^preview-storefront-[0-9a-f]{6}-pr-101$/)
    expect(r.outputs.environment).toBe('preview/pr-101')
    expect(r.outputs.url).toBe(`http://storefront-${ns.split('-')[2]}-pr-101.preview.example.test`)
    // Kibana stays internal without basic-auth or values.kibana.public (see frontdoor.e2e.test.ts).
    expect(JSON.parse(r.outputs.urls!)).toEqual({ web: r.outputs.url })

    const deployments = (await kube.apps.listNamespacedDeployment({ namespace: ns })).items
    const statefulSets = (await kube.apps.listNamespacedStatefulSet({ namespace: ns })).items
    const ready = [
      ...deployments.filter((d) => (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1)),
      ...statefulSets.filter((s) => (s.status?.readyReplicas ?? 0) >= (s.spec?.replicas ?? 1)),
    ].map((o) => o.metadata!.name!)
    expect(ready.sort()).toEqual([...WORKLOADS].sort())
    const jobs = (await kube.batch.listNamespacedJob({ namespace: ns })).items
    expect(jobs.map((j) => [j.metadata!.name, j.status?.succeeded])).toEqual([
      [`migrate-${head.slice(0, 7)}`, 1],
    ])
    const web = deployments.find((d) => d.metadata!.name === 'web')!
    expect(web.spec!.template.spec!.containers[0]!.image).toBe(`ghcr.io/acme/storefront:${head}`)

    const id = Number(r.outputs['deployment-id'])
    const d = gh.deployments.find((x) => x.id === id)!
    expect(d).toMatchObject({
      ref: head,
      environment: 'preview/pr-101',
      transient_environment: true,
      production_environment: false,
    })
    const created = gh.requests.find(
      (q) => q.operationId === 'repos/create-deployment' && (q.body as { ref: string }).ref === head,
    )
    expect(created?.body).toMatchObject({ required_contexts: [], auto_merge: false })
    const statuses = gh.statusesOf(id)
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(statuses[0]!.log_url).toBe('https://github.com/acme/storefront/actions/runs/4242/attempts/1')
    expect(statuses[1]!.environment_url).toBe(r.outputs.url)
    expect(r.summary).toContain('| web | Deployment | ✅')
    expect(r.summary).toContain(r.outputs.url!)
    expect(gh.rejected()).toEqual([])
  })

  test('synchronize: the new image rolls out, the old migrate job is pruned, unchanged objects are untouched', async () => {
    const ns = (await run(repo, pr, 'opened', sha('opened-101'))).outputs.namespace!
    const before = new Map(
      [
        ...(await kube.apps.listNamespacedStatefulSet({ namespace: ns })).items,
        ...(await kube.core.listNamespacedService({ namespace: ns })).items,
      ].map((o) => [`${o.kind ?? ''}/${o.metadata!.name}`, o.metadata!.resourceVersion]),
    )
    const secretBefore = await kube.core.readNamespacedSecret({ name: 'mariadb', namespace: ns })
    const head = sha('synchronize-101')
    syncedAt = new Date().toISOString()
    const r = await run(repo, pr, 'synchronize', head, { updatedAt: syncedAt })
    expect(explain(r)).toBe('')
    expect(r.outputs.namespace).toBe(ns)
    const web = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    expect(web.spec!.template.spec!.containers[0]!.image).toBe(`ghcr.io/acme/storefront:${head}`)
    expect(web.status?.updatedReplicas).toBe(1)
    const jobs = (await kube.batch.listNamespacedJob({ namespace: ns })).items.map((j) => j.metadata!.name)
    expect(jobs).toEqual([`migrate-${head.slice(0, 7)}`])
    const after = new Map(
      [
        ...(await kube.apps.listNamespacedStatefulSet({ namespace: ns })).items,
        ...(await kube.core.listNamespacedService({ namespace: ns })).items,
      ].map((o) => [`${o.kind ?? ''}/${o.metadata!.name}`, o.metadata!.resourceVersion]),
    )
    expect(after).toEqual(before)
    // Generated passwords survive the redeploy.
    const secretAfter = await kube.core.readNamespacedSecret({ name: 'mariadb', namespace: ns })
    expect(secretAfter.data).toEqual(secretBefore.data)
    const shown = r.log.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain(
      Buffer.from(secretAfter.data!.MARIADB_PASSWORD!, 'base64').toString(),
    )
  })

  // A re-run is the same run again: the same event payload (head, updated_at), the same run id, attempt 2. It
  // must not be taken for an older event than the one the preview has (it is the same one) and skipped.
  test('re-running a run redeploys cleanly', async () => {
    const head = sha('synchronize-101')
    expect(syncedAt).not.toBe('')
    const r = await run(repo, pr, 'synchronize', head, { runAttempt: 2, updatedAt: syncedAt })
    expect(explain(r)).toBe('')
    expect(r.outputs.status).toBe('deployed')
    expect(r.log).not.toMatch(/a newer commit/)
    const statuses = gh.statusesOf(Number(r.outputs['deployment-id']))
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(statuses[1]!.log_url).toMatch(/attempts\/2$/)
    const jobs = (await kube.batch.listNamespacedJob({ namespace: r.outputs.namespace! })).items
    expect(jobs.map((j) => [j.metadata!.name, j.status?.succeeded])).toEqual([
      [`migrate-${head.slice(0, 7)}`, 1],
    ])
  })

  test('a template removed between two pushes: its objects are pruned, objects we did not create are not', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'workspace-'))
    cpSync(TEMPLATES, join(workspace, 'preview'), { recursive: true })
    const repo2 = 'acme/prune-check'
    const first = await run(repo2, 7, 'opened', sha('prune-1'), {
      workspace,
      inputs: { templates: 'preview', values: 'kibana: {enabled: true}' },
    })
    expect(explain(first)).toBe('')
    const ns = first.outputs.namespace!
    // Someone adds an object by hand: not ours, so never pruned.
    await kube.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'hand-made' }, data: { a: 'b' } },
    })
    expect((await kube.apps.readNamespacedDeployment({ namespace: ns, name: 'kibana' })).metadata!.name).toBe(
      'kibana',
    )
    rmSync(join(workspace, 'preview', 'kibana.yaml'))
    const second = await run(repo2, 7, 'synchronize', sha('prune-2'), {
      workspace,
      inputs: { templates: 'preview', values: 'kibana: {enabled: true}' },
    })
    expect(explain(second)).toBe('')
    await eventually(
      'kibana objects gone',
      () => kube.apps.listNamespacedDeployment({ namespace: ns }),
      (l) => !l.items.some((d) => d.metadata!.name === 'kibana'),
    )
    expect(
      (await kube.core.listNamespacedService({ namespace: ns })).items.map((s) => s.metadata!.name),
    ).not.toContain('kibana')
    expect(
      (await kube.networking.listNamespacedIngress({ namespace: ns })).items.map((i) => i.metadata!.name),
    ).toEqual(['web'])
    expect(Object.keys(JSON.parse(second.outputs.urls!))).toEqual(['web'])
    expect(second.summary).toContain('Pruned')
    await kube.core.readNamespacedConfigMap({ name: 'hand-made', namespace: ns })
  })

  test('a migrate Job that fails: the run fails and the failure status names the Job and why', async () => {
    const head = sha('failing-migration')
    const r = await run('acme/broken-migrations', 3, 'opened', head, {
      inputs: {
        values:
          'migrate:\n  backoffLimit: 0\n  podLabels:\n    pod-container-running-failed.stage.kwok.x-k8s.io: "true"\n',
      },
    })
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    const statuses = gh.statusesOf(Number(r.outputs['deployment-id']))
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure'])
    expect(statuses[1]!.description).toContain(`Job migrate-${head.slice(0, 7)}`)
    expect(statuses[1]!.description).toMatch(/BackoffLimitExceeded/)
    expect(statuses[1]!.description.length).toBeLessThanOrEqual(140)
    expect(r.log).toContain('::error::')
    expect(r.summary).toContain('What went wrong')
  })
})
