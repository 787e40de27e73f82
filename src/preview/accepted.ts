// What the cluster has accepted for a preview: a short digest of every object a run applied, recorded on the
// namespace, so a later run dry-runs only the objects that changed since. Pure.
import { createHash, createHmac } from 'node:crypto'
import type { KubeObject } from '../shared/kube-object.js'
import { canonicalJson as canonical } from '../shared/canonical-json.js'

/**
 * The key a Secret's digest is keyed with: the preview's generated credentials (random, 24 characters each), which
 * whoever may read the namespace's annotations but not its Secrets (Kubernetes' `view` role) does not know.
 * null for a preview without credentials: its Secrets get no digest.
 */
export function secretDigestKey(credentials: Record<string, string>): string | null {
  return Object.keys(credentials).length ? canonical(credentials) : null
}

/**
 * A digest of what is applied for an object, its name and kind included. A Secret's is keyed (HMAC) with
 * `secretKey`, and without one it has none: a plain digest of a password, readable by anyone who may read the
 * namespace, could be guessed back. A Secret without a digest is dry-run every time.
 */
export function digestOf(o: KubeObject, secretKey: string | null = null): string | null {
  const text = canonical(o)
  if (o.apiVersion === 'v1' && o.kind === 'Secret')
    return secretKey ? createHmac('sha256', secretKey).update(text).digest('base64url').slice(0, 16) : null
  return createHash('sha256').update(text).digest('base64url').slice(0, 16)
}

/** The namespace annotation: the digests of the objects this run applies, sorted, space-separated. */
export function formatAccepted(objects: KubeObject[], secretKey: string | null = null): string {
  const digests = objects.map((o) => digestOf(o, secretKey)).filter((d) => d !== null)
  return [...new Set(digests)].sort().join(' ')
}

/** The objects the cluster accepted exactly as they are now, by the annotation of the last run that applied. */
export function acceptedBefore(
  annotation: string | undefined,
  secretKey: string | null = null,
): (o: KubeObject) => boolean {
  const seen = new Set((annotation ?? '').split(/\s+/).filter(Boolean))
  return (o) => {
    const d = digestOf(o, secretKey)
    return d !== null && seen.has(d)
  }
}
