// Deploying a preview, top to bottom: render → claim the preview (lock, newest commit wins) → validate (dry run) →
// GitHub deployment → apply and prune → wait → report. Each step is in deploy-steps.ts.
import {
  afterError,
  applyObjects,
  checkLivePreviewLimit,
  claimPreview,
  lookAgain,
  lookBeforeClaiming,
  prepareObjects,
  renderFirst,
  reportOutcome,
  skipped,
  startDeployment,
  startRun,
  waitForReadiness,
} from './deploy-steps.js'
import type { FrontDoorSettings } from './frontdoor.js'
import type { GitHub } from './github.js'
import type { Guardrails } from './guardrails.js'
import { ensureNamespace } from './kube/apply.js'
import type { Kube } from './kube/client.js'
import type { Diagnosis } from './kube/diagnose.js'
import { NotWaitingError } from './kube/lock.js'
import { labelPodSecurity } from './kube/pod-security.js'
import type { WorkloadStatus } from './kube/wait.js'
import type { Plan } from './plan.js'
import type { RegistryLogin } from './registry.js'
import type { TemplateSet } from './templates.js'

export { livePreviews } from './deploy-steps.js'
export { ownerOf, renderPreview } from './preview-objects.js'

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
