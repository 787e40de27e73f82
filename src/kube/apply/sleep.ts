// Putting a preview's workloads to sleep and waking them, on the cluster: each Deployment and StatefulSet scaled
// to 0 with its replicas kept on it, each CronJob suspended; and back. Writes are replaces guarded by the
// object's resourceVersion (a conflict reads again), never creates: sleep and wake change only what exists, and
// only what this preview owns. What changes is decided by the pure asleep() / awake() of preview/idle.ts.
import { asleep, awake, jobToRunAgain } from '../../preview/idle.js'
import { isOwnedBy, type Owner } from '../../preview/ownership.js'
import type { Kube } from '../port.js'
import { OwnershipError, waitUntilGone } from './apply.js'
import { type KubeObject, refOf } from '../../shared/kube-object.js'
import type { Log } from '../../shared/run-log.js'

const SLEEPING_KINDS: Array<[string, string]> = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['batch/v1', 'CronJob'],
]

async function listKinds(
  kube: Kube,
  namespace: string,
  kinds: Array<[string, string]>,
): Promise<KubeObject[]> {
  const lists = await Promise.all(
    kinds.map(([v, k]) =>
      kube.list(v, k, namespace).then((l) => l.items.map((i) => ({ ...i, apiVersion: v, kind: k }))),
    ),
  )
  return lists.flat()
}

/**
 * The preview's workloads that sleep (Deployments, StatefulSets, CronJobs). For a sleep (`strict`), one in its
 * namespace that the preview does not own stops everything before any change: a preview whose pods are not all
 * the action's cannot be put to sleep. A wake (or a deploy) leaves such an object alone.
 */
export async function sleepingKinds(kube: Kube, owner: Owner, strict: boolean): Promise<KubeObject[]> {
  const all = await listKinds(kube, owner.namespace, SLEEPING_KINDS)
  const foreign = all.filter((o) => !isOwnedBy(o, owner))
  if (!strict) return all.filter((o) => isOwnedBy(o, owner))
  if (foreign.length) {
    throw new OwnershipError(
      `${foreign.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')} in namespace ${owner.namespace} ` +
        `${foreign.length === 1 ? 'was' : 'were'} not created by this action for ${owner.repository}#${owner.pr}; ` +
        'sleep and wake touch only what the action deployed. Remove it, or keep the preview awake (/preview keep).',
    )
  }
  return all
}

/** Replaces the object with change(current), reading it again after a conflict; null from change: no write. */
async function update(
  kube: Kube,
  first: KubeObject,
  change: (o: KubeObject) => KubeObject | null,
): Promise<KubeObject | null> {
  let current: KubeObject | null = first
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    const next = change(current)
    if (!next) return null
    const stored = await kube.replace(next)
    if (stored) return stored
    const fresh = await kube.get(refOf(current))
    current = fresh ? { ...fresh, apiVersion: first.apiVersion, kind: first.kind } : null
  }
  if (!current) return null // gone meanwhile (a close): nothing to change
  throw new Error(`${first.kind} ${first.metadata.name} kept changing under this run; try again`)
}

/** Sleep: every workload at 0 (its replicas kept on it), every CronJob suspended. Returns what it changed. */
export async function putWorkloadsToSleep(kube: Kube, owner: Owner, log: Log): Promise<KubeObject[]> {
  const changed: KubeObject[] = []
  for (const o of await sleepingKinds(kube, owner, true)) {
    const stored = await update(kube, o, asleep)
    if (stored) {
      changed.push(stored)
      log.info(
        `${o.kind} ${o.metadata.name}: asleep (had ${o.kind === 'CronJob' ? 'its schedule' : `${(o.spec as { replicas?: number }).replicas ?? 1} replicas`})`,
      )
    }
  }
  return changed
}

/** Wake: every marked workload back to its kept replicas, every CronJob sleep suspended running again. */
export async function wakeWorkloads(kube: Kube, owner: Owner, log: Log): Promise<KubeObject[]> {
  const changed: KubeObject[] = []
  for (const o of await sleepingKinds(kube, owner, false)) {
    const stored = await update(kube, o, awake)
    if (stored) {
      changed.push({ ...stored, apiVersion: o.apiVersion, kind: o.kind })
      log.info(`${o.kind} ${o.metadata.name}: awake`)
    }
  }
  return changed
}

/** Sets (or, with null, removes) annotations of the preview's namespace. */
export async function annotateNamespace(
  kube: Kube,
  namespace: KubeObject,
  annotations: Record<string, string | null>,
): Promise<KubeObject | null> {
  return update(kube, { ...namespace, apiVersion: 'v1', kind: 'Namespace' }, (ns) => {
    const copy = structuredClone(ns)
    const a = { ...(copy.metadata.annotations ?? {}) }
    for (const [k, v] of Object.entries(annotations)) {
      if (v === null) delete a[k]
      else a[k] = v
    }
    copy.metadata.annotations = a
    return copy
  })
}

/** True when the preview keeps data in volumes that outlive its pods (PersistentVolumeClaims). */
export async function hasPersistentData(kube: Kube, owner: Owner): Promise<boolean> {
  const claims = await kube.list('v1', 'PersistentVolumeClaim', owner.namespace)
  return claims.items.length > 0
}

/**
 * The preview's finished Jobs created again, so that they run again (the migrate Job, after the databases lost
 * their data with their pods). Returns the new Jobs.
 */
export async function runJobsAgain(
  kube: Kube,
  owner: Owner,
  deadline: number,
  log: Log,
  rerun: (job: KubeObject) => boolean,
): Promise<KubeObject[]> {
  const jobs = (await listKinds(kube, owner.namespace, [['batch/v1', 'Job']])).filter(
    (j) => isOwnedBy(j, owner) && rerun(j),
  )
  const again: KubeObject[] = []
  for (const job of jobs) {
    const fresh = jobToRunAgain(job)
    await kube.delete(refOf(job), { uid: String(job.metadata.uid ?? '') || undefined }, 'Foreground')
    await waitUntilGone(kube, refOf(job), deadline)
    const created = await kube.create(fresh)
    if (created) again.push({ ...created, apiVersion: 'batch/v1', kind: 'Job' })
    log.info(`Job ${job.metadata.name}: runs again (the data it prepared did not survive the sleep)`)
  }
  return again
}

/** Waits until the preview's pods are gone, except those of Jobs (finished, they stay). */
export async function podsGone(kube: Kube, namespace: string, deadline: number): Promise<number> {
  for (;;) {
    const pods = await kube.list('v1', 'Pod', namespace)
    const left = pods.items.filter(
      (p) =>
        !((p.metadata.ownerReferences as Array<{ kind?: string }> | undefined) ?? []).some(
          (r) => r.kind === 'Job',
        ),
    )
    if (left.length === 0 || Date.now() > deadline) return left.length
    await new Promise((r) => setTimeout(r, 500))
  }
}
