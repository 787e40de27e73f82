// Applying a preview: its namespace first, then configuration, then workloads — each group all at once — and
// finally pruning what the templates no longer render. Only objects that carry this preview's ownership labels
// are ever deleted.
import { formatInventory, parseInventory, pruneCandidates, unionInventory } from '../inventory.js'
import { ANNOTATION, isOwnedBy, ownerAnnotations, ownerLabels, type Owner } from '../ownership.js'
import type { KubeObject } from '../render.js'
import { KubeError, type Kube } from './client.js'
import { describeRef, refOf, type ObjectRef } from './resources.js'

export interface Log {
  info(message: string): void
  warning(message: string): void
}

/** Applied first (after the namespace): what workloads read or need to exist when they start. */
const CONFIGURATION_KINDS = new Set([
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Role',
  'RoleBinding',
  'Service',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
])

export class OwnershipError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OwnershipError'
  }
}

/** The preview's namespace; with a uid, applying it can only change that very namespace, never recreate it. */
export function namespaceObject(owner: Owner, annotations: Record<string, string>, uid?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: owner.namespace,
      ...(uid ? { uid } : {}),
      labels: ownerLabels(owner),
      annotations: { ...ownerAnnotations(owner), ...annotations },
    },
  }
}

const isTerminating = (ns: KubeObject) =>
  Boolean(ns.metadata.deletionTimestamp) ||
  (ns as { status?: { phase?: string } }).status?.phase === 'Terminating'

/**
 * The preview's namespace as it is now: null when there is none. Refuses a namespace of the same name that this
 * action did not create for this repository and PR. Waits for a namespace that is still being deleted (a PR
 * reopened right after it was closed) to go.
 */
export async function currentNamespace(
  kube: Kube,
  owner: Owner,
  deadline: number,
  log: Log,
): Promise<KubeObject | null> {
  const ref = { apiVersion: 'v1', kind: 'Namespace', name: owner.namespace }
  let ns = await kube.get(ref)
  if (ns && !isOwnedBy(ns, owner)) {
    throw new OwnershipError(
      `namespace ${owner.namespace} exists but was not created by this action for ${owner.repository}#${owner.pr} ` +
        '(its ownership labels differ); refusing to touch it. Remove or rename it, or choose another namespace-prefix.',
    )
  }
  if (ns && isTerminating(ns)) {
    log.info(`namespace ${owner.namespace} is still being deleted; waiting for it to go`)
    ns = await waitUntilGone(kube, ref, deadline)
  }
  return ns
}

/** The preview's namespace, created (with only its ownership labels) when it does not exist yet. */
export async function ensureNamespace(
  kube: Kube,
  owner: Owner,
  existing: KubeObject | null,
): Promise<KubeObject> {
  if (existing) return existing
  const created = await kube.create(namespaceObject(owner, {}))
  if (created) return created
  const raced = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: owner.namespace })
  if (!raced || !isOwnedBy(raced, owner))
    throw new OwnershipError(
      `namespace ${owner.namespace} appeared while this run was creating it, and it is not this preview's`,
    )
  return raced
}

/** Watches one object until it is deleted (or the deadline passes). */
export async function waitUntilGone(kube: Kube, ref: ObjectRef, deadline: number): Promise<null> {
  while (Date.now() < deadline) {
    const obj = await kube.get(ref)
    if (!obj) return null
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()))
    let gone = false
    try {
      await kube.watch(
        ref.apiVersion,
        ref.kind,
        ref.namespace,
        {
          fieldSelector: `metadata.name=${ref.name}`,
          resourceVersion: String(obj.metadata.resourceVersion ?? ''),
        },
        (e) => {
          if (e.type === 'DELETED') {
            gone = true
            controller.abort()
          }
        },
        controller.signal,
      )
    } catch {
      // A dropped watch (apiserver restart): look again after a moment.
      await new Promise((r) => setTimeout(r, 500))
    } finally {
      clearTimeout(timer)
    }
    if (gone) return null
  }
  throw new Error(`${describeRef(ref)} was still there when the timeout ran out`)
}

export interface ApplyResult {
  applied: KubeObject[]
  pruned: ObjectRef[]
}

export async function applyPreview(
  kube: Kube,
  owner: Owner,
  objects: KubeObject[],
  namespaceAnnotations: Record<string, string>,
  namespace: KubeObject,
  deadline: number,
  log: Log,
): Promise<ApplyResult> {
  const uid = String(namespace.metadata.uid ?? '')
  const previous = parseInventory(namespace.metadata.annotations?.[ANNOTATION.inventory], owner.namespace)
  const current = objects.map(refOf)
  // Record everything old and new before touching anything, so an interrupted run leaves nothing unaccounted for.
  await kube.apply(
    namespaceObject(
      owner,
      {
        ...namespaceAnnotations,
        [ANNOTATION.inventory]: formatInventory(unionInventory(previous, current)),
      },
      uid,
    ),
  )

  const applied: KubeObject[] = []
  for (const group of [
    objects.filter((o) => CONFIGURATION_KINDS.has(o.kind)),
    objects.filter((o) => !CONFIGURATION_KINDS.has(o.kind)),
  ]) {
    applied.push(...(await Promise.all(group.map((o) => applyReplacingImmutable(kube, o, deadline, log)))))
  }

  const pruned: ObjectRef[] = []
  await Promise.all(
    pruneCandidates(previous, current).map(async (ref) => {
      const live = await kube.get(ref).catch((e: Error) => {
        log.warning(`could not read ${describeRef(ref)} to prune it: ${e.message}`)
        return null
      })
      if (!live) return
      if (!isOwnedBy(live, owner)) {
        log.warning(
          `${describeRef(ref)} is no longer rendered but does not carry this preview's labels; left alone`,
        )
        return
      }
      if (await kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined })) {
        pruned.push(ref)
        log.info(`pruned ${describeRef(ref)} (no longer in the templates)`)
      }
    }),
  )
  await kube.apply(
    namespaceObject(
      owner,
      { ...namespaceAnnotations, [ANNOTATION.inventory]: formatInventory(current) },
      uid,
    ),
  )
  return { applied, pruned }
}

/**
 * Server-side apply. A Job's pod template cannot change once created: when a template changes it, the old Job is
 * deleted and the new one created (Jobs are run-once work, so this is what a redeploy means).
 */
async function applyReplacingImmutable(
  kube: Kube,
  obj: KubeObject,
  deadline: number,
  log: Log,
): Promise<KubeObject> {
  const ref = refOf(obj)
  try {
    return await kube.apply(obj)
  } catch (e) {
    const immutable = e instanceof KubeError && e.status === 422 && /immutable/i.test(e.message)
    if (!immutable || obj.kind !== 'Job') throw e
    log.info(`${describeRef(ref)} changed a field Kubernetes does not allow to change; replacing it`)
    const live = await kube.get(ref)
    if (live) {
      await kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined })
      await waitUntilGone(kube, ref, deadline)
    }
    return kube.apply(obj)
  }
}
