// What the cluster has accepted for a preview: a short digest of every object a run applied, recorded on the
// namespace, so a later run dry-runs only the objects that changed since. Pure.
import { createHash } from 'node:crypto'
import type { KubeObject } from '../shared/kube-object.js'
import { canonicalJson as canonical } from '../shared/canonical-json.js'

/**
 * A digest of what is applied for an object, its name and kind included. Secrets have none: a digest of a
 * password, readable by anyone who may read the namespace, could be guessed back; they are dry-run every time.
 */
export function digestOf(o: KubeObject): string | null {
  if (o.apiVersion === 'v1' && o.kind === 'Secret') return null
  return createHash('sha256').update(canonical(o)).digest('base64url').slice(0, 16)
}

/** The namespace annotation: the digests of the objects this run applies, sorted, space-separated. */
export function formatAccepted(objects: KubeObject[]): string {
  return [...new Set(objects.map(digestOf).filter((d) => d !== null))].sort().join(' ')
}

/** The objects the cluster accepted exactly as they are now, by the annotation of the last run that applied. */
export function acceptedBefore(annotation: string | undefined): (o: KubeObject) => boolean {
  const seen = new Set((annotation ?? '').split(/\s+/).filter(Boolean))
  return (o) => {
    const d = digestOf(o)
    return d !== null && seen.has(d)
  }
}
