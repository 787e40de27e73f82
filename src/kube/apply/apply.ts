// Applying a preview: its namespace first, then configuration, then workloads — each group all at once — and
// finally pruning what the templates no longer render. Only objects that carry this preview's ownership labels
// are ever deleted.
import { formatInventory, parseInventory, pruneCandidates, unionInventory } from '../../preview/inventory.js'
import { ANNOTATION, isOwnedBy, ownerAnnotations, ownerLabels, type Owner } from '../../preview/ownership.js'
import { installCrds, isCrd } from '../resources/crds.js'
import { readiness } from '../wait/readiness.js'
import { isImmutableChange, isRefusal, refusalError, REPLACEABLE_KINDS } from './validate.js'
import { formatAccepted } from '../../preview/accepted.js'
import { type KubeObject, describeRef, refOf, type ObjectRef } from '../../shared/kube-object.js'
import type { Log } from '../../shared/run-log.js'
import { KubeError, type Kube } from '../port.js'

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

/**
 * The preview's namespace, created when it does not exist yet with its ownership labels and its Pod Security
 * labels at once: `init`'s admission policy refuses a namespace that would exist for a moment without them.
 * `created`: this run made it (and it was not there a moment before).
 */
export async function ensureNamespace(
  kube: Kube,
  owner: Owner,
  existing: KubeObject | null,
  podSecurity: Record<string, string> = {},
): Promise<{ namespace: KubeObject; created: boolean }> {
  if (existing) return { namespace: existing, created: false }
  const fresh = namespaceObject(owner, {})
  Object.assign(fresh.metadata.labels!, podSecurity)
  const created = await kube.create(fresh)
  if (created) return { namespace: created, created: true }
  const raced = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: owner.namespace })
  if (!raced || !isOwnedBy(raced, owner))
    throw new OwnershipError(
      `namespace ${owner.namespace} appeared while this run was creating it, and it is not this preview's`,
    )
  return { namespace: raced, created: false }
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
  secretKey: string | null = null,
): Promise<ApplyResult> {
  const uid = String(namespace.metadata.uid ?? '')
  const previous = parseInventory(namespace.metadata.annotations?.[ANNOTATION.inventory], owner.namespace)
  const current = objects.map(refOf)
  // Record everything old and new before touching anything, so an interrupted run leaves nothing unaccounted for;
  // and what the cluster accepted (dry run, or an earlier run), so the next run dry-runs only what changed.
  const recorded = formatInventory(unionInventory(previous, current))
  const annotations = { ...namespaceAnnotations, [ANNOTATION.accepted]: formatAccepted(objects, secretKey) }
  await kube.apply(namespaceObject(owner, { ...annotations, [ANNOTATION.inventory]: recorded }, uid))

  // CRDs first (and established, and discovered), then what workloads read at start, then the rest.
  const applied: KubeObject[] = await installCrds(kube, objects.filter(isCrd), deadline, log)
  for (const group of [
    objects.filter((o) => CONFIGURATION_KINDS.has(o.kind)),
    objects.filter((o) => !CONFIGURATION_KINDS.has(o.kind) && !isCrd(o)),
  ]) {
    applied.push(...(await applyGroup(group, (o) => applyReplacing(kube, owner, o, deadline, log))))
  }

  const { pruned, kept } = await prune(kube, owner, pruneCandidates(previous, current), log)
  // An object that could not be read or deleted stays in the inventory, so the next run tries again. Nothing to
  // prune (a new preview, most pushes): the inventory recorded first is already the final one.
  const final = formatInventory([...current, ...kept])
  if (final !== recorded)
    await kube.apply(namespaceObject(owner, { ...annotations, [ANNOTATION.inventory]: final }, uid))
  return { applied, pruned }
}

/**
 * Applies a group at once. When the cluster refuses some of them (objects that were not dry-run: a new preview's,
 * or unchanged since the cluster accepted them), one error names them all, as the dry run would have.
 */
async function applyGroup(
  group: KubeObject[],
  apply: (o: KubeObject) => Promise<KubeObject>,
): Promise<KubeObject[]> {
  const settled = await Promise.allSettled(group.map(apply))
  const failed = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [{ object: group[i]!, error: s.reason as unknown }] : [],
  )
  if (!failed.length) return settled.map((s) => (s as PromiseFulfilledResult<KubeObject>).value)
  const other = failed.find((f) => !isRefusal(f.error))
  if (other) throw other.error
  throw refusalError(failed.map((f) => ({ object: f.object, error: f.error as KubeError })))
}

/** Deletes what the templates no longer render; returns what was deleted and what must be tried again later. */
async function prune(
  kube: Kube,
  owner: Owner,
  candidates: ObjectRef[],
  log: Log,
): Promise<{ pruned: ObjectRef[]; kept: ObjectRef[] }> {
  const pruned: ObjectRef[] = []
  const kept: ObjectRef[] = []
  await Promise.all(
    candidates.map(async (ref) => {
      try {
        const live = await kube.get(ref)
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
      } catch (e) {
        // The kind itself is gone (its CRD was removed): so are its objects.
        if (e instanceof KubeError && e.status === 404) return
        kept.push(ref)
        log.warning(
          `could not prune ${describeRef(ref)} (${(e as Error).message}); the next deploy tries again`,
        )
      }
    }),
  )
  return { pruned, kept }
}

/**
 * Server-side apply. A preview is disposable, so an object whose change Kubernetes refuses because a field cannot
 * change (a Job's pod template, a StatefulSet's volumeClaimTemplates or selector, a Service's clusterIP or type, a
 * Deployment's selector) is deleted — foreground, so its pods are gone first — and created again. So is a Job that
 * failed: a re-run runs it again.
 */
async function applyReplacing(
  kube: Kube,
  owner: Owner,
  obj: KubeObject,
  deadline: number,
  log: Log,
): Promise<KubeObject> {
  let result: KubeObject
  try {
    result = await kube.apply(obj)
  } catch (e) {
    if (!isImmutableChange(e) || !REPLACEABLE_KINDS.has(obj.kind)) throw e
    const field = e.causes.find((c) => c.field)?.field ?? 'a field'
    // Deleting this StatefulSet would delete its volume claims (and their data) with it.
    const retention = (obj as { spec?: { persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string } } })
      .spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted
    if (obj.kind === 'StatefulSet' && retention === 'Delete')
      throw new Error(
        `${describeRef(refOf(obj))}: ${field} cannot change in place, and replacing it would delete its volumes ` +
          '(persistentVolumeClaimRetentionPolicy.whenDeleted: Delete). Undo the change, or close and reopen the pull request for a new preview.',
        { cause: e },
      )
    return replace(kube, owner, obj, deadline, log, `${field} cannot change in place`)
  }
  if (obj.kind === 'Job' && readiness(result).state === 'failed')
    return replace(kube, owner, obj, deadline, log, 'it failed last time')
  return result
}

async function replace(
  kube: Kube,
  owner: Owner,
  obj: KubeObject,
  deadline: number,
  log: Log,
  why: string,
): Promise<KubeObject> {
  const ref = refOf(obj)
  const live = await kube.get(ref)
  if (live) {
    if (!isOwnedBy(live, owner))
      throw new OwnershipError(`${describeRef(ref)} must be replaced (${why}) but is not this preview's`)
    log.info(`replacing ${describeRef(ref)}: ${why}; deleting it (and its pods) first`)
    await kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined }, 'Foreground')
    await waitUntilGone(kube, ref, deadline)
  }
  return kube.apply(obj)
}
