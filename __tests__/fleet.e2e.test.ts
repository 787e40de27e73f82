// Fleet hygiene: guardrails per preview, a cap on live previews, PR filters, the sticky PR comment and the sweep.
import { describe, expect, test } from '@jest/globals'
import { sha } from './harness/kube.js'
import { previewHarness, type PreviewEvent } from './harness/preview.js'
import { webApp, workspaceWith } from './harness/workspace.js'

const { kube, gh, run: runPreview, namespaceExists } = previewHarness()
const run = (event: PreviewEvent, inputs: Record<string, string> = {}, eventName?: string) =>
  runPreview(event, inputs, { eventName })
const commentsOf = (repo: string, pr: number) =>
  gh.comments.filter((c) => c.repo === repo && c.issue_number === pr)

describe('guardrails', () => {
  test('every preview gets a ResourceQuota, a LimitRange and a NetworkPolicy; inputs change or remove them', async () => {
    const first = await run({ repository: 'acme/guarded', number: 1 })
    expect(first.outputs.status).toBe('deployed')
    const ns = first.outputs.namespace!
    const quota = await kube.core.readNamespacedResourceQuota({ name: 'preview-quota', namespace: ns })
    expect(quota.spec!.hard).toEqual({
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.memory': '16Gi',
      'requests.ephemeral-storage': '4Gi',
      'limits.ephemeral-storage': '20Gi',
      pods: '40',
      services: '20',
      'count/configmaps': '50',
      'count/secrets': '50',
      persistentvolumeclaims: '10',
      'requests.storage': '50Gi',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    })
    const limits = await kube.core.readNamespacedLimitRange({ name: 'preview-limits', namespace: ns })
    expect(limits.spec!.limits[0]).toMatchObject({
      type: 'Container',
      _default: { memory: '512Mi', 'ephemeral-storage': '1Gi' }, // client-node's name for `default`
      defaultRequest: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
    })
    const policy = await kube.networking.readNamespacedNetworkPolicy({
      name: 'preview-isolation',
      namespace: ns,
    })
    // The local cluster's Traefik runs on the host, as its IngressClass's annotation says: no namespace to let
    // in, its address only to the routed pods (web), on the port the Service sends to.
    expect(policy.spec).toMatchObject({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: {} }] }],
    })
    const door = await kube.networking.readNamespacedNetworkPolicy({
      name: 'preview-front-door-web',
      namespace: ns,
    })
    expect(door.spec!.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web' } })
    expect(door.spec!.ingress![0]!.ports).toEqual([{ protocol: 'TCP', port: 'http' }])
    const [cidr] = door.spec!.ingress![0]!._from!.map((p) => p.ipBlock!.cidr)
    expect(cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/32$/)
    expect(first.log).toContain(
      `front door: admitting ${cidr} to the routed pods (the kube-pr-preview.io/front-door-cidrs annotation of IngressClass traefik)`,
    )

    const second = await run(
      { repository: 'acme/guarded', number: 1, action: 'synchronize' },
      {
        'resource-quota': '{pods: "30", requests.cpu: "2"}',
        'network-policy': 'false',
        'limit-range': 'none',
      },
    )
    expect(second.outputs.status).toBe('deployed')
    expect(
      (await kube.core.readNamespacedResourceQuota({ name: 'preview-quota', namespace: ns })).spec!.hard,
      // A user's quota that leaves the Service types out still gets them at 0 (allow-service-types is empty).
    ).toEqual({ pods: '30', 'requests.cpu': '2', 'services.loadbalancers': '0', 'services.nodeports': '0' })
    expect((await kube.networking.listNamespacedNetworkPolicy({ namespace: ns })).items).toEqual([])
    expect((await kube.core.listNamespacedLimitRange({ namespace: ns })).items).toEqual([])
  })

  test('max-live-previews: a new preview beyond the cap fails naming the live ones; existing ones still redeploy', async () => {
    const repo = 'acme/capped'
    const a = await run({ repository: repo, number: 1 }, { 'max-live-previews': '2' })
    const b = await run({ repository: repo, number: 2 }, { 'max-live-previews': '2' })
    expect([a.outputs.status, b.outputs.status]).toEqual(['deployed', 'deployed'])
    const c = await run({ repository: repo, number: 3 }, { 'max-live-previews': '2' })
    expect(c.code).not.toBe(0)
    expect(c.log).toContain(`2 previews of ${repo} are live, and max-live-previews is 2`)
    expect(c.log).toContain(a.outputs.namespace!)
    expect(c.log).toContain(b.outputs.namespace!)
    expect(await namespaceExists(c.outputs.namespace!)).toBe(false)
    const again = await run(
      { repository: repo, number: 2, action: 'synchronize' },
      { 'max-live-previews': '2' },
    )
    expect(again.outputs.status).toBe('deployed')
  })

  // The cap is a cost ceiling: runs of different PRs at the same moment must not all count "1 live" and overshoot.
  test('max-live-previews holds for new previews deployed at the same moment', async () => {
    const repo = 'acme/capped-at-once'
    const small = workspaceWith({ 'web.yaml': webApp() })
    const inputs = { 'max-live-previews': '2', templates: 'preview' }
    const first = await runPreview({ repository: repo, number: 1 }, inputs, { workspace: small })
    expect(first.outputs.status).toBe('deployed')
    const racing = await Promise.all(
      [2, 3, 4].map((number) => runPreview({ repository: repo, number }, inputs, { workspace: small })),
    )
    const live = (
      await kube.core.listNamespace({ labelSelector: 'app.kubernetes.io/managed-by=kube-pr-preview' })
    ).items
      .filter((n) => !n.metadata!.deletionTimestamp)
      .filter(
        (n) =>
          racing.some((r) => r.outputs.namespace === n.metadata!.name) ||
          n.metadata!.name === first.outputs.namespace,
      )
    expect(live).toHaveLength(2)
    expect(racing.filter((r) => r.outputs.status === 'deployed')).toHaveLength(1)
    for (const refused of racing.filter((r) => r.outputs.status !== 'deployed'))
      expect(refused.log).toMatch(/max-live-previews is 2/)
  })
})

