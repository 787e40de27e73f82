// mode: wake and `/preview wake`: the replicas back as they were, then the wait of a deploy (same readiness rules,
// timeout and diagnosis), then a success status with the URL. Waking a preview that is awake changes nothing. A
// wake never brings back a closed PR's preview: it only changes objects that exist, after checking under the lock
// that the namespace is live and the PR open.
import { commentMarker } from '../../github/comment.js'
import type { GitHub } from '../../github/client.js'
import { tidyEarlierDeployments } from '../../github/deployments.js'
import { wokenComment } from '../../github/idle-comments.js'
import type { Kube } from '../../kube/port.js'
import { diagnose, namespaceEvents, type Diagnosis } from '../../kube/diagnosis/diagnose.js'
import { annotateNamespace, hasPersistentData, runJobsAgain, wakeWorkloads } from '../../kube/apply/sleep.js'
import { waitContext, waitedWorkloads, waitForWorkloads } from '../../kube/wait/wait.js'
import { isAsleep } from '../../preview/idle.js'
import { ANNOTATION, ownerSelector, type Owner } from '../../preview/ownership.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { WorkloadStatus } from '../../shared/readiness.js'
import type { Log, RunLog } from '../../shared/run-log.js'
import { environmentOf, holdPreview, liveNamespace, type IdleTarget } from './target.js'

export interface WakeOutcome {
  status: 'ready' | 'failed' | 'already awake' | 'absent' | 'closed'
  url: string
  workloads: WorkloadStatus[]
  diagnoses: Diagnosis[]
  /** One line: why it failed, or what happened. */
  reason: string
}

const outcome = (status: WakeOutcome['status'], reason: string, url = ''): WakeOutcome => ({
  status,
  url,
  workloads: [],
  diagnoses: [],
  reason,
})

/**
 * The preview's sleeping workloads restored, its Jobs run again when its data did not survive, and the namespace
 * marked awake. Used by a wake and, before its apply, by every deploy. Returns what must become ready, or null
 * when nothing was asleep.
 */
export async function restoreFromSleep(
  kube: Kube,
  owner: Owner,
  ns: KubeObject,
  deadline: number,
  log: Log,
  /** Which of the preview's Jobs may run again (a deploy: only those it applies again). */
  rerun: (job: KubeObject) => boolean = () => true,
): Promise<KubeObject[] | null> {
  const woken = await wakeWorkloads(kube, owner, log)
  if (!isAsleep(ns) && woken.length === 0) return null
  const jobs =
    isAsleep(ns) && !(await hasPersistentData(kube, owner))
      ? await runJobsAgain(kube, owner, deadline, log, rerun)
      : []
  await annotateNamespace(kube, ns, {
    [ANNOTATION.asleepSince]: null,
    [ANNOTATION.wokenAt]: new Date().toISOString(),
  })
  return [...woken, ...jobs]
}

