// Adapting the bundled stack on the local control plane, through the bundled action: a private registry login,
// services switched off (and later on again), and a folder of extra templates laid over the bundled ones.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import type { V1PodSpec } from '@kubernetes/client-node'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { planPreview } from '../src/preview/plan.js'
import { parseSettings } from '../src/inputs/settings.js'
import { loadTemplates } from '../src/preview/templates.js'
import { pullRequestEvent } from './harness/events.js'
import { eventually, sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'

const { kube, run, leaksOf } = previewHarness({ timeout: '80s' })
const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)
const names = (list: { items: Array<{ metadata?: { name?: string } }> }) =>
  list.items.map((o) => o.metadata!.name!).sort()

describe('the bundled stack, adapted', () => {
  test('registry inputs: a pull Secret for the image registry, on the default ServiceAccount, the bundled workloads and pods of extra templates', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'workspace-'))
    mkdirSync(join(workspace, 'preview'))
    // A pod of the user's own that names no pull secret: it gets the default ServiceAccount's.
    writeFileSync(
      join(workspace, 'preview', 'mailpit.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: mailpit',
        'spec:',
        '  selector: {matchLabels: {app: mailpit}}',
        '  template:',
        '    metadata: {labels: {app: mailpit}}',
        '    spec:',
        '      containers:',
        '        - name: mailpit',
        '          image: {{values.mailpit.image}}',
        '          resources: {limits: {memory: 64Mi}}',
      ].join('\n'),
    )
    writeFileSync(join(workspace, 'preview', 'values.yaml'), 'mailpit:\n  image: axllent/mailpit:v1.27.0\n')
    const password = 'ghp_PreviewPullToken0123456789'
    const r = await run(
      { repository: 'acme/private-shop', number: 31, sha: sha('private-1') },
      {
        image: 'ghcr.io/acme/private-shop:1.2.3',
        'registry-username': 'preview-bot',
        'registry-password': password,
        'extra-templates': 'preview',
        values: 'elasticsearch:\n  enabled: false\nworker:\n  enabled: true\n',
      },
      { workspace },
    )
    expect(explain(r)).toBe('')
    expect(r.outputs.status).toBe('deployed')
    const ns = r.outputs.namespace!

    const secret = await kube.core.readNamespacedSecret({ name: 'preview-registry', namespace: ns })
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson')
    const config = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString())
    expect(config).toEqual({
      auths: {
        'ghcr.io': {
          username: 'preview-bot',
          password,
          auth: Buffer.from(`preview-bot:${password}`).toString('base64'),
        },
      },
    })
    const account = await kube.core.readNamespacedServiceAccount({ name: 'default', namespace: ns })
    expect(account.imagePullSecrets).toEqual([{ name: 'preview-registry' }])

    const deployments = (await kube.apps.listNamespacedDeployment({ namespace: ns })).items
    expect(deployments.map((d) => d.metadata!.name).sort()).toEqual(['mailpit', 'web', 'worker'])
    for (const d of deployments.filter((x) => x.metadata!.name !== 'mailpit'))
      expect(d.spec!.template.spec!.imagePullSecrets).toEqual([{ name: 'preview-registry' }])
    // The ServiceAccount admission puts it on every pod that names no pull secret of its own.
    const pods = await eventually(
      'mailpit pod',
      () => kube.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=mailpit' }),
      (l) => l.items.length > 0,
    )
    expect(pods.items[0]!.spec!.imagePullSecrets).toEqual([{ name: 'preview-registry' }])

    // The password (and the auth string that contains it) never reach the log unmasked.
    const shown = r.log.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain(password)
    expect(shown.join('\n')).not.toContain(Buffer.from(`preview-bot:${password}`).toString('base64'))
    expect(r.log).toContain(`::add-mask::${password}`)
    // Nor any output, the job summary, the GitHub deployment (payload), its statuses or the PR comment.
    expect(leaksOf(r, 'acme/private-shop', password)).toEqual([])

    // Without the inputs on the next push: the Secret goes, and the pods no longer name it.
    const again = await run(
      { repository: 'acme/private-shop', number: 31, sha: sha('private-2') },
      {
        image: 'ghcr.io/acme/private-shop:1.2.4',
        'extra-templates': 'preview',
        values: 'elasticsearch:\n  enabled: false\nworker:\n  enabled: true\n',
      },
      { workspace },
    )
    expect(explain(again)).toBe('')
    expect(names(await kube.core.listNamespacedSecret({ namespace: ns }))).not.toContain('preview-registry')
    const web = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    expect(web.spec!.template.spec!.imagePullSecrets ?? []).toEqual([])
  })

  test('services switched off go with their URLs; switched on again, they come back', async () => {
    const off =
      'redis:\n  enabled: false\nrabbitmq:\n  enabled: false\nmongodb:\n  enabled: false\nelasticsearch:\n  enabled: false\nworker:\n  enabled: false\n'
    const r = await run({ repository: 'acme/lean', number: 5, sha: sha('lean-1') }, { values: off })
    expect(explain(r)).toBe('')
    const ns = r.outputs.namespace!
    expect(names(await kube.apps.listNamespacedStatefulSet({ namespace: ns }))).toEqual(['mariadb'])
    expect(names(await kube.apps.listNamespacedDeployment({ namespace: ns }))).toEqual(['web'])
    expect(names(await kube.core.listNamespacedService({ namespace: ns }))).toEqual([
      'mariadb',
      'mariadb-headless',
      'web',
    ])
    const env = await kube.core.readNamespacedConfigMap({ name: 'app-env', namespace: ns })
    expect(Object.keys(env.data!)).not.toEqual(expect.arrayContaining(['REDIS_URL']))
    expect(env.data).not.toHaveProperty('ELASTICSEARCH_URL')
    const secrets = await kube.core.readNamespacedSecret({ name: 'app-secrets', namespace: ns })
    expect(Object.keys(secrets.data!).sort()).toEqual([
      'CABLE_DATABASE_URL',
      'CACHE_DATABASE_URL',
      'DATABASE_URL',
      'QUEUE_DATABASE_URL',
      'SECRET_KEY_BASE',
    ])
    expect(JSON.parse(r.outputs.urls!)).toEqual({ web: r.outputs.url })
    const jobs = (await kube.batch.listNamespacedJob({ namespace: ns })).items
    expect(jobs.map((j) => [j.metadata!.name, j.spec!.template.spec!.initContainers?.[0]?.name])).toEqual([
      [`migrate-${sha('lean-1').slice(0, 7)}`, 'wait-for-mariadb'],
    ])

    // MariaDB off too, Redis on again: pruned and created on the next push.
    const next = await run(
      { repository: 'acme/lean', number: 5, sha: sha('lean-2') },
      { values: off.replace('redis:\n  enabled: false\n', '') + 'mariadb:\n  enabled: false\n' },
    )
    expect(explain(next)).toBe('')
    await eventually(
      'mariadb pruned',
      () => kube.apps.listNamespacedStatefulSet({ namespace: ns }),
      (l) => names(l).join() === 'redis',
    )
    const env2 = await kube.core.readNamespacedConfigMap({ name: 'app-env', namespace: ns })
    expect(env2.data!.REDIS_URL).toBe('redis://redis:6379/0')
    const secrets2 = await kube.core.readNamespacedSecret({ name: 'app-secrets', namespace: ns })
    expect(Object.keys(secrets2.data!)).toEqual(['SECRET_KEY_BASE'])
    const job = await kube.batch.readNamespacedJob({
      name: `migrate-${sha('lean-2').slice(0, 7)}`,
      namespace: ns,
    })
    expect(job.spec!.template.spec!.initContainers).toBeUndefined()
    expect(next.summary).toContain('Pruned')
  })

  test('the quota caps disk: every bundled pod declares ephemeral storage, so it is admitted under the cap', async () => {
    const r = await run({ repository: 'acme/disk', number: 8, sha: sha('disk-1') })
    expect(explain(r)).toBe('')
    const ns = r.outputs.namespace!
    const quota = await kube.core.readNamespacedResourceQuota({ name: 'preview-quota', namespace: ns })
    expect(quota.spec!.hard).toMatchObject({
      'requests.ephemeral-storage': '4Gi',
      'limits.ephemeral-storage': '20Gi',
    })
    const used = await eventually(
      'quota usage',
      () => kube.core.readNamespacedResourceQuota({ name: 'preview-quota', namespace: ns }),
      (q) => Boolean(q.status?.used?.['limits.ephemeral-storage']),
    )
    // Measured: what the default stack takes of the cap once it is up.
    process.stdout.write(`quota used by the default stack: ${JSON.stringify(used.status!.used)}\n`)
    const pods = (await kube.core.listNamespacedPod({ namespace: ns })).items
    for (const pod of pods)
      for (const c of [...(pod.spec!.initContainers ?? []), ...pod.spec!.containers])
        expect([pod.metadata!.name, c.resources?.limits?.['ephemeral-storage']]).not.toContain(undefined)
  })

  test("every bundled pod passes the API server's Pod Security admission at level baseline", async () => {
    const namespace = `pss-baseline-${process.pid}`
    await kube.core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: {
            'pod-security.kubernetes.io/enforce': 'baseline',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      },
    })
    try {
      const templates = loadTemplates('', tmpdir())
      // Persistence on, registry login given: every variant of the pod specs.
      const values = 'persistence:\n  enabled: true\nworker:\n  enabled: true\nkibana:\n  enabled: true\n'
      const settings = parseSettings((n) => ({ values })[n] ?? '')
      const event = parsePullRequestEvent(
        'pull_request',
        pullRequestEvent({ action: 'opened', number: 2, repository: 'acme/pss', sha: sha('pss') }),
      )
      const plan = planPreview(event, settings, {
        serverUrl: 'https://github.com',
        runId: '1',
        runAttempt: '1',
      })
      const { objects } = renderPreview(
        plan,
        {
          templates,
          values: settings.values,
          allowClusterScoped: [],
          guardrails: settings,
          registry: { username: 'u', password: 'p' },
        },
        {},
      )
      const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
      expect(workloads).toHaveLength(9)
      const refused: string[] = []
      for (const w of workloads) {
        const spec = (w as unknown as { spec: { template: { spec: V1PodSpec } } }).spec.template.spec
        await kube.core
          .createNamespacedPod({
            namespace,
            body: { metadata: { name: w.metadata.name }, spec },
            dryRun: 'All',
          })
          .catch((e: Error) => refused.push(`${w.kind} ${w.metadata.name}: ${e.message.slice(0, 300)}`))
      }
      expect(refused).toEqual([])
      // The admission is on: a pod on the host's network is refused.
      const hostNetwork = { hostNetwork: true, containers: [{ name: 'x', image: 'busybox:1.37.0' }] }
      await expect(
        kube.core.createNamespacedPod({
          namespace,
          body: { metadata: { name: 'host' }, spec: hostNetwork },
          dryRun: 'All',
        }),
      ).rejects.toThrow(/violates PodSecurity .*host namespaces/)
    } finally {
      await kube.core.deleteNamespace({ name: namespace })
    }
  })
})
