// The steps of a deploy, in the order src/deploy.ts runs them. Each takes the run (plan, options, ports, deadline)
// and does one thing: render, check the fleet limit, claim the preview, look again under the lock, start the
// GitHub deployment, apply, wait, report.
import { CREDENTIALS_SECRET, decodeCredentials, maskCredentials } from './credentials.js'
import type { DeployOptions, DeployOutcome, RunLog } from './deploy.js'
import { tidyEarlierDeployments } from './deployments.js'
import { checkFrontDoor, frontDoorNotes } from './frontdoor-deploy.js'
import type { GitHub } from './github.js'
import { applyPreview, currentNamespace } from './kube/apply.js'
import type { Kube } from './kube/client.js'
import { diagnose, namespaceEvents } from './kube/diagnose.js'
import { prepareFrontDoor, type PreparedFrontDoor } from './kube/frontdoor.js'
import { acquireLock, guardGitHub, guardKube, NotWaitingError, type Lock } from './kube/lock.js'
import { guardScope } from './kube/scope.js'
import { validateObjects } from './kube/validate.js'
import { waitedWorkloads, waitForWorkloads, type WaitResult } from './kube/wait.js'
import { ANNOTATION, ownerSelector, repositorySelector, type Owner } from './ownership.js'
import { isNewer, type Plan } from './plan.js'
import { ownerOf, renderPreview } from './preview-objects.js'
import { credentialNames, type KubeObject } from './render.js'
import { NOT_CHECKED_STATUS, primaryUrl, serviceUrls } from './report.js'

/** One deploy run: what it deploys and with what, the ports it talks through, and when it must be done. */
export interface Run {
  plan: Plan
  o: Omit<DeployOptions, 'frontDoor'> & { frontDoor: PreparedFrontDoor }
  owner: Owner
  kube: Kube
  github: GitHub
  log: RunLog
  /** Moved on once when the run had to wait for another run's lock. */
  deadline: number
}

/** The run, with the front door read from the cluster once: the Gateway (and its scheme), IngressClass, certificate. */
export async function startRun(
  planned: Plan,
  options: DeployOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<Run> {
  const deadline = Date.now() + options.timeoutMs
  const frontDoor = await prepareFrontDoor(
    kube,
    options.frontDoor ?? {
      gateway: null,
      ingressClass: '',
      tlsSecret: null,
      basicAuth: null,
      urlScheme: planned.scheme,
    },
    planned.host,
    planned.namespace,
    (m) => log.warning(m),
  )
  const plan = { ...planned, scheme: frontDoor.scheme, url: `${frontDoor.scheme}://${planned.host}` }
  if (options.frontDoor?.basicAuth) log.secret(options.frontDoor.basicAuth.password)
  return { plan, o: { ...options, frontDoor }, owner: ownerOf(plan), kube, github, log, deadline }
}

export const skipped = (reason: string): DeployOutcome => ({
  status: 'skipped',
  url: '',
  urls: {},
  deploymentId: null,
  workloads: [],
  diagnoses: [],
  pruned: [],
  reason,
  readinessChecked: true,
})

const credentialsRef = (plan: Plan) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  name: CREDENTIALS_SECRET,
  namespace: plan.namespace,
})

/** Renders with the credentials the preview already has (masked first: a render error could quote them). */
async function renderWithStoredCredentials(r: Run, namespaceExists: boolean) {
  const needsCredentials = credentialNames(r.o.templates.files).length > 0
  const secret = needsCredentials && namespaceExists ? await r.kube.get(credentialsRef(r.plan)) : null
  const known = decodeCredentials(secret)
  maskCredentials(known, r.log)
  return renderPreview(r.plan, r.o, known)
}

/** Render first: a template error stops the run before anything changes, in the cluster or on GitHub. */
export async function renderFirst(r: Run): Promise<KubeObject | null> {
  return r.log.group('Render', async () => {
    const existing = await currentNamespace(r.kube, r.owner, r.deadline, r.log)
    const rendered = await renderWithStoredCredentials(r, existing !== null)
    checkFrontDoor(rendered.objects, r.o.frontDoor)
    await guardScope(r.kube, rendered.objects, r.o.allowClusterScoped, r.owner)
    r.log.info(
      `rendered ${rendered.objects.length} objects from ${r.o.templates.files.length} templates in ${r.o.templates.folder}`,
    )
    for (const obj of rendered.objects) r.log.info(`  ${obj.kind} ${obj.metadata.name}`)
    return existing
  })
}

