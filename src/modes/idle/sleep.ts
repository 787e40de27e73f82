// mode: sleep, `/preview sleep`, and the sweep's sleep-after: the preview's workloads at 0 and its CronJobs
// suspended, under the preview's lock; Services, routes, Secrets and volumes stay. The GitHub deployment gets an
// inactive status that says since when it sleeps and how to wake it, and the PR comment says so too.
import { commentMarker } from '../../github/comment.js'
import type { GitHub } from '../../github/client.js'
import { asleepComment } from '../../github/idle-comments.js'
import type { Kube } from '../../kube/port.js'
import { annotateNamespace, podsGone, putWorkloadsToSleep, sleepingKinds } from '../../kube/apply/sleep.js'
import { asleepDescription, isAsleep } from '../../preview/idle.js'
import { ANNOTATION } from '../../preview/ownership.js'
import type { RunLog } from '../../shared/run-log.js'
import { environmentOf, holdPreview, liveNamespace, type IdleTarget } from './target.js'

export interface SleepOutcome {
  status: 'asleep' | 'already asleep' | 'absent'
  /** When it went to sleep (ISO). */
  since: string
  /** The workloads it stopped: `Deployment web`. */
  stopped: string[]
  /** Pods still there when the timeout ran out (0: all gone). */
  podsLeft: number
}

export async function sleepPreview(
  t: IdleTarget,
  kube: Kube,
  github: GitHub,
  log: RunLog,
  now = new Date(),
): Promise<SleepOutcome> {
  const deadline = Date.now() + t.timeoutMs
  const absent: SleepOutcome = { status: 'absent', since: '', stopped: [], podsLeft: 0 }
  if (!(await liveNamespace(kube, t.owner))) return absent
  const held = await holdPreview(t, kube, github, log, deadline)
  try {
    // Under the lock: a close may have removed it while this run waited.
    const ns = await liveNamespace(held.kube, t.owner)
    if (!ns) return absent
    const already = isAsleep(ns)
    const since = already ? ns.metadata.annotations![ANNOTATION.asleepSince]! : now.toISOString()
    // The namespace says asleep first: a sleep that stops half-way is then finished by the next sleep, or undone
    // by the next wake or deploy. The workloads always (also when already asleep): that repairs such a sleep.
    await sleepingKinds(held.kube, t.owner, true) // refuses, before any change, a namespace with foreign workloads
    if (!already) await annotateNamespace(held.kube, ns, { [ANNOTATION.asleepSince]: since })
    const stopped = await putWorkloadsToSleep(held.kube, t.owner, log)
    const podsLeft = await podsGone(held.kube, t.owner.namespace, deadline)
    if (!already || stopped.length)
      await reportAsleep(t, environmentOf(t, ns), new Date(since), held.github, log)
    return {
      status: already && stopped.length === 0 ? 'already asleep' : 'asleep',
      since,
      stopped: stopped.map((o) => `${o.kind} ${o.metadata.name}`),
      podsLeft,
    }
  } finally {
    await held.lock.release()
  }
}

/** The latest deployment inactive, saying since when and how to wake it; the sticky comment the same. */
async function reportAsleep(t: IdleTarget, environment: string, since: Date, github: GitHub, log: RunLog) {
  const [latest] = await github.listDeployments(environment, 1)
  if (latest)
    await github.setStatus(latest.id, {
      state: 'inactive',
      description: asleepDescription(since),
      logUrl: t.logUrl,
    })
  if (t.comment) {
    await github
      .upsertComment(
        t.owner.pr,
        commentMarker(environment),
        asleepComment(environment, t.owner.namespace, since, t.logUrl),
        true,
      )
      .catch((e: Error) => log.warning(`Could not update the PR comment (${e.message})`))
  }
}
