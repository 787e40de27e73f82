// One deploy run: the plan, the options, the ports and the deadline every step of a deploy is given.
import type { GitHub } from '../../github/client.js'
import { prepareFrontDoor, type PreparedFrontDoor } from '../../kube/frontdoor.js'
import { defaultStorageClass } from '../../kube/storage.js'
import { mergeValues } from '../../preview/context.js'
import { needsDefaultStorageClass } from '../../preview/persistence.js'
import { type Owner } from '../../preview/ownership.js'
import { type Plan } from '../../preview/plan.js'
import { ownerOf } from './preview-objects.js'
import type { RunLog } from '../../shared/run-log.js'
import type { DeployOptions, DeployOutcome } from './types.js'
import type { Kube } from '../../kube/port.js'

/** One deploy run: what it deploys and with what, the ports it talks through, and when it must be done. */
export interface Run {
  plan: Plan
  o: Omit<DeployOptions, 'frontDoor'> & { frontDoor: PreparedFrontDoor; defaultStorageClass: string | null }
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
  for (const line of frontDoor.admission?.lines ?? []) log.info(`front door: ${line}`)
  // values.persistence.enabled: auto asks the cluster whether it can provision volumes.
  const storageClass = needsDefaultStorageClass(mergeValues(options.templates.defaults, options.values))
    ? await defaultStorageClass(kube, (m) => log.warning(m))
    : null
  return {
    plan,
    o: { ...options, frontDoor, defaultStorageClass: storageClass },
    owner: ownerOf(plan),
    kube,
    github,
    log,
    deadline,
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
