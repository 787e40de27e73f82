// One run at a time per preview: a Lease in the preview's namespace, held while a run deploys and renewed while
// it runs. A run that dies leaves a Lease that expires; the next run takes it over.
import { ownerLabels, type Owner } from '../preview/ownership.js'
import type { KubeObject, ObjectRef } from '../shared/kube-object.js'
import { KubeError, type Kube } from './port.js'

export const LOCK_NAME = 'kube-pr-preview-lock'
const DURATION_S = 30
const RENEW_MS = 10_000
/** How long before the lease's duration a holder stops trusting a lease it could not renew. */
const EXPIRY_MARGIN_MS = 5_000

export interface Lock {
  /** The run waited for another run's lock before it got it. */
  readonly waited: boolean
  /** Throws LockLostError once the lease is lost (renewal failed, or another run took it over). */
  check(): void
  /**
   * check(), and reads the namespace now: throws LockLostError when it is gone or being deleted (a close). Before
   * a GitHub status: a deploy that lost the preview to a close writes nothing after the close's `inactive`. The
   * Lease is not read again: it changes hands only once it expired, and check() fails before this run's lease
   * can expire (see `expired`); one deleted by hand is found by the next renewal.
   */
  verify(): Promise<void>
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

export interface LeaseSpec {
  holderIdentity?: string
  leaseDurationSeconds?: number
  acquireTime?: string
  renewTime?: string
}

const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

/** Now by the API server's clock (the runner's may be off): what renewTime is written and read in. */
const serverNow = (kube: Kube) => kube.serverTime?.() ?? Date.now()

function leaseObject(owner: Owner, holder: string, nowMs: number, base?: KubeObject): KubeObject {
  const now = microTime(new Date(nowMs))
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

/** The lease's duration as this action counts it: at most its own. Pure. */
function durationMs(s: LeaseSpec): number {
  const asked = Number(s.leaseDurationSeconds ?? DURATION_S)
  return (asked > 0 ? Math.min(asked, DURATION_S) : DURATION_S) * 1000
}

/**
 * When a lease stops counting (epoch ms). A renewTime that is not a time, lies in the future by more than a
 * lease's duration (no clock is that far off: it was written to hold the lock forever), or a duration longer than
 * this action's own, count as expired now or after this action's duration: nobody can wedge a preview with a
 * Lease it wrote by hand or through a template. Pure.
 */
export function leaseExpiry(s: LeaseSpec, now: number): number {
  const renewed = Date.parse(s.renewTime ?? s.acquireTime ?? '')
  if (!Number.isFinite(renewed) || renewed > now + DURATION_S * 1000) return now - 1
  return renewed + durationMs(s)
}

/**
 * How long (ms, on this machine's clock) a waiting run still waits for another holder's lease, 0 when it may take
 * it over now. Two clocks judge it, and the first to say "expired" wins:
 * - the lease's renewTime against the API server's clock (`serverNow`; renewTime is written by it too): a lease
 *   a dead run left long ago is taken over at once;
 * - the lease not changing (same resourceVersion) for its duration, measured on this machine's clock from when
 *   this run first saw it so (`unchangedMs`), as client-go's leader election does: no clock but this run's own
 *   interval, so a holder whose clock was off (a renewTime ahead) cannot hold the preview longer. A live holder
 *   renews every 10 s, so its lease never stays unchanged for 30 s. Pure.
 */
export function leaseWait(s: LeaseSpec, serverNow: number, unchangedMs: number): number {
  return Math.max(0, Math.min(leaseExpiry(s, serverNow) - serverNow, durationMs(s) - unchangedMs))
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
  let held: KubeObject | null
  /** The other holder's lease as this run last saw it, and since when (this machine's clock) it has not changed. */
  let seen = { version: '', since: 0 }
  for (;;) {
    held = await kube.create(leaseObject(owner, holder, serverNow(kube)))
    if (held) break
    const current = await kube.get(ref)
    if (!current) continue
    const version = String(current.metadata.resourceVersion ?? '')
    if (version !== seen.version) seen = { version, since: Date.now() }
    const other = spec(current).holderIdentity ?? ''
    const wait = leaseWait(spec(current), serverNow(kube), Date.now() - seen.since)
    if (other === holder || !other || wait === 0) {
      held = await kube.replace(leaseObject(owner, holder, serverNow(kube), current))
      if (held) break
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
    await wake(kube, ref, current, Math.min(Date.now() + wait, deadline))
  }
  return heldLock(kube, owner, holder, ref, held, told)
}

/** Returns when the holder releases or renews the lease, or at `until` (when it would expire, or the deadline). */
async function wake(kube: Kube, ref: ObjectRef, current: KubeObject, until: number): Promise<void> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), Math.max(100, until - Date.now() + 50))
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
 * `held` is the lease as this run last wrote it: renewing and releasing write on its resourceVersion, so a lease
 * that anyone else changed since is read (one request more) before this run decides, and one nobody touched is
 * renewed or deleted in one request.
 */
function heldLock(
  kube: Kube,
  owner: Owner,
  holder: string,
  ref: ObjectRef,
  held: KubeObject,
  waited: boolean,
): Lock {
  let renewedAt = Date.now()
  let lost: string | null = null
  // Counted from when the last successful renewal was sent (its renewTime was stamped then), and a margin short of
  // the lease's duration: this run gives the lock up before any other run may judge the lease expired.
  const expired = () => Date.now() - renewedAt > DURATION_S * 1000 - EXPIRY_MARGIN_MS
  /** The lease now, when this run still holds it; else null, with `lost` saying why. */
  const stillMine = async (): Promise<KubeObject | null> => {
    const current = await kube.get(ref)
    if (!current) lost = 'its Lease was deleted'
    else if (spec(current).holderIdentity !== holder)
      lost = `${spec(current).holderIdentity ?? 'another run'} holds it now`
    return lost ? null : current
  }
  const renew = setInterval(() => {
    void (async () => {
      const sentAt = Date.now()
      const next = leaseObject(owner, holder, serverNow(kube), held)
      ;(next.spec as LeaseSpec).acquireTime = spec(held).acquireTime
      const renewed = await kube.replace(next).catch((e: unknown) => {
        if (e instanceof KubeError && e.status === 404) return null
        throw e
      })
      if (renewed) {
        held = renewed
        renewedAt = sentAt
      } else {
        // Changed or deleted since this run wrote it: by another run, or by a renewal whose answer was lost.
        const current = await stillMine()
        if (current) held = current // renewed on the next tick
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
    async verify() {
      this.check()
      const namespace = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: owner.namespace })
      if (!namespace || namespace.metadata.deletionTimestamp)
        lost = `namespace ${owner.namespace} is being deleted (the pull request was closed)`
      this.check()
    },
    async release() {
      clearInterval(renew)
      const version = String(held.metadata.resourceVersion ?? '')
      const deleted = await kube.delete(ref, { resourceVersion: version }).catch((e: unknown) => {
        if (e instanceof KubeError && e.status === 409) return 'changed'
        return 'failed'
      })
      if (deleted !== 'changed') return
      // Someone wrote the lease after this run: delete it only if it still names this run.
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
    create: checked((...a: Parameters<Kube['create']>) => kube.create(...a)),
    replace: checked((o: KubeObject) => kube.replace(o)),
    // Every argument passed on: a replacement deletes in the foreground (its pods first).
    delete: checked((...a: Parameters<Kube['delete']>) => kube.delete(...a)),
  }
}