describe('which PRs get a preview', () => {
  test.each([
    [
      'without the required label',
      { labels: ['bug'] },
      { 'only-labels': 'preview, deploy-me' },
      /none of the labels preview, deploy-me/,
    ],
    ['a draft, with skip-drafts', { draft: true }, { 'skip-drafts': 'true' }, /is a draft/],
    [
      'into another base branch',
      { baseBranch: 'develop' },
      { 'base-branches': 'main, release/*' },
      /base branch develop is not one of main, release\/\*/,
    ],
  ])('a PR %s is skipped with a one-line reason', async (_what, event, inputs, reason) => {
    const r = await run({ repository: 'acme/filtered', number: 7, ...event }, inputs)
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('skipped')
    expect(r.summary).toMatch(reason)
    expect(gh.requests.filter((q) => q.path.startsWith('/repos/acme/filtered/'))).toEqual([])
  })

  test('labelling a PR with the preview label, marking a draft ready, or a release branch base, deploys it', async () => {
    const labelled = await run(
      { repository: 'acme/filtered', number: 8, action: 'labeled', labels: ['deploy-me'] },
      { 'only-labels': 'preview, deploy-me' },
    )
    expect(labelled.outputs.status).toBe('deployed')
    const release = await run(
      { repository: 'acme/filtered', number: 9, baseBranch: 'release/2.1' },
      { 'base-branches': 'main, release/*' },
    )
    expect(release.outputs.status).toBe('deployed')
    // A draft skipped with skip-drafts deploys once marked ready (README: ready_for_review deploys).
    const ready = await run(
      { repository: 'acme/filtered', number: 10, action: 'ready_for_review', draft: false },
      { 'skip-drafts': 'true' },
    )
    expect(ready.outputs.status).toBe('deployed')
  })
})

