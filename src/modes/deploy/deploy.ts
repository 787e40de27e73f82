// Deploying a preview, top to bottom: render → claim the preview (lock, newest commit wins) → validate (dry run) →
// GitHub deployment → apply and prune → wait → report. The steps are in run.ts, claim.ts and rollout.ts.
import { skipped, startRun } from './run.js'
import {
  checkLivePreviewLimit,
  claimPreview,
  lookAgain,
  lookBeforeClaiming,
  prepareObjects,
  renderFirst,
} from './claim.js'
import { afterError, applyObjects, reportOutcome, startDeployment, waitForReadiness } from './rollout.js'
import type { GitHub } from '../../github/client.js'
import { ensureNamespace } from '../../kube/apply/apply.js'
import { NotWaitingError } from '../../kube/lock.js'
import { labelPodSecurity, podSecurityLabels } from '../../kube/apply/pod-security.js'
import { ensureReadAccess } from '../../kube/read-access.js'
import type { Plan } from '../../preview/plan.js'
import type { RunLog } from '../../shared/run-log.js'
import type { DeployOptions, DeployOutcome } from './types.js'
import type { Kube } from '../../kube/port.js'
import type { KubeObject } from '../../shared/kube-object.js'
import { restoreFromSleep } from '../idle/wake.js'
import { isAsleep } from '../../preview/idle.js'

export { livePreviews } from './freshness.js'

export { ownerOf, renderPreview } from './preview-objects.js'

/** The Jobs this deploy applies: the ones a wake must run again (the others are pruned). */
const jobsOf = (objects: KubeObject[]) => {
  const names = new Set(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name))
  return (job: KubeObject) => names.has(job.metadata.name)
}

export async function deploy(
  plan: Plan,
  options: DeployOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<DeployOutcome> {
  const run = await startRun(plan, options, kube, github, log)
  const existing = await renderFirst(run)
  const early = await lookBeforeClaiming(run, existing)
  if (early) return skipped(early)
  await checkLivePreviewLimit(run, existing)
  const podSecurity = run.o.guardrails.podSecurity
  const namespace = await ensureNamespace(run.kube, run.owner, existing, podSecurityLabels(podSecurity))
  await ensureReadAccess(run.kube, run.owner)

  const lock = await claimPreview(run)
  if (lock instanceof NotWaitingError) return skipped(lock.message)
  let deploymentId: number | null = null
  try {
    const live = await lookAgain(run, namespace, lock.waited)
    if (typeof live === 'string') return skipped(live)
    // Under the lock, and with the namespace's uid: a namespace removed meanwhile (a close) is never re-created.
    await labelPodSecurity(run.kube, run.plan.namespace, podSecurity, namespace)
    const { objects, urls, url } = await prepareObjects(run, live)
    const id = await startDeployment(run, urls, (created) => (deploymentId = created))
    // By the API server's clock: refusals and deadlines stamped before this are an earlier run's.
    const since = run.kube.serverTime?.() ?? Date.now()
    // Any deploy wakes: what sleep stopped comes back before the apply sets what the templates say.
    if (isAsleep(live))
      await restoreFromSleep(run.kube, run.owner, live, run.deadline, run.log, jobsOf(objects))
    const applied = await applyObjects(run, objects, url, live)
    const waited = run.o.wait ? await waitForReadiness(run, applied.applied, since) : null
    const pruned = applied.pruned.map((r) => `${r.kind} ${r.name}`)
    const done = (status: DeployOutcome['status'], rest: Partial<DeployOutcome>): DeployOutcome => ({
      ...skipped(''),
      status,
      url,
      urls,
      deploymentId: id,
      pruned,
      ...rest,
    })
    return await reportOutcome(run, id, done, applied.applied, waited, objects, urls, url)
  } catch (e) {
    return await afterError(run, namespace, deploymentId, e)
  } finally {
    await lock.release()
  }
}
