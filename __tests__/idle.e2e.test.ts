// Idle previews (issue 25): the sweep's sleep-after, mode sleep / wake, commands in PR comments (who is obeyed,
// reactions), keep, destroy, the TTL notice and the dashboard issue — the bundled action against the local
// cluster and the GitHub double.
import { describe, expect, test } from '@jest/globals'
import type { Account } from './github-double/server.js'
import { eventually, sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import { runAction } from './harness/run-action.js'

const { kube, gh, run, namespaceExists, latestStates } = previewHarness()
const HOUR = 3_600_000
const REPLICAS_BEFORE_SLEEP = 'kube-pr-preview.io/replicas-before-sleep'
const writer: Account = { login: 'wendy-writer', type: 'User' }
const reader: Account = { login: 'rick-reader', type: 'User' }

/** The PR as GitHub has it (open, its head), for the action's reads. */
function openPr(repo: string, number: number, head = sha(`${repo}#${number}`), labels: string[] = []) {
  let pulls = gh.pulls.get(repo)
  if (!pulls) gh.pulls.set(repo, (pulls = new Map()))
  pulls.set(number, {
    number,
    state: 'open',
    head: { ref: 'feature/x', sha: head },
    base: { ref: 'main' },
    labels,
    title: `Feature ${number}`,
    author: 'mona',
  })
}

/** The last deploy (or wake) of a preview moved into the past. */
async function deployedAgo(namespace: string, ms: number) {
  await kube.core.patchNamespace({
    name: namespace,
    body: [
      {
        op: 'replace',
        path: '/metadata/annotations/kube-pr-preview.io~1deployed-at',
        value: new Date(Date.now() - ms).toISOString(),
      },
    ],
  })
}

interface Workload {
  replicas: number | undefined
  kept: string | undefined
  ready: number
}

/** Every Deployment and StatefulSet of the namespace: `Kind/name` → replicas, replicas kept by sleep, ready. */
async function workloads(namespace: string): Promise<Record<string, Workload>> {
  const [d, s] = await Promise.all([
    kube.apps.listNamespacedDeployment({ namespace }),
    kube.apps.listNamespacedStatefulSet({ namespace }),
  ])
  const entry =
    (kind: string) =>
    (w: (typeof d.items)[number] | (typeof s.items)[number]): [string, Workload] => [
      `${kind}/${w.metadata!.name}`,
      {
        replicas: w.spec!.replicas,
        kept: w.metadata!.annotations?.[REPLICAS_BEFORE_SLEEP],
        ready: w.status?.readyReplicas ?? 0,
      },
    ]
  return Object.fromEntries([...d.items.map(entry('Deployment')), ...s.items.map(entry('StatefulSet'))])
}

/** Pods of the namespace that are not a Job's. */
async function runningPods(namespace: string) {
  const pods = await kube.core.listNamespacedPod({ namespace })
  return pods.items.filter((p) => !(p.metadata!.ownerReferences ?? []).some((r) => r.kind === 'Job'))
}

const sweep = (repo: string, inputs: Record<string, string>) =>
  run({ repository: repo, number: 1 }, { mode: 'sweep', ...inputs }, { eventName: 'schedule' })

/** A comment someone writes on the PR, and the issue_comment run it triggers. */
async function command(
  repo: string,
  number: number,
  body: string,
  who: Account,
  action: 'created' | 'edited' = 'created',
) {
  const c = gh.addComment(repo, number, body, who)
  const r = await runAction({
    apiUrl: gh.url,
    comment: { action, number, body, login: who.login, commentId: c.id, repository: repo },
    inputs: {
      kubeconfig: kube.kubeconfigText,
      'github-token': gh.token,
      domain: 'preview.example.test',
      timeout: '90s',
    },
  })
  return { ...r, commentId: c.id }
}

const stickyOf = (repo: string, pr: number) =>
  gh.comments.find(
    (c) => c.repo === repo && c.issue_number === pr && c.body.includes('<!-- kube-pr-preview:preview/'),
  )?.body ?? ''

const latestStatus = (repo: string, pr: number) => {
  const d = gh.deployments.filter((x) => x.repo === repo && x.environment === `preview/pr-${pr}`).at(-1)!
  return gh.statusesOf(d.id).at(-1)!
}

describe('sleep and wake', () => {
  const repo = 'acme/sleepy'

  test('sweep with sleep-after past: every workload at 0, pods gone, deployment inactive with the wake instructions, comment and dashboard say asleep', async () => {
    const deployed = await run({ repository: repo, number: 1 })
    expect(deployed.outputs.status).toBe('deployed')
    const ns = deployed.outputs.namespace!
    const before = await workloads(ns)
    openPr(repo, 1)
    await deployedAgo(ns, 3 * HOUR)

    const swept = await sweep(repo, { 'sleep-after': '2h', dashboard: 'true' })
    expect(swept.code).toBe(0)
    const after = await workloads(ns)
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
    for (const [name, w] of Object.entries(after)) {
      expect([name, w.replicas]).toEqual([name, 0])
      expect([name, w.kept]).toEqual([name, String(before[name]!.replicas ?? 1)])
    }
    expect(await runningPods(ns)).toEqual([])
    const status = latestStatus(repo, 1)
    expect(status.state).toBe('inactive')
    expect(status.description).toMatch(/^Asleep since \d{4}-\d\d-\d\d \d\d:\d\d UTC: comment \/preview wake/)
    expect(stickyOf(repo, 1)).toContain('**Asleep**')
    expect(JSON.parse(swept.outputs.previews!)).toEqual([expect.objectContaining({ pr: 1, state: 'asleep' })])
    const [dashboard] = gh.issuesOf(repo)
    expect(dashboard!.title).toBe('Preview environments')
    expect(dashboard!.body).toMatch(
      /\| \[#1\]\(https:\/\/github\.com\/acme\/sleepy\/pull\/1\) Feature 1 \| @mona \| 💤 asleep \|/,
    )
    // Services, Secrets and volumes stay.
    expect((await kube.core.listNamespacedService({ namespace: ns })).items.length).toBeGreaterThan(0)
  })

  test('/preview wake by a reader: a reply, nothing changes; by a writer: the same replicas, all ready, success with the URL; twice: a no-op', async () => {
    const ns = (
      await run(
        { repository: repo, number: 1, action: 'synchronize' },
        { mode: 'sleep', pr: '1' },
        { eventName: 'workflow_dispatch' },
      )
    ).outputs.namespace!
    const asleep = await workloads(ns)
    gh.setRole(reader.login, 'read')
    gh.setRole(writer.login, 'write')

    const refused = await command(repo, 1, '/preview wake', reader)
    expect(refused.code).toBe(0)
    expect(refused.outputs.status).toBe('refused')
    expect(gh.comments.at(-1)!.body).toContain(`@${reader.login}`)
    expect(gh.comments.at(-1)!.body).toContain('write access')
    expect(await workloads(ns)).toEqual(asleep)

    const woken = await command(repo, 1, '/preview wake', writer)
    expect(woken.code).toBe(0)
    expect(woken.outputs.status).toBe('ready')
    const awake = await workloads(ns)
    for (const [name, w] of Object.entries(awake)) {
      expect([name, w.replicas, w.kept]).toEqual([name, Number(asleep[name]!.kept), undefined])
      expect([name, w.ready]).toEqual([name, w.replicas])
    }
    const status = latestStatus(repo, 1)
    expect(status.state).toBe('success')
    expect(status.environment_url).toMatch(/^https?:\/\/sleepy-[0-9a-f]{6}-pr-1\.preview\.example\.test$/)
    expect(gh.reactionsOn(woken.commentId)).toEqual(['eyes', 'rocket'])
    expect(stickyOf(repo, 1)).toContain('Awake and ready')

    const statuses = gh.statuses.length
    const again = await command(repo, 1, '/preview wake', writer)
    expect(again.outputs.status).toBe('already awake')
    expect(await workloads(ns)).toEqual(awake)
    expect(gh.statuses.length).toBe(statuses)
  })

  test('a push while asleep deploys and wakes', async () => {
    const slept = await run(
      { repository: repo, number: 1 },
      { mode: 'sleep', pr: '1' },
      { eventName: 'workflow_dispatch' },
    )
    expect(slept.outputs.status).toBe('asleep')
    const ns = slept.outputs.namespace!
    const head = sha('a push while asleep')
    openPr(repo, 1, head)
    const pushed = await run({ repository: repo, number: 1, action: 'synchronize', sha: head })
    expect(pushed.outputs.status).toBe('deployed')
    for (const [name, w] of Object.entries(await workloads(ns))) {
      expect([name, w.kept]).toEqual([name, undefined])
      expect([name, w.ready]).toEqual([name, w.replicas])
      expect(w.replicas).toBeGreaterThan(0)
    }
    const namespace = await kube.core.readNamespace({ name: ns })
    expect(namespace.metadata!.annotations?.['kube-pr-preview.io/asleep-since']).toBeUndefined()
  })

  test('comments that are not commands, quotes and edits are ignored without touching the cluster', async () => {
    gh.setRole(writer.login, 'write')
    for (const [body, action] of [
      ['LGTM, ship it', 'created'],
      ['> /preview destroy\n\nno!', 'created'],
      ['/preview destroy', 'edited'],
    ] as const) {
      const requests = gh.requests.length
      const r = await command(repo, 1, body, writer, action)
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('ignored')
      expect(gh.requests.length).toBe(requests)
    }
  })
})

describe('keep and destroy', () => {
  const repo = 'acme/keeper'

  test('/preview keep: the next sweeps neither sleep nor remove it; /preview destroy: gone, deployments inactive', async () => {
    const deployed = await run({ repository: repo, number: 4 })
    const ns = deployed.outputs.namespace!
    openPr(repo, 4)
    gh.setRole(writer.login, 'maintain')
    const kept = await command(repo, 4, '/preview keep', writer)
    expect(kept.outputs.status).toBe('kept')
    expect(gh.reactionsOn(kept.commentId)).toEqual(['eyes', 'rocket'])

    await deployedAgo(ns, 10 * 24 * HOUR)
    for (let i = 0; i < 2; i++) {
      const swept = await sweep(repo, { 'sleep-after': '2h', ttl: '7d' })
      expect(swept.code).toBe(0)
      expect(await namespaceExists(ns)).toBe(true)
      expect(Object.values(await workloads(ns)).every((w) => (w.replicas ?? 1) > 0)).toBe(true)
      expect(JSON.parse(swept.outputs.previews!)).toEqual([
        expect.objectContaining({ pr: 4, kept: true, state: 'ready' }),
      ])
    }

    const destroyed = await command(repo, 4, '/preview destroy', writer)
    expect(destroyed.outputs.status).toBe('destroyed')
    await eventually(
      'the namespace to go',
      () => namespaceExists(ns),
      (exists) => !exists,
    )
    expect(latestStates(repo).every((s) => s === 'inactive')).toBe(true)
  })

  test('the keep label exempts too; the TTL notice comes once, before the TTL', async () => {
    const deployed = await run({ repository: repo, number: 5 })
    const ns = deployed.outputs.namespace!
    openPr(repo, 5, undefined, ['preview-keep'])
    await deployedAgo(ns, 3 * HOUR)
    await sweep(repo, { 'sleep-after': '2h' })
    expect(Object.values(await workloads(ns)).every((w) => (w.replicas ?? 1) > 0)).toBe(true)

    openPr(repo, 5)
    await deployedAgo(ns, 6.5 * 24 * HOUR)
    const notices = () =>
      gh.comments.filter((c) => c.repo === repo && c.issue_number === 5 && c.body.includes('will be removed'))
    await sweep(repo, { ttl: '7d' })
    await sweep(repo, { ttl: '7d' })
    expect(notices()).toHaveLength(1)
    expect(notices()[0]!.body).toContain('/preview keep')
    expect(await namespaceExists(ns)).toBe(true)
  })
})

describe('the dashboard', () => {
  test('two sweeps: one issue, its rows right after each', async () => {
    const repo = 'acme/dash'
    await run({ repository: repo, number: 1 })
    openPr(repo, 1)
    const first = await sweep(repo, { dashboard: 'true' })
    expect(first.code).toBe(0)
    expect(gh.issuesOf(repo)).toHaveLength(1)
    expect(gh.issuesOf(repo)[0]!.body).toContain('**1 live** · 1 awake · 0 asleep')

    await run({ repository: repo, number: 2 })
    openPr(repo, 2)
    // Someone else's issue with the marker is not the dashboard.
    gh.conversation.issues.push({
      ...gh.issuesOf(repo)[0]!,
      number: 99,
      body: gh.issuesOf(repo)[0]!.body + ' forged',
      user: { login: 'mallory', type: 'User' },
    })
    const second = await sweep(repo, { dashboard: 'true', 'dashboard-title': 'Our previews' })
    expect(second.code).toBe(0)
    const mine = gh.issuesOf(repo).filter((i) => i.user.login === 'github-actions[bot]')
    expect(mine).toHaveLength(1)
    expect(mine[0]!.title).toBe('Our previews')
    expect(mine[0]!.body).toContain('**2 live** · 2 awake · 0 asleep')
    expect(mine[0]!.body.match(/^\| \[#\d+\]/gm)).toEqual(['| [#1]', '| [#2]'])
    expect(gh.issuesOf(repo).find((i) => i.number === 99)!.body).toContain('forged')
  })
})