describe('the sticky PR comment', () => {
  test('one comment per PR, updated in place on every push, and marked removed on close', async () => {
    const repo = 'acme/commented'
    const opened = await run({ repository: repo, number: 4 })
    expect(commentsOf(repo, 4)).toHaveLength(1)
    const [comment] = commentsOf(repo, 4)
    expect(comment!.body).toContain('<!-- kube-pr-preview:preview/pr-4 -->')
    expect(comment!.body).toContain(`Ready** at ${opened.outputs.url}`)
    expect(comment!.body).toMatch(/\| web \| ✅ 1\/1 ready \| <https?:\/\/commented-/)
    const next = sha('commented-2')
    await run({ repository: repo, number: 4, action: 'synchronize', sha: next })
    expect(commentsOf(repo, 4)).toHaveLength(1)
    expect(commentsOf(repo, 4)[0]!.id).toBe(comment!.id)
    expect(commentsOf(repo, 4)[0]!.body).toContain(`Commit \`${next.slice(0, 7)}\``)
    await run({ repository: repo, number: 4, action: 'closed' })
    expect(commentsOf(repo, 4)).toHaveLength(1)
    expect(commentsOf(repo, 4)[0]!.body).toContain('**Removed**')
    expect(gh.rejected()).toEqual([])
  })

  test('comment: false makes none', async () => {
    await run({ repository: 'acme/quiet', number: 5 }, { comment: 'false' })
    expect(gh.requests.filter((q) => q.path.startsWith('/repos/acme/quiet/issues'))).toEqual([])
  })
})

describe('mode: sweep', () => {
  test('removes previews of closed PRs and past the TTL, keeps the rest, lists the fleet; dry-run removes nothing', async () => {
    const repo = 'acme/fleet'
    const deployed = await Promise.all([1, 2, 3].map((n) => run({ repository: repo, number: n })))
    const other = await run({ repository: 'acme/not-this-one', number: 1 })
    const [closedNs, freshNs, oldNs] = deployed.map((r) => r.outputs.namespace!)
    gh.pulls.set(
      repo,
      new Map(
        [1, 2, 3].map((n) => [
          n,
          {
            number: n,
            state: n === 1 ? ('closed' as const) : ('open' as const),
            head: { ref: 'x', sha: sha(`${repo}#${n}`) },
            base: { ref: 'main' },
          },
        ]),
      ),
    )
    // PR 3's preview was last deployed ten days ago.
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString()
    await kube.core.patchNamespace({
      name: oldNs!,
      body: [
        { op: 'replace', path: '/metadata/annotations/kube-pr-preview.io~1deployed-at', value: tenDaysAgo },
      ],
    })

    const dry = await run(
      { repository: repo, number: 1 },
      { mode: 'sweep', ttl: '7d', 'dry-run': 'true' },
      'schedule',
    )
    expect(dry.log.split('\n').filter((l) => l.startsWith('::error'))).toEqual([])
    expect(dry.code).toBe(0)
    expect(dry.summary).toContain('dry run: nothing removed')
    expect(dry.summary).toMatch(/\| #1 \| .* \| would be removed \| its pull request is closed \|/)
    expect(dry.summary).toMatch(
      /\| #3 \| 10d \| .* \| would be removed \| not deployed for 10d \(ttl 7d\) \|/,
    )
    expect(dry.summary).toMatch(
      /\| #2 \| 0m \| `[0-9a-f]{7}` \| <https?:\/\/fleet-[0-9a-f]{6}-pr-2\.preview\.example\.test> \| (\d+)\/\1 ready \| kept \|/,
    )
    for (const ns of [closedNs, freshNs, oldNs]) expect(await namespaceExists(ns!)).toBe(true)

    const swept = await run(
      { repository: repo, number: 1 },
      { mode: 'sweep', ttl: '7d' },
      'workflow_dispatch',
    )
    expect(swept.code).toBe(0)
    expect(swept.outputs.status).toBe('destroyed')
    const rows = JSON.parse(swept.outputs.previews!) as Array<{ pr: number; decision: string }>
    expect(rows.map((r) => [r.pr, r.decision]).sort()).toEqual([
      [1, 'removed'],
      [2, 'kept'],
      [3, 'removed'],
    ])
    expect(await namespaceExists(closedNs!)).toBe(false)
    expect(await namespaceExists(oldNs!)).toBe(false)
    expect(await namespaceExists(freshNs!)).toBe(true)
    expect(await namespaceExists(other.outputs.namespace!)).toBe(true)
    const env1 = gh.deployments.filter((d) => d.repo === repo && d.environment === 'preview/pr-1')
    expect(env1.map((d) => gh.statusesOf(d.id).at(-1)?.state)).toEqual(['inactive'])
    expect(gh.statusesOf(env1[0]!.id).at(-1)?.description).toContain('swept: its pull request is closed')
  })
})
