// mode: sweep — for schedule or workflow_dispatch: every preview of this repository on the cluster, kept or
// removed (its PR is closed, or it was not deployed for longer than the TTL), put to sleep when idle longer than
// sleep-after, warned before its TTL; with a fleet view of what is live (the summary, and the dashboard issue).
import { livePreviews } from './deploy/freshness.js'
import { sleepPreview } from './idle/sleep.js'
import { annotateNamespace } from '../kube/apply/sleep.js'
import { ttlNotice } from '../github/idle-comments.js'
import { humanAge, isAsleep, isKept, sleepReason, ttlNoticeDue, type PreviewState } from '../preview/idle.js'
import { requestedBy, type Requested } from '../preview/requests.js'
import { removePreview } from './destroy.js'
import type { GitHub } from '../github/client.js'
import { readiness } from '../kube/wait/readiness.js'
import { settleLimit } from '../shared/limit.js'
import { ANNOTATION, LABEL } from '../preview/ownership.js'
import { cell } from '../github/report.js'
import type { RunLog } from '../shared/run-log.js'
import type { KubeObject } from '../shared/kube-object.js'
import type { Kube } from '../kube/port.js'
import { ensureReadAccess } from '../kube/read-access.js'

export interface SweepOptions {
  repository: string
  ttlMs: number | null
  /** With ttlMs: the notice comes this long before the TTL. */
  ttlWarningMs: number
  /** Put previews to sleep whose last deploy or wake is older than this; null: never. */
  sleepAfterMs: number | null
  /** The PR label that keeps a preview (empty: none). */
  keepLabel: string
  /** Update the sticky PR comment of a preview put to sleep. */
  comment: boolean
  /** Who holds a preview's lock while the sweep puts it to sleep: the run and attempt. */
  holder: string
  /** The LimitRange's defaultRequest: what a container without requests asks for (the dashboard's figures). */
  defaultRequests: Record<string, string>
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
  /** ready, failed (not all ready, or the sweep could not handle it) or asleep. */
  state: PreviewState
  /** Exempt from sleep and TTL (`/preview keep` or the keep-label). */
  kept: boolean
  decision: 'kept' | 'removed' | 'would be removed' | 'put to sleep' | 'would sleep' | 'failed'
  why: string
  /** The PR as GitHub has it (empty when GitHub could not say). */
  title: string
  author: string
  prUrl: string
  createdAt: string
  requested: { now: Requested; awake: Requested }
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
    return {
      ...describe(ns),
      ...unknownPr,
      ready: 'unknown',
      state: 'failed',
      kept: false,
      decision: 'failed',
      why,
    }
  })
}

const NOTHING = { cpu: 0, memory: 0 }
const unknownPr = { title: '', author: '', prUrl: '', requested: { now: NOTHING, awake: NOTHING } }

export { humanAge }

/** What the namespace's labels and annotations say about its preview. */
function describe(ns: KubeObject) {
  const a = ns.metadata.annotations ?? {}
  return {
    namespace: ns.metadata.name,
    pr: Number(ns.metadata.labels?.[LABEL.pr]),
    deployedAt: a[ANNOTATION.deployedAt] ?? String(ns.metadata.creationTimestamp ?? ''),
    sha: (a[ANNOTATION.headSha] ?? '').slice(0, 7),
    url: a[ANNOTATION.url] ?? '',
    createdAt: String(ns.metadata.creationTimestamp ?? ''),
  }
}

/** What the sweep knows of one preview: its namespace's record, its PR as GitHub has it, whether it is kept. */
interface Swept {
  ns: KubeObject
  known: ReturnType<typeof describe>
  environment: string
  state: 'open' | 'closed' | null
  kept: boolean
  pull: { title: string; author: string; prUrl: string }
  /** The row as the preview is now: readiness, state and requests read after the decision was carried out. */
  row(decision: SweepRow['decision'], why: string, asleep?: boolean): Promise<SweepRow>
}

