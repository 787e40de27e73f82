// The steps of a deploy from the GitHub deployment on: start it, apply and prune, wait, report the outcome (or
// the error), and the live-preview count the fleet limit reads.
import { tidyEarlierDeployments } from '../../github/deployments.js'
import { frontDoorNotes } from './frontdoor.js'
import { applyPreview, waitUntilGone, type ApplyResult } from '../../kube/apply/apply.js'
import { restoreFromSleep } from '../idle/wake.js'
import { isAsleep } from '../../preview/idle.js'
import { ValidationError } from '../../kube/apply/validate.js'
import { diagnose, namespaceEvents } from '../../kube/diagnosis/diagnose.js'
import { redact, stopCommandsBlock } from '../../shared/untrusted-text.js'
import { waitContext, waitedWorkloads, waitForWorkloads, type WaitResult } from '../../kube/wait/wait.js'
import { ANNOTATION, ownerSelector } from '../../preview/ownership.js'
import { NOT_CHECKED_STATUS } from '../../github/report.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { DeployOutcome } from './types.js'
import type { Prepared } from './claim.js'
import { skipped, type Run } from './run.js'
import { isRemoved } from './freshness.js'
import { smokeLine, smokeStep } from './smoke.js'
/**
 * The GitHub deployment of this run, in progress. `created` is told its id as soon as GitHub gives it: a close
 * can remove the preview while the deployment is being created, and the `in_progress` status is then refused
 * (guard.ts); the run must still close that deployment (`inactive`, afterError), or it stays without a status.
 */
export async function startDeployment(
  r: Run,
  urls: Record<string, string>,
  created: (id: number) => void,
): Promise<number> {
  const { plan, github, log } = r
  return log.group('GitHub deployment', async () => {
    const id = await github.createDeployment({
      ref: plan.ref,
      environment: plan.environment,
      description: `Preview of PR #${plan.pr.number} at ${plan.pr.head.sha.slice(0, 7)}`,
      payload: { namespace: plan.namespace, pr: plan.pr.number, sha: plan.pr.head.sha, urls },
    })
    created(id)
    await github.setStatus(id, {
      state: 'in_progress',
      description: 'Deploying the preview',
      logUrl: plan.logUrl,
    })
    log.info(`deployment ${id} for environment ${plan.environment} is in progress`)
    return id
  })
}

/** Applies and prunes; the namespace records what this commit deployed. */
export async function applyObjects(r: Run, live: KubeObject, prepared: Prepared) {
  const { plan, log } = r
  const { objects, url, digestKey } = prepared
  return log.group('Apply', async () => {
    const result = await applyPreview(
      r.kube,
      r.owner,
      objects,
      {
        [ANNOTATION.headSha]: plan.pr.head.sha,
        [ANNOTATION.headUpdatedAt]: plan.pr.updatedAt,
        [ANNOTATION.runId]: plan.runId,
        [ANNOTATION.deployedAt]: new Date().toISOString(),
        [ANNOTATION.environment]: plan.environment,
        [ANNOTATION.url]: url,
      },
      live,
      r.deadline,
      log,
      digestKey,
    )
    log.info(
      `applied ${result.applied.length} objects to namespace ${plan.namespace}${result.pruned.length ? `, pruned ${result.pruned.length}` : ''}`,
    )
    return result
  })
}

/** The Jobs this deploy applies: the ones a wake must run again (the others are pruned). */
const jobsOf = (objects: KubeObject[]) => {
  const names = new Set(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name))
  return (job: KubeObject) => names.has(job.metadata.name)
}

/**
 * The GitHub deployment, then the apply. A new preview is applied without a dry run: a refusal removes it again,
 * its GitHub deployment too (applyNewPreview). Any other preview is woken first if it sleeps.
 */
