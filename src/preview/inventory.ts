// What a preview holds, recorded on its namespace, and what to prune when a template no longer renders an
// object. Pure.
import { refKey, type ObjectRef } from '../shared/kube-object.js'

/** One line per object: `<apiVersion> <kind> <name>`. */
export function formatInventory(refs: ObjectRef[]): string {
  return [...new Set(refs.map((r) => `${r.apiVersion} ${r.kind} ${r.name}`))].sort().join('\n')
}

export function parseInventory(text: string | undefined, namespace: string): ObjectRef[] {
  if (!text) return []
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 3)
    .map(([apiVersion, kind, name]) => ({ apiVersion: apiVersion!, kind: kind!, name: name!, namespace }))
}

/** Objects of the previous inventory that the current render does not contain. */
export function pruneCandidates(previous: ObjectRef[], current: ObjectRef[]): ObjectRef[] {
  const keep = new Set(current.map(refKey))
  const seen = new Set<string>()
  return previous.filter((r) => {
    const key = refKey(r)
    if (keep.has(key) || seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Everything either inventory names: written before applying, so a run that dies half-way orphans nothing. */
export function unionInventory(previous: ObjectRef[], current: ObjectRef[]): ObjectRef[] {
  return [...current, ...pruneCandidates(previous, current)]
}
