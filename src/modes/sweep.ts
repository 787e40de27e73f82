// mode: sweep — for schedule or workflow_dispatch: every preview of this repository on the cluster, kept or
// removed (its PR is closed, or it was not deployed for longer than the TTL), with a fleet view of what is live.
import { livePreviews } from './deploy/deploy.js'
import { removePreview } from './destroy.js'
import type { GitHub } from '../github/client.js'
import { readiness } from '../kube/wait/readiness.js'
import { settleLimit } from '../shared/limit.js'
import { ANNOTATION, LABEL } from '../preview/ownership.js'
import { cell } from '../github/report.js'
import type { RunLog } from '../shared/run-log.js'
import type { KubeObject } from '../shared/kube-object.js'
import type { Kube } from '../kube/port.js'

export interface SweepOptions {
  repository: string
  ttlMs: number | null
  dryRun: boolean
  timeoutMs: number
  logUrl: string
  now: Date
}

export interface SweepRow {
  namespace: string
  pr: number
  deployedAt: string
  sha: string
  url: string
  ready: string
  decision: 'kept' | 'removed' | 'would be removed' | 'failed'
  why: string
}

/** Why a preview goes, or null to keep it. Pure. */
export function sweepReason(
  prState: 'open' | 'closed' | null,
  deployedAt: string,
  ttlMs: number | null,
  now: Date,
): string | null {
  if (prState === 'closed') return 'its pull request is closed'
  const age = now.getTime() - Date.parse(deployedAt)
  if (ttlMs !== null && Number.isFinite(age) && age > ttlMs)
    return `not deployed for ${humanAge(age)} (ttl ${humanAge(ttlMs)})`
  return null
}

export function humanAge(ms: number): string {
  const m = Math.floor(ms / 60_000)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  return h < 48 ? `${h}h${m % 60 ? `${m % 60}m` : ''}` : `${Math.floor(h / 24)}d`
}

/** How many previews the sweep handles at once (each makes a few GitHub calls). */
const SWEEP_PARALLEL = 2

/**
 * Every preview is handled on its own: one that fails (a GitHub error, a namespace stuck in Terminating) is a
 * `failed` row with the reason, and never stops the others nor the summary.
 */
export async function sweep(o: SweepOptions, kube: Kube, github: GitHub, log: RunLog): Promise<SweepRow[]> {
  const previews = await livePreviews(kube, o.repository)
  log.info(`${previews.length} previews of ${o.repository} on the cluster`)
  const settled = await settleLimit(previews, SWEEP_PARALLEL, (ns) => sweepOne(ns, o, kube, github, log))
  return settled.map((r, i) => {
    if (r.status === 'fulfilled') return r.value
    const ns = previews[i]!
    const why = (r.reason as Error)?.message ?? String(r.reason)
    log.warning(`PR #${ns.metadata.labels?.[LABEL.pr] ?? '?'} ${ns.metadata.name}: ${why}`)
    return { ...describe(ns), ready: 'unknown', decision: 'failed', why }
  })
}

/** What the namespace's labels and annotations say about its preview. */
function describe(ns: KubeObject) {
  const a = ns.metadata.annotations ?? {}
  return {
    namespace: ns.metadata.name,
    pr: Number(ns.metadata.labels?.[LABEL.pr]),
    deployedAt: a[ANNOTATION.deployedAt] ?? String(ns.metadata.creationTimestamp ?? ''),
    sha: (a[ANNOTATION.headSha] ?? '').slice(0, 7),
    url: a[ANNOTATION.url] ?? '',
  }
}

async function sweepOne(
  ns: KubeObject,
  o: SweepOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<SweepRow> {
  const known = describe(ns)
  const { pr } = known
  const environment = ns.metadata.annotations?.[ANNOTATION.environment] ?? `preview/pr-${pr}`
  const state = (await github.pullRequest(pr))?.state ?? null
  const why = sweepReason(state, known.deployedAt, o.ttlMs, o.now)
  const row = {
    ...known,
    ready: await workloadsReady(kube, ns.metadata.name),
    why: why ?? (state === 'open' ? 'its pull request is open' : 'recently deployed'),
  }
  if (!why) return { ...row, decision: 'kept' }
  if (o.dryRun) return { ...row, decision: 'would be removed' }
  const owner = { repository: o.repository, pr, namespace: ns.metadata.name }
  await removePreview(
    { owner, environment, logUrl: o.logUrl, why: `swept: ${why}` },
    { timeoutMs: o.timeoutMs, deleteEnvironment: false },
    kube,
    github,
    log,
  )
  return { ...row, decision: 'removed' }
}

async function workloadsReady(kube: Kube, namespace: string): Promise<string> {
  const lists = await Promise.all(
    [
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'StatefulSet'],
    ].map(([v, k]) =>
      kube.list(v!, k!, namespace).then((l) => l.items.map((i) => ({ ...i, apiVersion: v!, kind: k! }))),
    ),
  ).catch(() => null)
  if (!lists) return 'unknown'
  const all = lists.flat()
  return `${all.filter((w) => readiness(w).state === 'ready').length}/${all.length} ready`
}

export function sweepSummary(rows: SweepRow[], o: SweepOptions): string {
  const lines = [
    `### Previews of ${o.repository}${o.dryRun ? ' (dry run: nothing removed)' : ''}`,
    '',
    `${rows.filter((r) => r.decision === 'kept').length} kept, ${rows.filter((r) => r.decision === 'removed' || r.decision === 'would be removed').length} ${o.dryRun ? 'would be removed' : 'removed'}${rows.some((r) => r.decision === 'failed') ? `, ${rows.filter((r) => r.decision === 'failed').length} failed` : ''}${o.ttlMs ? ` · ttl ${humanAge(o.ttlMs)}` : ''}`,
    '',
  ]
  if (rows.length) {
    lines.push(
      '| PR | Age | Commit | URL | Ready | Decision | Why |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    )
    for (const r of [...rows].sort((a, b) => a.pr - b.pr)) {
      const age = Number.isFinite(Date.parse(r.deployedAt))
        ? humanAge(o.now.getTime() - Date.parse(r.deployedAt))
        : '?'
      lines.push(
        `| #${r.pr} | ${age} | ${r.sha ? `\`${r.sha}\`` : ''} | ${r.url ? `<${r.url}>` : ''} | ${r.ready} | ${r.decision === 'failed' ? '❌ failed' : r.decision} | ${cell(r.why)} |`,
      )
    }
  }
  return lines.join('\n') + '\n'
}