async function sweepOne(
  ns: KubeObject,
  o: SweepOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<SweepRow> {
  if (!o.dryRun && !ns.metadata.deletionTimestamp) await bindReads(ns, o, kube, log)
  const p = await look(ns, o, kube, github)
  // A kept preview is exempt from the TTL; a closed PR's preview goes all the same.
  const why = sweepReason(p.state, p.known.deployedAt, p.kept ? null : o.ttlMs, o.now)
  if (why) return removeDue(p, why, o, kube, github, log)
  if (p.state === 'open') await warnBeforeTtl(p, o, kube, github, log)
  return sleepIfIdle(p, o, kube, github, log)
}

/**
 * The sweep reads inside each preview (readiness, sleep): an identity that `init` confined reads only where the
 * action bound its reads, which a deploy does, so a preview deployed before `init` is bound here. When that is not
 * possible the sweep goes on (removing needs no reads) and says why; a dry run writes nothing, not even this.
 */
async function bindReads(ns: KubeObject, o: SweepOptions, kube: Kube, log: RunLog): Promise<void> {
  const owner = {
    repository: o.repository,
    pr: Number(ns.metadata.labels?.[LABEL.pr]),
    namespace: ns.metadata.name,
  }
  await ensureReadAccess(kube, owner).catch((e: Error) =>
    log.warning(
      `${ns.metadata.name}: could not bind this identity's reads there (${e.message.split('\n')[0]})`,
    ),
  )
}

async function look(ns: KubeObject, o: SweepOptions, kube: Kube, github: GitHub): Promise<Swept> {
  const known = describe(ns)
  const found = await github.pullRequest(known.pr)
  const kept = isKept(ns, found?.labels ?? [], o.keepLabel)
  const pull = { title: found?.title ?? '', author: found?.author ?? '', prUrl: found?.htmlUrl ?? '' }
  return {
    ns,
    known,
    environment: ns.metadata.annotations?.[ANNOTATION.environment] ?? `preview/pr-${known.pr}`,
    state: found?.state ?? null,
    kept,
    pull,
    async row(decision, why, asleep = isAsleep(ns)) {
      const w = await workloadsReady(kube, ns.metadata.name)
      return {
        ...known,
        ...pull,
        ready: w.ready,
        state: asleep ? 'asleep' : w.allReady ? 'ready' : 'failed',
        kept,
        decision,
        why,
        requested: requestedBy(w.workloads, o.defaultRequests),
      }
    },
  }
}

async function removeDue(
  p: Swept,
  why: string,
  o: SweepOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<SweepRow> {
  if (o.dryRun) return p.row('would be removed', why)
  const before = await p.row('removed', why)
  const owner = { repository: o.repository, pr: p.known.pr, namespace: p.known.namespace }
  await removePreview(
    { owner, environment: p.environment, logUrl: o.logUrl, why: `swept: ${why}` },
    { timeoutMs: o.timeoutMs, deleteEnvironment: false },
    kube,
    github,
    log,
  )
  return before
}

/** Put to sleep when idle longer than sleep-after (an open PR's preview that is not kept); else kept as it is. */
async function sleepIfIdle(
  p: Swept,
  o: SweepOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<SweepRow> {
  const idle =
    p.state === 'open' ? sleepReason(p.ns, { sleepAfterMs: o.sleepAfterMs, kept: p.kept, now: o.now }) : null
  if (!idle) {
    const why = p.kept
      ? 'kept (/preview keep or the keep label)'
      : p.state === 'open'
        ? 'its pull request is open'
        : 'recently deployed'
    return p.row('kept', why)
  }
  if (o.dryRun) return p.row('would sleep', idle)
  const slept = await sleepPreview(
    {
      owner: { repository: o.repository, pr: p.known.pr, namespace: p.known.namespace },
      environment: p.environment,
      logUrl: o.logUrl,
      holder: `${o.holder} (sweep: sleep)`,
      timeoutMs: o.timeoutMs,
      comment: o.comment,
    },
    kube,
    github,
    log,
    o.now,
  )
  if (slept.status === 'absent') return p.row('kept', 'removed while the sweep ran', false)
  return p.row('put to sleep', idle, true)
}

/** The TTL notice, once per deploy, from ttl − ttl-warning on: when the preview goes and how to keep it. */
async function warnBeforeTtl(
  p: Swept,
  o: SweepOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<void> {
  const goes = ttlNoticeDue(p.ns, { ttlMs: o.ttlMs, warningMs: o.ttlWarningMs, kept: p.kept, now: o.now })
  if (!goes || o.dryRun) return
  await github.reply(p.known.pr, ttlNotice(p.environment, goes, o.keepLabel))
  const deployedAt =
    p.ns.metadata.annotations?.[ANNOTATION.deployedAt] ?? String(p.ns.metadata.creationTimestamp ?? '')
  await annotateNamespace(kube, p.ns, { [ANNOTATION.ttlWarnedFor]: deployedAt })
  log.info(`PR #${p.known.pr}: told that its preview goes at ${goes.toISOString()}`)
}

async function workloadsReady(
  kube: Kube,
  namespace: string,
): Promise<{ ready: string; allReady: boolean; workloads: KubeObject[] }> {
  const lists = await Promise.all(
    [
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'StatefulSet'],
    ].map(([v, k]) =>
      kube.list(v!, k!, namespace).then((l) => l.items.map((i) => ({ ...i, apiVersion: v!, kind: k! }))),
    ),
  ).catch(() => null)
  if (!lists) return { ready: 'unknown', allReady: false, workloads: [] }
  const all = lists.flat()
  const ready = all.filter((w) => readiness(w).state === 'ready').length
  return { ready: `${ready}/${all.length} ready`, allReady: ready === all.length, workloads: all }
}

const slept = (rows: SweepRow[], o: SweepOptions) => {
  const n = rows.filter((r) => r.decision === 'put to sleep' || r.decision === 'would sleep').length
  return n ? `, ${n} ${o.dryRun ? 'would sleep' : 'put to sleep'}` : ''
}

export function sweepSummary(rows: SweepRow[], o: SweepOptions): string {
  const lines = [
    `### Previews of ${o.repository}${o.dryRun ? ' (dry run: nothing removed)' : ''}`,
    '',
    `${rows.filter((r) => r.decision === 'kept').length} kept, ${rows.filter((r) => r.decision === 'removed' || r.decision === 'would be removed').length} ${o.dryRun ? 'would be removed' : 'removed'}${slept(rows, o)}${rows.some((r) => r.decision === 'failed') ? `, ${rows.filter((r) => r.decision === 'failed').length} failed` : ''}${o.ttlMs ? ` · ttl ${humanAge(o.ttlMs)}` : ''}${o.sleepAfterMs ? ` · sleep-after ${humanAge(o.sleepAfterMs)}` : ''}`,
    '',
  ]
  if (rows.length) {
    lines.push(
      '| PR | Age | Commit | URL | Ready | Decision | Why | State |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    )
    for (const r of [...rows].sort((a, b) => a.pr - b.pr)) {
      const age = Number.isFinite(Date.parse(r.deployedAt))
        ? humanAge(o.now.getTime() - Date.parse(r.deployedAt))
        : '?'
      lines.push(
        `| #${r.pr} | ${age} | ${r.sha ? `\`${r.sha}\`` : ''} | ${r.url ? `<${r.url}>` : ''} | ${r.ready} | ${r.decision === 'failed' ? '❌ failed' : r.decision} | ${cell(r.why)} | ${r.state}${r.kept ? ', kept' : ''} |`,
      )
    }
  }
  return lines.join('\n') + '\n'
}
