// Removing a preview when its PR is closed: the namespace (only when it carries this preview's ownership labels)
// and everything in it, and every GitHub deployment of its environment marked inactive. Safe to repeat.
import { ownerOf } from './deploy/deploy.js'
import type { GitHub } from '../github/client.js'
import { OwnershipError, waitUntilGone } from '../kube/apply/apply.js'
import { whyTerminating } from '../kube/apply/terminating.js'
import { markInactive } from '../github/deployments.js'
import { clusterWideByLabels } from '../kube/resources/cluster-wide.js'
import { parseInventory } from '../preview/inventory.js'
import { ANNOTATION, isOwnedBy, type Owner } from '../preview/ownership.js'
import type { Plan } from '../preview/plan.js'
import type { RunLog } from '../shared/run-log.js'
import type { KubeObject } from '../shared/kube-object.js'
import type { Kube } from '../kube/port.js'

export interface DestroyOptions {
  timeoutMs: number
  deleteEnvironment: boolean
  /** Cluster-wide kinds the previews may hold: looked for by the preview's labels too, not only the inventory. */
  allowClusterScoped?: string[]
}

export interface DestroyOutcome {
  /** The namespace existed and was removed (false: there was nothing to remove). */
  removed: boolean
  /** Deployments newly marked inactive. */
  inactivated: number[]
  environment: 'deleted' | 'absent' | 'forbidden' | 'kept'
}

export function destroy(
  plan: Plan,
  o: DestroyOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
  announce?: Announce,
): Promise<DestroyOutcome> {
  return removePreview(
    {
      owner: ownerOf(plan),
      environment: plan.environment,
      logUrl: plan.logUrl,
      why: 'the pull request was closed',
    },
    o,
    kube,
    github,
    log,
    announce,
  )
}

export interface Target {
  owner: Owner
  environment: string
  logUrl: string
  /** Said in the inactive status: why the preview went. */
  why: string
}

/**
 * Said before the wait for the namespace to go: the PR comment is updated then, so that a namespace stuck in
 * Terminating never leaves the PR saying the preview is up.
 */
export type Announce = () => Promise<void>

/**
 * Removes one preview (the PR's close, or the sweep): starts deleting the namespace, marks the GitHub deployments
 * inactive and announces it, and only then waits for the namespace to go. When it does not go in time, the error
 * names the objects and finalizers that hold it.
 */
export async function removePreview(
  target: Target,
  o: DestroyOptions,
  kube: Kube,
  github: GitHub,
  log: RunLog,
  announce: Announce = async () => undefined,
): Promise<DestroyOutcome> {
  const deadline = Date.now() + o.timeoutMs
  const { owner } = target
  const plan = { namespace: owner.namespace, environment: target.environment, logUrl: target.logUrl }
  const ref = { apiVersion: 'v1', kind: 'Namespace', name: plan.namespace }

  const removing = await log.group('Delete the namespace', async () => {
    const ns = await kube.get(ref)
    if (!ns) {
      log.info(`namespace ${plan.namespace} does not exist: nothing to remove`)
      return false
    }
    if (!isOwnedBy(ns, owner)) {
      throw new OwnershipError(
        `namespace ${plan.namespace} was not created by this action for ${owner.repository}#${owner.pr} ` +
          '(its ownership labels differ); refusing to delete it.',
      )
    }
    if (!ns.metadata.deletionTimestamp) {
      await removeClusterWide(kube, ns, owner, log, o.allowClusterScoped ?? [])
      await kube.delete(ref, { uid: String(ns.metadata.uid ?? '') || undefined })
      log.info(`deleting namespace ${plan.namespace} and everything in it`)
    } else {
      log.info(`namespace ${plan.namespace} is already being deleted`)
    }
    return true
  })

  const inactivated = await log.group('GitHub deployments', async () => {
    const deployments = await github.listDeployments(plan.environment)
    const active = deployments.filter((d) => d.latestState !== 'inactive')
    const ids = await markInactive(github, active, `Preview removed: ${target.why}`, plan.logUrl)
    log.info(`marked ${active.length} of ${deployments.length} deployments of ${plan.environment} inactive`)
    return ids
  })

  let environment: DestroyOutcome['environment'] = 'kept'
  if (o.deleteEnvironment) {
    environment = await github.deleteEnvironment(plan.environment)
    if (environment === 'forbidden') {
      log.warning(
        `The token may not delete the GitHub environment ${plan.environment}: that needs repository administration ` +
          'rights, which the job token never has. Pass a GitHub App or fine-grained token with "Administration: write" ' +
          'as github-token, or set delete-environment: false.',
      )
    } else {
      log.info(
        environment === 'deleted'
          ? `deleted GitHub environment ${plan.environment}`
          : `GitHub environment ${plan.environment} did not exist`,
      )
    }
  }
  await announce()

  if (removing)
    await log.group('Wait for the namespace to go', async () => {
      await waitUntilGone(kube, ref, deadline).catch(async () => {
        throw new Error(
          `namespace ${plan.namespace} was still terminating after ${Math.round(o.timeoutMs / 1000)}s: ` +
            `${await whyTerminating(kube, plan.namespace)}. The preview is stopped and its deployments are ` +
            'inactive; remove the finalizers once nothing needs them (kubectl edit), or run again later.',
        )
      })
      log.info(`namespace ${plan.namespace} is gone`)
    })
  return { removed: removing, inactivated, environment }
}

/** Cluster-wide objects (allowed by allow-cluster-scoped) do not go with the namespace: delete them first. */
async function removeClusterWide(
  kube: Kube,
  ns: KubeObject,
  owner: Owner,
  log: RunLog,
  kinds: string[],
): Promise<void> {
  const inventory = [
    ...parseInventory(ns.metadata.annotations?.[ANNOTATION.inventory], owner.namespace),
    ...(await clusterWideByLabels(kube, owner, kinds)),
  ].filter((r, i, all) => all.findIndex((x) => x.kind === r.kind && x.name === r.name) === i)
  await Promise.all(
    inventory.map(async (ref) => {
      const resource = await kube.resource(ref.apiVersion, ref.kind).catch(() => null)
      if (!resource || resource.namespaced) return
      const live = await kube.get(ref)
      if (
        live &&
        isOwnedBy(live, owner) &&
        (await kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined }))
      ) {
        log.info(`deleted ${ref.kind} ${ref.name} (cluster-wide)`)
      }
    }),
  )
}
