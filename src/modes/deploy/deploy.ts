// Deploying a preview, top to bottom: render → claim the preview (lock, newest commit wins) → validate (dry run) →
// GitHub deployment → apply and prune → wait → report. The steps are in run.ts, claim.ts and rollout.ts.
import { skipped, startRun } from './run.js'
import {
  checkLivePreviewLimit,
  claimPreview,
  confirmLivePreviewLimit,
  lookAgain,
  lookBeforeClaiming,
  prepareObjects,
  renderFirst,
} from './claim.js'
import { afterError, reportOutcome, rollOut, waitForReadiness } from './rollout.js'
import type { GitHub } from '../../github/client.js'
import { ensureNamespace } from '../../kube/apply/apply.js'
import { ValidationError } from '../../kube/apply/validate.js'
import { NotWaitingError } from '../../kube/lock.js'
import { labelPodSecurity, podSecurityLabels } from '../../kube/apply/pod-security.js'
import { ensureReadAccess } from '../../kube/read-access.js'
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
  const podSecurity = run.o.guardrails.podSecurity
  const { namespace, created } = await ensureNamespace(
    run.kube,
    run.owner,
    existing,
    podSecurityLabels(podSecurity),
  )
  await confirmLivePreviewLimit(run, namespace, created)
  await ensureReadAccess(run.kube, run.owner, Boolean(run.firstRender?.secret))

  const lock = await claimPreview(run)
  if (lock instanceof NotWaitingError) return skipped(lock.message)
  let deploymentId: number | null = null
  let fresh = false
  try {
    const live = await lookAgain(run, namespace, lock.waited)
    if (typeof live === 'string') return skipped(live)
    // Under the lock, and with the namespace's uid: a namespace removed meanwhile (a close) is never re-created.
    await labelPodSecurity(run.kube, run.plan.namespace, podSecurity, namespace)
    const untouched = created && live.metadata.resourceVersion === namespace.metadata.resourceVersion
    const prepared = await prepareObjects(run, live, untouched)
    const { objects, urls, url } = prepared
    fresh = prepared.fresh
    // By the API server's clock: refusals and deadlines stamped before this are an earlier run's.
    const since = run.kube.serverTime?.() ?? Date.now()
    const applied = await rollOut(run, live, prepared, (id) => (deploymentId = id))
    const id = deploymentId!
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
    // Refused before its GitHub deployment existed, or a new preview's refusal (applyNewPreview removed the
    // preview and its GitHub deployment again): nothing to report on.
    if (e instanceof ValidationError && (deploymentId === null || fresh)) throw e
    return await afterError(run, namespace, deploymentId, e)
  } finally {
    await lock.release()
  }
}
