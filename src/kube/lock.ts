// One run at a time per preview: a Lease in the preview's namespace, held while a run deploys and renewed while
// it runs. A run that dies leaves a Lease that expires; the next run takes it over.
import { ownerLabels, type Owner } from '../preview/ownership.js'
import type { KubeObject, ObjectRef } from '../shared/kube-object.js'
import type { Kube } from './port.js'

export const LOCK_NAME = 'kube-pr-preview-lock'
const DURATION_S = 30
const RENEW_MS = 10_000

export interface Lock {
  /** The run waited for another run's lock before it got it. */
  readonly waited: boolean
  /** Throws LockLostError once the lease is lost (renewal failed, or another run took it over). */
  check(): void
  release(): Promise<void>
}

/** The run stopped waiting for the lock: what it waited for is no longer wanted (e.g. its commit is not the head). */
export class NotWaitingError extends Error {
  readonly reason: string
  constructor(reason: string) {
    super(`stopped waiting for another run's lock: ${reason}`)
    this.name = 'NotWaitingError'
    this.reason = reason
  }
}

export class LockLostError extends Error {
  constructor(why: string) {
    super(
      `this run lost its lock on the preview (${why}), so another run may be deploying it now; it stopped before writing more. Re-run the job if this commit is still the one to deploy.`,
    )
    this.name = 'LockLostError'
  }
}

export interface LockOptions {
  /** Told once, when the run starts waiting for another holder. */
  onWait(holder: string): void
  /** Asked when a waiting run wakes (at most every few seconds): a reason to stop waiting, or null. */
  stillWanted?: () => Promise<string | null>
}

/** How often a waiting run asks whether it is still wanted, at most. */
const ASK_MS = 2_000

interface LeaseSpec {
  holderIdentity?: string
  leaseDurationSeconds?: number
  acquireTime?: string
  renewTime?: string
}

const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

function leaseObject(owner: Owner, holder: string, base?: KubeObject): KubeObject {
  const now = microTime()
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: LOCK_NAME,
      namespace: owner.namespace,
      labels: ownerLabels(owner),
      ...(base ? { resourceVersion: base.metadata.resourceVersion } : {}),
    },
    spec: { holderIdentity: holder, leaseDurationSeconds: DURATION_S, acquireTime: now, renewTime: now },
  }
}

const spec = (lease: KubeObject) => (lease as { spec?: LeaseSpec }).spec ?? {}

function expiresAt(lease: KubeObject): number {
  const s = spec(lease)
  return Date.parse(s.renewTime ?? s.acquireTime ?? '') + (s.leaseDurationSeconds ?? DURATION_S) * 1000
}

/**
 * Waits (bounded by the deadline) until this run holds the preview's lock, then renews it while the run goes on.
 * Throws NotWaitingError when stillWanted gives a reason to stop waiting.
 */
export async function acquireLock(
  kube: Kube,
  owner: Owner,
  holder: string,
  deadline: number,
  options: LockOptions,
): Promise<Lock> {
  const ref = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    name: LOCK_NAME,
    namespace: owner.namespace,
  }
  let told = false
  let asked = 0
  for (;;) {
    const created = await kube.create(leaseObject(owner, holder))
    if (created) break
    const current = await kube.get(ref)
    if (!current) continue
    const other = spec(current).holderIdentity ?? ''
    if (other === holder || !other || expiresAt(current) < Date.now()) {
      if (await kube.replace(leaseObject(owner, holder, current))) break
      continue
    }
    if (Date.now() > deadline)
      throw new Error(`another run (${other}) is still deploying this preview; gave up waiting`)
    if (!told) options.onWait(other)
    told = true
    if (options.stillWanted && Date.now() - asked >= ASK_MS) {
      asked = Date.now()
      const reason = await options.stillWanted()
      if (reason) throw new NotWaitingError(reason)
    }
    await wake(kube, ref, current, deadline)
  }
  return heldLock(kube, owner, holder, ref, told)
}

/** Returns when the holder releases or renews the lease, or when it would expire. */
async function wake(kube: Kube, ref: ObjectRef, current: KubeObject, deadline: number): Promise<void> {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(),
    Math.max(100, Math.min(expiresAt(current), deadline) - Date.now() + 50),
  )
  await kube
    .watch(
      ref.apiVersion,
      ref.kind,
      ref.namespace,
      {
        fieldSelector: `metadata.name=${LOCK_NAME}`,
        resourceVersion: String(current.metadata.resourceVersion),
      },
      (e) => {
        if (e.type === 'DELETED' || e.type === 'MODIFIED') controller.abort()
      },
      controller.signal,
    )
    .catch(() => new Promise((r) => setTimeout(r, 500)))
  clearTimeout(timer)
}

/**
 * The held lock: renewed every RENEW_MS. It is lost when the lease names another holder or is gone, or when no
 * renewal succeeded for a whole lease duration (another run may then take it over); check() then throws.
 */
function heldLock(kube: Kube, owner: Owner, holder: string, ref: ObjectRef, waited: boolean): Lock {
  let renewedAt = Date.now()
  let lost: string | null = null
  const expired = () => Date.now() - renewedAt > DURATION_S * 1000
  const renew = setInterval(() => {
    void (async () => {
      const current = await kube.get(ref)
      if (!current) lost = 'its Lease was deleted'
      else if (spec(current).holderIdentity !== holder)
        lost = `${spec(current).holderIdentity ?? 'another run'} holds it now`
      else {
        const next = leaseObject(owner, holder, current)
        ;(next.spec as LeaseSpec).acquireTime = spec(current).acquireTime
        if (await kube.replace(next)) renewedAt = Date.now()
      }
      if (lost) clearInterval(renew)
    })().catch(() => {
      if (expired()) lost = `it could not be renewed for ${DURATION_S}s`
    })
  }, RENEW_MS)
  renew.unref()
  return {
    waited,
    check() {
      if (!lost && expired()) lost = `it was not renewed for ${DURATION_S}s`
      if (lost) throw new LockLostError(lost)
    },
    async release() {
      clearInterval(renew)
      const current = await kube.get(ref).catch(() => null)
      if (current && spec(current).holderIdentity === holder) {
        await kube
          .delete(ref, { uid: String(current.metadata.uid ?? '') || undefined })
          .catch(() => undefined)
      }
    },
  }
}

/** The same Kube, but every write first checks that the run still holds its lock. */
export function guardKube(kube: Kube, lock: Lock): Kube {
  const checked =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      lock.check()
      return fn(...args)
    }
  return {
    ...kube,
    apply: checked((o: KubeObject, opts?: { dryRun?: boolean; fieldManager?: string }) =>
      kube.apply(o, opts),
    ),
    create: checked((o: KubeObject) => kube.create(o)),
    replace: checked((o: KubeObject) => kube.replace(o)),
    delete: checked((r: ObjectRef, p?: { uid?: string; resourceVersion?: string }) => kube.delete(r, p)),
  }
}
