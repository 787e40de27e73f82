// Deploying a preview, top to bottom: render → GitHub deployment → apply and prune → wait → report.
import {
  credentialsSecretObject,
  CREDENTIALS_SECRET,
  decodeCredentials,
  fillCredentials,
} from './credentials.js'
import { contextHelpers, mergeValues, templateContext } from './context.js'
import type { GitHub } from './github.js'
import { applyPreview, currentNamespace } from './kube/apply.js'
import type { Kube } from './kube/client.js'
import { diagnose, type Diagnosis } from './kube/diagnose.js'
import { guardScope } from './kube/scope.js'
import { waitedWorkloads, waitForWorkloads, type WorkloadStatus } from './kube/wait.js'
import { ANNOTATION, ownerSelector, type Owner } from './ownership.js'
import type { Plan } from './plan.js'
import { credentialNames, render, stampOwnership } from './render.js'
import { primaryUrl, serviceUrls } from './report.js'
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
}

export interface DeployOutcome {
  status: 'deployed' | 'failed'
  url: string
  urls: Record<string, string>
  deploymentId: number
  workloads: WorkloadStatus[]
  diagnoses: Diagnosis[]
  pruned: string[]
  /** A one-line reason when status is failed. */
  reason: string
}

export function ownerOf(plan: Plan): Owner {
  return { repository: plan.pr.repository.fullName, pr: plan.pr.number, namespace: plan.namespace }
}

/** Renders the preview's objects; the credentials Secret is added when the templates ask for credentials. */
export function renderPreview(plan: Plan, o: DeployOptions, existingCredentials: Record<string, string>) {
  const owner = ownerOf(plan)
  const names = credentialNames(o.templates.files)
  const credentials = fillCredentials(names, existingCredentials)
  const values = mergeValues(o.templates.defaults, o.values)
  const rendered = render({
    templates: o.templates.files,
    context: templateContext(plan, values, credentials.values),
    helpers: contextHelpers(plan),
    owner,
    allowClusterScoped: o.allowClusterScoped,
  })
  const objects = rendered.map((r) => r.object)
  if (names.length > 0)
    objects.unshift(
      stampOwnership(credentialsSecretObject(credentials.values), owner, '(generated credentials)'),
    )
  return { objects, credentials }
}

export async function deploy(
  plan: Plan,
  o: DeployOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
): Promise<DeployOutcome> {
  const deadline = Date.now() + o.timeoutMs
  const owner = ownerOf(plan)

  const { objects, existing } = await log.group('Render', async () => {
    const existing = await currentNamespace(kube, owner, deadline, log)
    const needsCredentials = credentialNames(o.templates.files).length > 0
    const secret =
      existing && needsCredentials
        ? await kube.get({
            apiVersion: 'v1',
            kind: 'Secret',
            name: CREDENTIALS_SECRET,
            namespace: plan.namespace,
          })
        : null
    const rendered = renderPreview(plan, o, decodeCredentials(secret))
    const { credentials } = rendered
    for (const value of Object.values(credentials.values)) log.secret(value)
    const objects = await guardScope(kube, rendered.objects, o.allowClusterScoped, owner)
    if (credentials.generated.length)
      log.info(`generated credentials: ${credentials.generated.join(', ')} (kept for later deploys)`)
    log.info(
      `rendered ${objects.length} objects from ${o.templates.files.length} templates in ${o.templates.folder}`,
    )
    for (const obj of objects) log.info(`  ${obj.kind} ${obj.metadata.name}`)
    return { objects, existing }
  })
  const urls = serviceUrls(objects, plan.scheme)
  const url = primaryUrl(urls, plan.host)

  const deploymentId = await log.group('GitHub deployment', async () => {
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

  const outcome = (status: DeployOutcome['status'], rest: Partial<DeployOutcome>): DeployOutcome => ({
    status,
    url,
    urls,
    deploymentId,
    workloads: [],
    diagnoses: [],
    pruned: [],
    reason: '',
    ...rest,
  })

  try {
    const applied = await log.group('Apply', async () => {
      const result = await applyPreview(
        kube,
        owner,
        objects,
        { [ANNOTATION.headSha]: plan.pr.head.sha, [ANNOTATION.deployedAt]: new Date().toISOString() },
        existing,
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
      await github.setStatus(deploymentId, {
        state: 'success',
        description: 'Applied (not waited for readiness)',
        environmentUrl: url,
        logUrl: plan.logUrl,
      })
      return outcome('deployed', {
        pruned,
        workloads: workloads.map((w) => ({
          object: w,
          readiness: { state: 'progressing', message: 'not waited for' },
        })),
      })
    }
    const waited = await log.group('Wait', () =>
      waitForWorkloads(kube, plan.namespace, ownerSelector(owner), workloads, deadline, (w) =>
        log.info(`${w.object.kind} ${w.object.metadata.name}: ${w.readiness.message}`),
      ),
    )
    if (waited.outcome === 'ready') {
      await github.setStatus(deploymentId, {
        state: 'success',
        description: `Ready at ${plan.pr.head.sha.slice(0, 7)}`,
        environmentUrl: url,
        logUrl: plan.logUrl,
      })
      return outcome('deployed', { pruned, workloads: waited.workloads })
    }

    const notReady = waited.workloads.filter((w) => w.readiness.state !== 'ready')
    const failedFirst = [...notReady].sort(
      (a, b) => Number(b.readiness.state === 'failed') - Number(a.readiness.state === 'failed'),
    )
    const diagnoses = await log.group('Diagnose', async () => {
      const found = await Promise.all(failedFirst.map((w) => diagnose(kube, plan.namespace, w)))
      for (const d of found) for (const line of d.details) log.info(line)
      return found
    })
    const reason =
      waited.outcome === 'timeout'
        ? `Not ready within ${Math.round(o.timeoutMs / 1000)}s: ${diagnoses[0]?.headline ?? ''}`
        : (diagnoses[0]?.headline ?? 'a workload failed')
    await github.setStatus(deploymentId, { state: 'failure', description: reason, logUrl: plan.logUrl })
    return outcome('failed', { pruned, workloads: waited.workloads, diagnoses, reason })
  } catch (e) {
    await github
      .setStatus(deploymentId, {
        state: 'error',
        description: `Deploy error: ${(e as Error).message}`,
        logUrl: plan.logUrl,
      })
      .catch((ge: Error) => log.warning(`could not report the error to GitHub: ${ge.message}`))
    throw e
  }
}
