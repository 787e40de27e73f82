// What a deploy is given and what it reports.
import type { TemplateSet } from '../../preview/templates.js'
import type { Guardrails } from '../../preview/guardrails.js'
import type { FrontDoorSettings } from '../../inputs/frontdoor.js'
import type { RegistryLogin } from '../../inputs/registry.js'
import type { WorkloadStatus } from '../../shared/readiness.js'
import type { Diagnosis } from '../../kube/diagnosis/diagnose.js'
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
  /** Gateway or Ingress class, TLS and basic-auth (see inputs/frontdoor.ts); absent: Ingresses of the default class. */
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
