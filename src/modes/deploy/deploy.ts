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
import { labelPodSecurity } from '../../kube/apply/pod-security.js'
import type { Plan } from '../../preview/plan.js'
import type { RunLog } from '../../shared/run-log.js'
import type { DeployOptions, DeployOutcome } from './types.js'
import type { Kube } from '../../kube/port.js'

export { livePreviews } from './freshness.js'
export { ownerOf, renderPreview } from './preview-objects.js'

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
  const namespace = await ensureNamespace(run.kube, run.owner, existing)
  await labelPodSecurity(run.kube, run.plan.namespace, run.o.guardrails.podSecurity)

  const lock = await claimPreview(run)
  if (lock instanceof NotWaitingError) return skipped(lock.message)
  let deploymentId: number | null = null
  try {
    const live = await lookAgain(run, namespace)
    if (typeof live === 'string') return skipped(live)
    const { objects, urls, url } = await prepareObjects(run)
    const id = (deploymentId = await startDeployment(run, urls))
    const since = Date.now()
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
