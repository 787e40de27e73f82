// One deploy run: the plan, the options, the ports and the deadline every step of a deploy is given.
import type { GitHub } from '../../github/client.js'
import { prepareFrontDoor, type PreparedFrontDoor } from '../../kube/frontdoor.js'
import { apiServerAddresses } from '../../kube/api-server.js'
import { defaultStorageClass } from '../../kube/storage.js'
import { mergeValues } from '../../preview/context.js'
import { needsDefaultStorageClass } from '../../preview/persistence.js'
import { type Owner } from '../../preview/ownership.js'
import { type Plan } from '../../preview/plan.js'
import { ownerOf, type renderPreview } from './preview-objects.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { RunLog } from '../../shared/run-log.js'
import type { DeployOptions, DeployOutcome } from './types.js'
import type { Kube } from '../../kube/port.js'
import { registrySecrets } from '../../preview/registry.js'

/** `values.secretEnv`: the app's secrets (e.g. its master key), which the action knows and so redacts. */
function secretEnv(values: Record<string, unknown>): Record<string, string> {
  const env = values.secretEnv
  if (!env || typeof env !== 'object') return {}
  return Object.fromEntries(
    Object.entries(env as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && String(v).length > 0)
      .map(([k, v]) => [k, String(v)]),
  )
}

/** One deploy run: what it deploys and with what, the ports it talks through, and when it must be done. */
export interface Run {
  plan: Plan
  o: Omit<DeployOptions, 'frontDoor'> & {
    frontDoor: PreparedFrontDoor
    apiServerAddresses: string[]
    defaultStorageClass: string | null
  }
  owner: Owner
  kube: Kube
  github: GitHub
  log: RunLog
  /** Moved on once when the run had to wait for another run's lock. */
  deadline: number
  /** Every secret value this run knows (all masked): redacted from what the PR's code writes (pod logs, events). */
  secrets: Set<string>
  /** The render before the lock, with what it read: reused under the lock when nothing changed (claim.ts). */
  firstRender?: FirstRender
}

export interface FirstRender {
  rendered: ReturnType<typeof renderPreview>
  /** The preview's namespace and credentials Secret as they were read for it (null: absent). */
  namespace: KubeObject | null
  secret: KubeObject | null
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
  const secrets = new Set<string>()
  const plain = log
  log = {
    ...plain,
    secret: (v) => {
      secrets.add(v)
      plain.secret(v)
    },
  }
  for (const s of registrySecrets(options.registry ?? null)) log.secret(s)
  for (const v of Object.values(secretEnv(options.values))) log.secret(v)
  const frontDoor = await prepareFrontDoor(
    kube,
    {
      ...(options.frontDoor ?? {
        gateway: null,
        ingressClass: '',
        tlsSecret: null,
        basicAuth: null,
        frontDoorCidrs: [],
        urlScheme: planned.scheme,
      }),
      ingressNamespace: options.guardrails.ingressNamespace,
      networkPolicy: options.guardrails.networkPolicy,
    },
    planned.host,
    planned.namespace,
    (m) => log.warning(m),
  )
  const plan = { ...planned, scheme: frontDoor.scheme, url: `${frontDoor.scheme}://${planned.host}` }
  if (options.frontDoor?.basicAuth) log.secret(options.frontDoor.basicAuth.password)
  const guarded = options.guardrails.networkPolicy && options.guardrails.egressGuard
  const apiServer = guarded ? await apiServerAddresses(kube, (m) => log.warning(m)) : []
  for (const line of frontDoor.admission?.lines ?? []) log.info(`front door: ${line}`)
  // values.persistence.enabled: auto asks the cluster whether it can provision volumes.
  const storageClass = needsDefaultStorageClass(mergeValues(options.templates.defaults, options.values))
    ? await defaultStorageClass(kube, (m) => log.warning(m))
    : null
  return {
    plan,
    o: { ...options, frontDoor, apiServerAddresses: apiServer, defaultStorageClass: storageClass },
    owner: ownerOf(plan),
    kube,
    github,
    log,
    deadline,
    secrets,
  }
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
