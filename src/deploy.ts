// Deploying a preview, top to bottom: render → claim the preview (lock, newest commit wins) → GitHub deployment →
// apply and prune → wait → report.
import {
  credentialsSecretObject,
  CREDENTIALS_SECRET,
  decodeCredentials,
  fillCredentials,
  maskCredentials,
  renderHidingCredentials,
} from './credentials.js'
import { contextHelpers, mergeValues, templateContext } from './context.js'
import { OPEN_FRONT_DOOR, type FrontDoorSettings } from './frontdoor.js'
import { checkFrontDoor, frontDoorNotes } from './frontdoor-deploy.js'
import { tidyEarlierDeployments } from './deployments.js'
import type { GitHub } from './github.js'
import { guardrailObjects, type Guardrails } from './guardrails.js'
import { applyPreview, currentNamespace, ensureNamespace } from './kube/apply.js'
import { prepareFrontDoor, type PreparedFrontDoor } from './kube/frontdoor.js'
import type { Kube } from './kube/client.js'
import { diagnose, namespaceEvents, type Diagnosis } from './kube/diagnose.js'
import { acquireLock, guardGitHub, guardKube, NotWaitingError } from './kube/lock.js'
import { labelPodSecurity } from './kube/pod-security.js'
import { guardScope } from './kube/scope.js'
import { validateObjects } from './kube/validate.js'
import { waitedWorkloads, waitForWorkloads, type WorkloadStatus } from './kube/wait.js'
import { ANNOTATION, ownerSelector, repositorySelector, type Owner } from './ownership.js'
import { isNewer, type Plan } from './plan.js'
import { imagePullSecrets, registryObjects, type RegistryLogin } from './registry.js'
import { withSecretData } from './secret-data.js'
import { credentialNames, render, stampOwnership, type KubeObject } from './render.js'
import { NOT_CHECKED_STATUS, primaryUrl, serviceUrls } from './report.js'
import type { TemplateSet } from './templates.js'