export async function wakePreview(
  t: IdleTarget,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<WakeOutcome> {
  const deadline = Date.now() + t.timeoutMs
  const closed = async () => (await github.pullRequest(t.owner.pr))?.state === 'closed'
  if (!(await liveNamespace(kube, t.owner))) return outcome('absent', 'there is no preview to wake')
  if (await closed()) return outcome('closed', 'the pull request is closed; its preview is not woken')
  const held = await holdPreview(t, kube, github, log, deadline)
  try {
    const ns = await liveNamespace(held.kube, t.owner)
    if (!ns) return outcome('absent', 'the preview was removed while this run waited')
    if (await closed()) return outcome('closed', 'the pull request was closed while this run waited')
    const url = ns.metadata.annotations?.[ANNOTATION.url] ?? ''
    const since = held.kube.serverTime?.() ?? Date.now()
    // A close while it wakes wins: once the namespace is going, the wake stops and reports nothing on GitHub.
    const removed = async () => !(await liveNamespace(kube, t.owner).catch(() => null))
    const CLOSED_MEANWHILE =
      'the preview was removed while it woke (the pull request was closed); it stays removed'
    let woken: WakeOutcome
    try {
      const restored = await restoreFromSleep(held.kube, t.owner, ns, deadline, log)
      if (!restored) return outcome('already awake', 'the preview is awake', url)
      woken = await waitAndReport(t, environmentOf(t, ns), url, restored, since, deadline, held, log, removed)
    } catch (e) {
      if (await removed()) return outcome('closed', CLOSED_MEANWHILE)
      throw e
    }
    if (woken.status === 'closed') return outcome('closed', CLOSED_MEANWHILE)
    if (t.comment)
      await held.github
        .upsertComment(
          t.owner.pr,
          commentMarker(environmentOf(t, ns)),
          wokenComment(environmentOf(t, ns), woken, t.owner.namespace, new Date(), t.logUrl),
          true,
        )
        .catch((e: Error) => log.warning(`Could not update the PR comment (${e.message})`))
    return woken
  } finally {
    await held.lock.release()
  }
}

/** The deploy's wait on every workload of the preview, then success (with the URL) or failure (diagnosed). */
async function waitAndReport(
  t: IdleTarget,
  environment: string,
  url: string,
  restored: KubeObject[],
  since: number,
  deadline: number,
  held: { kube: Kube; github: GitHub },
  log: RunLog,
  removed: () => Promise<boolean>,
): Promise<WakeOutcome> {
  const workloads = await everyWorkload(held.kube, t.owner, restored)
  const waited = await log.group('Wait', () =>
    waitForWorkloads(
      held.kube,
      t.owner.namespace,
      ownerSelector(t.owner),
      waitedWorkloads(workloads),
      deadline,
      (w) => log.info(`${w.object.kind} ${w.object.metadata.name}: ${w.readiness.message}`),
      waitContext(workloads, since),
    ),
  )
  if (await removed()) return outcome('closed', 'removed while it woke')
  const [latest] = await held.github.listDeployments(environment, 1)
  if (waited.outcome === 'ready') {
    if (latest) {
      await held.github.setStatus(latest.id, {
        state: 'success',
        description: 'Awake and ready',
        environmentUrl: url,
        logUrl: t.logUrl,
      })
      await tidyEarlierDeployments(held.github, environment, latest.id, true, t.logUrl).catch(() => [])
    }
    return { status: 'ready', url, workloads: waited.workloads, diagnoses: [], reason: 'awake and ready' }
  }
  const notReady = waited.workloads.filter((w) => w.readiness.state !== 'ready')
  const events = await namespaceEvents(held.kube, t.owner.namespace)
  const diagnoses = await Promise.all(
    [...notReady]
      .sort((a, b) => Number(b.readiness.state === 'failed') - Number(a.readiness.state === 'failed'))
      .map((w) => diagnose(held.kube, t.owner.namespace, w, events)),
  )
  for (const d of diagnoses) for (const line of d.details) log.info(line)
  const reason =
    waited.outcome === 'timeout'
      ? `Not ready within ${Math.round(t.timeoutMs / 1000)}s: ${diagnoses[0]?.headline ?? ''}`
      : (diagnoses[0]?.headline ?? 'a workload failed')
  if (latest)
    await held.github.setStatus(latest.id, { state: 'failure', description: reason, logUrl: t.logUrl })
  return { status: 'failed', url, workloads: waited.workloads, diagnoses, reason }
}

/** Every Deployment and StatefulSet of the preview (the woken ones as stored), and the Jobs that run again. */
async function everyWorkload(kube: Kube, owner: Owner, restored: KubeObject[]): Promise<KubeObject[]> {
  const byKey = new Map<string, KubeObject>()
  for (const [v, k] of [
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'StatefulSet'],
  ] as const) {
    const list = await kube.list(v, k, owner.namespace, { labelSelector: ownerSelector(owner) })
    for (const i of list.items) byKey.set(`${k}/${i.metadata.name}`, { ...i, apiVersion: v, kind: k })
  }
  for (const r of restored) byKey.set(`${r.kind}/${r.metadata.name}`, r)
  return [...byKey.values()]
}