export async function rollOut(
  r: Run,
  live: KubeObject,
  prepared: Prepared,
  started: (deploymentId: number) => void,
): Promise<ApplyResult> {
  const id = await startDeployment(r, prepared.urls, started)
  if (prepared.fresh) return applyNewPreview(r, live, prepared, id)
  // Any deploy wakes: what sleep stopped comes back before the apply sets what the templates say.
  if (isAsleep(live))
    await restoreFromSleep(r.kube, r.owner, live, r.deadline, r.log, jobsOf(prepared.objects))
  return applyObjects(r, live, prepared)
}

/**
 * A new preview's first apply, with no dry run before it: when the cluster refuses an object, the run removes
 * what it made (the namespace, and everything in it, and its GitHub deployment) and waits until the namespace is
 * gone, then fails with the refusal. So a refused first deploy leaves nothing behind, as a dry run would have; the
 * next push starts afresh.
 */
export async function applyNewPreview(r: Run, live: KubeObject, prepared: Prepared, deploymentId: number) {
  try {
    return await applyObjects(r, live, prepared)
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace }
    r.log.info(`the cluster refused an object of this new preview: removing namespace ${ref.name} again`)
    try {
      await r.kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined })
      await waitUntilGone(r.kube, ref, r.deadline)
    } catch (cleanup) {
      r.log.warning(`could not remove namespace ${ref.name}: ${(cleanup as Error).message}`)
    }
    try {
      await r.github.setStatus(deploymentId, {
        state: 'inactive',
        description: 'Refused by the cluster',
        logUrl: r.plan.logUrl,
      })
      await r.github.deleteDeployment(deploymentId)
    } catch (cleanup) {
      r.log.warning(`could not remove GitHub deployment ${deploymentId}: ${(cleanup as Error).message}`)
    }
    throw e
  }
}

/** Waits for every workload; this run's lasting refusals (from `since` on) fail it at once. */
export async function waitForReadiness(r: Run, applied: KubeObject[], since: number): Promise<WaitResult> {
  return r.log.group('Wait', () =>
    waitForWorkloads(
      r.kube,
      r.plan.namespace,
      ownerSelector(r.owner),
      waitedWorkloads(applied),
      r.deadline,
      (w) => r.log.info(`${w.object.kind} ${w.object.metadata.name}: ${w.readiness.message}`),
      waitContext(applied, since),
    ),
  )
}