export interface RunLog {
  info(message: string): void
  warning(message: string): void
  /** Hides a value in every later log line. */
  secret(value: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export interface DeployOptions {
  templates: TemplateSet
  values: Record<string, unknown>
  wait: boolean
  timeoutMs: number
  allowClusterScoped: string[]
  guardrails: Guardrails
  /** Fail instead of creating a preview when this many of the repository's previews are live. */
  maxLivePreviews: number | null
  /** Who holds the preview's lock: the workflow run and attempt. */
  holder: string
  /** Gateway or Ingress class, TLS and basic-auth (see frontdoor.ts); absent: Ingresses of the default class. */
  frontDoor?: FrontDoorSettings & { urlScheme: string }
  /** Login for pulling `image` (registry-username / registry-password). */
  registry?: RegistryLogin | null
}

export interface DeployOutcome {
  status: 'deployed' | 'failed' | 'skipped'
  url: string
  urls: Record<string, string>
  deploymentId: number | null
  workloads: WorkloadStatus[]
  diagnoses: Diagnosis[]
  pruned: string[]
  /** A one-line reason when status is failed or skipped. */
  reason: string
  /** Lines for the summary: whether controllers picked the routes up, services reachable only from inside. */
  notes?: string[]
  /** False with `wait: false`: the preview was applied and its readiness not checked. */
  readinessChecked: boolean
}

export function ownerOf(plan: Plan): Owner {
  return { repository: plan.pr.repository.fullName, pr: plan.pr.number, namespace: plan.namespace }
}

/** Renders the preview's objects; the credentials Secret is added when the templates ask for credentials. */
export function renderPreview(
  plan: Plan,
  o: Pick<DeployOptions, 'templates' | 'values' | 'allowClusterScoped' | 'guardrails' | 'registry'> & {
    frontDoor?: PreparedFrontDoor
  },
  existingCredentials: Record<string, string>,
) {
  const owner = ownerOf(plan)
  const names = credentialNames(o.templates.files)
  const credentials = fillCredentials(names, existingCredentials)
  const values = mergeValues(o.templates.defaults, o.values)
  const rendered = renderHidingCredentials(credentials.values, (shown) =>
    render({
      templates: o.templates.files,
      context: {
        ...templateContext(plan, values, shown, imagePullSecrets(o.registry ?? null)),
        ...(o.frontDoor?.context ?? OPEN_FRONT_DOOR),
      },
      helpers: contextHelpers(plan),
      owner,
      allowClusterScoped: o.allowClusterScoped,
      claims: { domain: plan.domain, unique: plan.names.unique, namespace: plan.namespace },
    }),
  )
  const registry = registryObjects(plan.image, o.registry ?? null).map((r) =>
    stampOwnership(r, owner, '(registry inputs)'),
  )
  const objects = [
    ...guardrailObjects(o.guardrails, owner),
    ...(o.frontDoor?.objects ?? []).map((x) => stampOwnership(x, owner, '(front door)')),
    ...registry,
    ...rendered.map((r) => withSecretData(r.object)),
  ]
  if (names.length > 0)
    objects.unshift(
      stampOwnership(credentialsSecretObject(credentials.values), owner, '(generated credentials)'),
    )
  return { objects, credentials }
}

const skipped = (reason: string): DeployOutcome => ({
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

const credentialsRef = (plan: Plan) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  name: CREDENTIALS_SECRET,
  namespace: plan.namespace,
})

export async function deploy(
  planned: Plan,
  options: DeployOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<DeployOutcome> {
  let deadline = Date.now() + options.timeoutMs
  const owner = ownerOf(planned)
  // The front door is read from the cluster once: the Gateway (and its scheme), the IngressClass, the certificate.
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
  const o = { ...options, frontDoor }
  if (options.frontDoor?.basicAuth) log.secret(options.frontDoor.basicAuth.password)
  const needsCredentials = credentialNames(o.templates.files).length > 0

  // Render first: a template error stops the run before anything changes, in the cluster or on GitHub.
  const existing = await log.group('Render', async () => {
    const existing = await currentNamespace(kube, owner, deadline, log)
    const secret = existing && needsCredentials ? await kube.get(credentialsRef(plan)) : null
    const known = decodeCredentials(secret)
    maskCredentials(known, log) // before the render, whose errors could otherwise quote them
    const rendered = renderPreview(plan, o, known)
    checkFrontDoor(rendered.objects, frontDoor)
    await guardScope(kube, rendered.objects, o.allowClusterScoped, owner)
    log.info(
      `rendered ${rendered.objects.length} objects from ${o.templates.files.length} templates in ${o.templates.folder}`,
    )
    for (const obj of rendered.objects) log.info(`  ${obj.kind} ${obj.metadata.name}`)
    return existing
  })
  const early = await staleness(plan, github, existing, log)
  if (early) return skipped(early)

  if (!existing && o.maxLivePreviews !== null) {
    const live = await livePreviews(kube, plan.pr.repository.fullName)
    if (live.length >= o.maxLivePreviews) {
      throw new Error(
        `${live.length} previews of ${plan.pr.repository.fullName} are live, and max-live-previews is ${o.maxLivePreviews}: ` +
          `${live.map((n) => n.metadata.name).join(', ')}. Close a PR, or run the action with mode: sweep.`,
      )
    }
  }
  const namespace = await ensureNamespace(kube, owner, existing)
  await labelPodSecurity(kube, plan.namespace, o.guardrails.podSecurity)
  const lock = await acquireLock(kube, owner, o.holder, deadline, {
    onWait: (other) => log.info(`waiting for another run (${other}) to finish deploying this preview`),
    // A newer push (or the close) makes this run's wait pointless: it stops waiting and skips.
    stillWanted: () => staleness(plan, github, null, log),
  }).catch((e: unknown) => {
    if (e instanceof NotWaitingError) return e
    throw e
  })
  if (lock instanceof NotWaitingError) return skipped(lock.message)
  // A run that waited for another gets its own full timeout from here; a run that lost its lock writes no more.
  if (lock.waited) deadline = Date.now() + o.timeoutMs
  kube = guardKube(kube, lock)
  github = guardGitHub(github, lock)
  let deploymentId: number | null = null
  try {
    // Another run may have deployed while this one waited: look again, now that no one else can.
    const live = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: plan.namespace })
    if (!live || live.metadata.uid !== namespace.metadata.uid || live.metadata.deletionTimestamp) {
      return skipped('the preview was removed while this run was starting (the pull request was closed)')
    }
    const stale = await staleness(plan, github, live, log)
    if (stale === CLOSED) {
      // The close has run (or is running): leave nothing behind, not even the namespace this run just made.
      await kube.delete(
        { apiVersion: 'v1', kind: 'Namespace', name: plan.namespace },
        { uid: String(live.metadata.uid) },
      )
      return skipped(stale)
    }
    if (stale) return skipped(stale)

    const secret = needsCredentials ? await kube.get(credentialsRef(plan)) : null
    const known = decodeCredentials(secret)
    maskCredentials(known, log)
    const rendered = renderPreview(plan, o, known)
    maskCredentials(rendered.credentials.values, log)
    if (rendered.credentials.generated.length)
      log.info(`generated credentials: ${rendered.credentials.generated.join(', ')} (kept for later deploys)`)
    const objects = await guardScope(kube, rendered.objects, o.allowClusterScoped, owner)
    // A server-side dry run of everything: a run the cluster would refuse changes nothing, on GitHub either.
    await log.group('Validate', () => validateObjects(kube, objects))
    const urls = serviceUrls(objects, plan.scheme)
    const url = primaryUrl(urls, plan.host)

    deploymentId = await log.group('GitHub deployment', async () => {
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
    const id = deploymentId
    const outcome = (status: DeployOutcome['status'], rest: Partial<DeployOutcome>): DeployOutcome => ({
      ...skipped(''),
      status,
      url,
      urls,
      deploymentId: id,
      ...rest,
    })

    const applyStarted = Date.now()
    const applied = await log.group('Apply', async () => {
      const result = await applyPreview(
        kube,
        owner,
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
        deadline,
        log,
      )
      log.info(
        `applied ${result.applied.length} objects to namespace ${plan.namespace}${result.pruned.length ? `, pruned ${result.pruned.length}` : ''}`,
      )
      return result
    })
    const pruned = applied.pruned.map((r) => `${r.kind} ${r.name}`)
    const workloads = waitedWorkloads(applied.applied)

    if (!o.wait) {
      await report(
        github,
        plan,
        id,
        {
          state: 'success',
          description: NOT_CHECKED_STATUS,
          environmentUrl: url,
        },
        log,
      )
      return outcome('deployed', {
        pruned,
        readinessChecked: false,
        workloads: workloads.map((w) => ({
          object: w,
          readiness: { state: 'progressing', message: 'readiness not checked' },
        })),
      })
    }
    const waited = await log.group('Wait', () =>
      waitForWorkloads(
        kube,
        plan.namespace,
        ownerSelector(owner),
        workloads,
        deadline,
        (w) => log.info(`${w.object.kind} ${w.object.metadata.name}: ${w.readiness.message}`),
        applyStarted,
      ),
    )
    if (waited.outcome === 'ready') {
      await report(
        github,
        plan,
        id,
        {
          state: 'success',
          description: `Ready at ${plan.pr.head.sha.slice(0, 7)}`,
          environmentUrl: url,
        },
        log,
      )
      const notes = await frontDoorNotes(kube, plan, objects, urls, ownerSelector(owner), deadline)
      return outcome('deployed', { pruned, workloads: waited.workloads, notes })
    }

    const notReady = waited.workloads.filter((w) => w.readiness.state !== 'ready')
    const failedFirst = [...notReady].sort(
      (a, b) => Number(b.readiness.state === 'failed') - Number(a.readiness.state === 'failed'),
    )
    const diagnoses = await log.group('Diagnose', async () => {
      const events = await namespaceEvents(kube, plan.namespace)
      const found = await Promise.all(failedFirst.map((w) => diagnose(kube, plan.namespace, w, events)))
      for (const d of found) for (const line of d.details) log.info(line)
      return found
    })
    const reason =
      waited.outcome === 'timeout'
        ? `Not ready within ${Math.round(o.timeoutMs / 1000)}s: ${diagnoses[0]?.headline ?? ''}`
        : (diagnoses[0]?.headline ?? 'a workload failed')
    await report(github, plan, id, { state: 'failure', description: reason }, log)
    return outcome('failed', { pruned, workloads: waited.workloads, diagnoses, reason })
  } catch (e) {
    // A close that removed the namespace mid-deploy is not a failure of this run: the preview stays removed.
    const now = await kube
      .get({ apiVersion: 'v1', kind: 'Namespace', name: plan.namespace })
      .catch(() => undefined)
    const removed =
      now === null ||
      (now !== undefined &&
        (now.metadata.uid !== namespace.metadata.uid || Boolean(now.metadata.deletionTimestamp)))
    if (deploymentId !== null) {
      const status = removed
        ? {
            state: 'inactive' as const,
            description: 'The pull request was closed while deploying; nothing was left running',
          }
        : { state: 'error' as const, description: `Deploy error: ${(e as Error).message}` }
      await github
        .setStatus(deploymentId, { ...status, logUrl: plan.logUrl })
        .catch((ge: Error) => log.warning(`could not report to GitHub: ${ge.message}`))
    }
    if (removed)
      return {
        ...skipped('the preview was removed while this run was deploying (the pull request was closed)'),
        deploymentId,
      }
    throw e
  } finally {
    await lock.release()
  }
}

/**
 * The final status of this run's deployment, then the repair of earlier ones that a failed or interrupted run
 * left in progress. If GitHub will not take it even after retries, the run fails saying what state the preview is in.
 */
async function report(
  github: GitHub,
  plan: Plan,
  id: number,
  status: { state: 'success' | 'failure'; description: string; environmentUrl?: string },
  log: RunLog,
): Promise<void> {
  try {
    await github.setStatus(id, { ...status, logUrl: plan.logUrl })
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
    await tidyEarlierDeployments(github, plan.environment, id, status.state === 'success', plan.logUrl)
  } catch (e) {
    log.warning(`could not tidy earlier deployments of ${plan.environment}: ${(e as Error).message}`)
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