/** Before claiming: a closed PR, or a newer commit deployed or at the PR's head, means this run skips. */
export const lookBeforeClaiming = (r: Run, existing: KubeObject | null) =>
  staleness(r.plan, r.github, existing, r.log)

/** A new preview is refused when the repository already has max-live-previews of them. */
export async function checkLivePreviewLimit(r: Run, existing: KubeObject | null): Promise<void> {
  if (existing || r.o.maxLivePreviews === null) return
  const repository = r.plan.pr.repository.fullName
  const live = await livePreviews(r.kube, repository)
  if (live.length >= r.o.maxLivePreviews) {
    throw new Error(
      `${live.length} previews of ${repository} are live, and max-live-previews is ${r.o.maxLivePreviews}: ` +
        `${live.map((n) => n.metadata.name).join(', ')}. Close a PR, or run the action with mode: sweep.`,
    )
  }
}

/**
 * One run at a time per preview. A newer push (or the close) makes waiting pointless: the run then skips. A run
 * that waited gets its own full timeout from here; a run that lost its lock writes no more (guarded ports).
 */
export async function claimPreview(r: Run): Promise<Lock | NotWaitingError> {
  const lock = await acquireLock(r.kube, r.owner, r.o.holder, r.deadline, {
    onWait: (other) => r.log.info(`waiting for another run (${other}) to finish deploying this preview`),
    stillWanted: () => staleness(r.plan, r.github, null, r.log),
  }).catch((e: unknown) => {
    if (e instanceof NotWaitingError) return e
    throw e
  })
  if (lock instanceof NotWaitingError) return lock
  if (lock.waited) r.deadline = Date.now() + r.o.timeoutMs
  r.kube = guardKube(r.kube, lock)
  r.github = guardGitHub(r.github, lock)
  return lock
}

/**
 * Another run may have deployed, or the close may have run, while this one waited: look again, now that no one
 * else can. Returns the live namespace, or why this run skips.
 */
export async function lookAgain(r: Run, namespace: KubeObject): Promise<KubeObject | string> {
  const live = await r.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace })
  if (!live || isRemoved(live, namespace)) {
    return 'the preview was removed while this run was starting (the pull request was closed)'
  }
  const stale = await staleness(r.plan, r.github, live, r.log)
  if (stale === CLOSED) {
    // The close has run (or is running): leave nothing behind, not even the namespace this run just made.
    await r.kube.delete(
      { apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace },
      { uid: String(live.metadata.uid) },
    )
  }
  return stale ?? live
}

/** True when the preview's namespace is gone, replaced, or being deleted (the close has run or is running). */
const isRemoved = (now: KubeObject | null, namespace: KubeObject): boolean =>
  !now || now.metadata.uid !== namespace.metadata.uid || Boolean(now.metadata.deletionTimestamp)

/** The objects to apply, checked against the scope and by a server-side dry run, and the URLs they serve. */
export async function prepareObjects(r: Run) {
  const rendered = await renderWithStoredCredentials(r, true)
  maskCredentials(rendered.credentials.values, r.log)
  if (rendered.credentials.generated.length)
    r.log.info(`generated credentials: ${rendered.credentials.generated.join(', ')} (kept for later deploys)`)
  const objects = await guardScope(r.kube, rendered.objects, r.o.allowClusterScoped, r.owner)
  // A server-side dry run of everything: a run the cluster would refuse changes nothing, on GitHub either.
  await r.log.group('Validate', () => validateObjects(r.kube, objects))
  const urls = serviceUrls(objects, r.plan.scheme)
  return { objects, urls, url: primaryUrl(urls, r.plan.host) }
}

