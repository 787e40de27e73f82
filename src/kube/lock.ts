// One run at a time per preview: a Lease in the preview's namespace, held while a run deploys and renewed while
// it runs. A run that dies leaves a Lease that expires; the next run takes it over.
import { ownerLabels, type Owner } from '../ownership.js'
import type { KubeObject } from '../render.js'
import type { Kube } from './client.js'

export const LOCK_NAME = 'kube-pr-preview-lock'
const DURATION_S = 30
const RENEW_MS = 10_000

export interface Lock {
  release(): Promise<void>
}

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

/** Waits (bounded by the deadline) until this run holds the preview's lock. */
export async function acquireLock(
  kube: Kube,
  owner: Owner,
  holder: string,
  deadline: number,
  onWait: (holder: string) => void,
): Promise<Lock> {
  const ref = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    name: LOCK_NAME,
    namespace: owner.namespace,
  }
  let told = false
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
    if (!told) onWait(other)
    told = true
    // Wake on the holder's release or renewal, or when its lease would expire.
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
  const renew = setInterval(() => {
    void (async () => {
      const current = await kube.get(ref)
      if (current && spec(current).holderIdentity === holder) {
        const next = leaseObject(owner, holder, current)
        ;(next.spec as LeaseSpec).acquireTime = spec(current).acquireTime
        await kube.replace(next)
      }
    })().catch(() => undefined)
  }, RENEW_MS)
  renew.unref()
  return {
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