/** What a run that applied its objects reports: applied, ready, or why not (diagnosed). */
export async function reportOutcome(
  r: Run,
  id: number,
  done: (status: DeployOutcome['status'], rest: Partial<DeployOutcome>) => DeployOutcome,
  applied: KubeObject[],
  waited: WaitResult | null,
  objects: KubeObject[],
  urls: Record<string, string>,
  url: string,
): Promise<DeployOutcome> {
  const { plan } = r
  if (!waited) {
    await report(r, id, { state: 'success', description: NOT_CHECKED_STATUS, environmentUrl: url })
    return done('deployed', {
      readinessChecked: false,
      workloads: waitedWorkloads(applied).map((w) => ({
        object: w,
        readiness: { state: 'progressing', message: 'readiness not checked' },
      })),
    })
  }
  if (waited.outcome === 'ready') {
    const smoke = await smokeStep(r, objects, urls)
    const broken = smoke.filter((x) => x.outcome === 'fail')
    if (broken.length) {
      // Every pod is ready, but the preview does not answer through its front door: not healthy.
      const reason = `Smoke check: ${broken.map((x) => `${x.service} ${x.text}`).join('; ')}`
      await report(r, id, { state: 'failure', description: reason })
      const details = [
        'Smoke check (every workload is ready, but a preview URL does not work):',
        ...broken.map(smokeLine),
      ]
      return done('failed', {
        workloads: waited.workloads,
        smoke,
        reason,
        diagnoses: [{ headline: reason, details }],
      })
    }
    const description = `Ready at ${plan.pr.head.sha.slice(0, 7)}`
    await report(r, id, { state: 'success', description, environmentUrl: url })
    const notes = await frontDoorNotes(r.kube, plan, objects, urls, ownerSelector(r.owner), r.deadline)
    const warned = smoke.filter((x) => x.outcome === 'warn').map((x) => `Smoke check: ${smokeLine(x)}`)
    return done('deployed', { workloads: waited.workloads, notes: [...notes, ...warned], smoke })
  }
  const notReady = waited.workloads.filter((w) => w.readiness.state !== 'ready')
  const failedFirst = [...notReady].sort(
    (a, b) => Number(b.readiness.state === 'failed') - Number(a.readiness.state === 'failed'),
  )
  const diagnoses = await r.log.group('Diagnose', async () => {
    const events = await namespaceEvents(r.kube, plan.namespace)
    const found = await Promise.all(failedFirst.map((w) => diagnose(r.kube, plan.namespace, w, events)))
    // Pod logs, termination messages and events are the PR's code's words: every known secret is redacted
    // before they go anywhere, and in the log no line of theirs is read as a workflow command.
    const clean = found.map((d) => ({
      headline: redact(d.headline, r.secrets),
      details: d.details.map((l) => redact(l, r.secrets)),
    }))
    for (const line of stopCommandsBlock(clean.flatMap((d) => d.details))) r.log.info(line)
    return clean
  })
  const reason =
    waited.outcome === 'timeout'
      ? `Not ready within ${Math.round(r.o.timeoutMs / 1000)}s: ${diagnoses[0]?.headline ?? ''}`
      : (diagnoses[0]?.headline ?? 'a workload failed')
  await report(r, id, { state: 'failure', description: reason })
  return done('failed', { workloads: waited.workloads, diagnoses, reason })
}

/**
 * After an error: a close that removed the namespace mid-deploy is not a failure of this run (the preview stays
 * removed); anything else is reported on this run's deployment, then thrown.
 */
export async function afterError(
  r: Run,
  namespace: KubeObject,
  deploymentId: number | null,
  e: unknown,
): Promise<DeployOutcome> {
  const now = await r.kube
    .get({ apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace })
    .catch(() => undefined)
  const removed = now !== undefined && isRemoved(now, namespace)
  if (deploymentId !== null) {
    const status = removed
      ? {
          state: 'inactive' as const,
          description: 'The pull request was closed while deploying; nothing was left running',
        }
      : { state: 'error' as const, description: `Deploy error: ${(e as Error).message}` }
    await r.github
      .setStatus(deploymentId, { ...status, logUrl: r.plan.logUrl })
      .catch((ge: Error) => r.log.warning(`could not report to GitHub: ${ge.message}`))
  }
  if (removed)
    return {
      ...skipped('the preview was removed while this run was deploying (the pull request was closed)'),
      deploymentId,
    }
  throw e
}

/**
 * The final status of this run's deployment, then the repair of earlier ones. If GitHub will not take it even
 * after retries, the run fails saying what state the preview is in.
 */
async function report(
  r: Run,
  id: number,
  status: { state: 'success' | 'failure'; description: string; environmentUrl?: string },
): Promise<void> {
  const { plan } = r
  try {
    await r.github.setStatus(id, { ...status, logUrl: plan.logUrl })
  } catch (e) {
    const where =
      status.state === 'success'
        ? `The preview is deployed and healthy${status.environmentUrl ? ` at ${status.environmentUrl}` : ''}`
        : 'The preview is not healthy'
    throw new Error(
      `${where}, but GitHub did not accept the deployment status (${(e as Error).message}); re-run the job to report it.`,
      { cause: e },
    )
  }
  try {
    await tidyEarlierDeployments(r.github, plan.environment, id, status.state === 'success', plan.logUrl)
  } catch (e) {
    r.log.warning(`could not tidy earlier deployments of ${plan.environment}: ${(e as Error).message}`)
  }
}

/** The namespaces of every live preview of a repository on the cluster. */