/** The GitHub deployment of this run, in progress. */
export async function startDeployment(r: Run, urls: Record<string, string>): Promise<number> {
  const { plan, github, log } = r
  return log.group('GitHub deployment', async () => {
    const id = await github.createDeployment({
      ref: plan.ref,
      environment: plan.environment,
      description: `Preview of PR #${plan.pr.number} at ${plan.pr.head.sha.slice(0, 7)}`,
      payload: { namespace: plan.namespace, pr: plan.pr.number, sha: plan.pr.head.sha, urls },
    })
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
export async function applyObjects(r: Run, objects: KubeObject[], url: string, live: KubeObject) {
  const { plan, log } = r
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
    )
    log.info(
      `applied ${result.applied.length} objects to namespace ${plan.namespace}${result.pruned.length ? `, pruned ${result.pruned.length}` : ''}`,
    )
    return result
  })
}

/** Waits for every workload; FailedCreate events from after `since` fail it at once. */
export async function waitForReadiness(r: Run, applied: KubeObject[], since: number): Promise<WaitResult> {
  return r.log.group('Wait', () =>
    waitForWorkloads(
      r.kube,
      r.plan.namespace,
      ownerSelector(r.owner),
      waitedWorkloads(applied),
      r.deadline,
      (w) => r.log.info(`${w.object.kind} ${w.object.metadata.name}: ${w.readiness.message}`),
      since,
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
    const description = `Ready at ${plan.pr.head.sha.slice(0, 7)}`
    await report(r, id, { state: 'success', description, environmentUrl: url })
    const notes = await frontDoorNotes(r.kube, plan, objects, urls, ownerSelector(r.owner), r.deadline)
    return done('deployed', { workloads: waited.workloads, notes })
  }
  const notReady = waited.workloads.filter((w) => w.readiness.state !== 'ready')
  const failedFirst = [...notReady].sort(
    (a, b) => Number(b.readiness.state === 'failed') - Number(a.readiness.state === 'failed'),
  )
  const diagnoses = await r.log.group('Diagnose', async () => {
    const events = await namespaceEvents(r.kube, plan.namespace)
    const found = await Promise.all(failedFirst.map((w) => diagnose(r.kube, plan.namespace, w, events)))
    for (const d of found) for (const line of d.details) r.log.info(line)
    return found
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

const CLOSED = 'the pull request is closed'

/** Why this run must not deploy: the PR is closed, or a newer commit is its head or already deployed. */
async function staleness(
  plan: Plan,
  github: GitHub,
  namespace: KubeObject | null,
  log: RunLog,
): Promise<string | null> {
  const a = namespace?.metadata.annotations ?? {}
  const recordedSha = a[ANNOTATION.headSha] ?? ''
  const deployed = { updatedAt: a[ANNOTATION.headUpdatedAt] ?? '', runId: a[ANNOTATION.runId] ?? '' }
  if (
    recordedSha &&
    recordedSha !== plan.pr.head.sha &&
    isNewer(deployed, { updatedAt: plan.pr.updatedAt, runId: plan.runId })
  ) {
    return `a newer commit (${recordedSha.slice(0, 7)}) is already deployed; this run's ${plan.pr.head.sha.slice(0, 7)} is not`
  }
  // A safety net, not a requirement: when GitHub cannot say, the commit order recorded on the namespace decides.
  const pr = await github.pullRequest(plan.pr.number).catch((e: Error) => {
    log.warning(`could not read the pull request from GitHub (${e.message}); going by the commit order alone`)
    return null
  })
  if (pr?.state === 'closed') return CLOSED
  if (pr && pr.headSha !== plan.pr.head.sha) {
    return `the pull request's head is now ${pr.headSha.slice(0, 7)}; this run's ${plan.pr.head.sha.slice(0, 7)} is not deployed`
  }
  return null
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
export async function livePreviews(kube: Kube, repository: string): Promise<KubeObject[]> {
  const list = await kube.list('v1', 'Namespace', undefined, {
    labelSelector: repositorySelector(repository),
  })
  return list.items.filter(
    (n) => n.metadata.annotations?.[ANNOTATION.repository]?.toLowerCase() === repository.toLowerCase(),
  )
}
