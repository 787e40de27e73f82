// Where the bundled databases keep their data, decided before rendering: `values.persistence.enabled` is true,
// false or auto (the default). auto puts them on PersistentVolumeClaims when the cluster can provision them (a
// default StorageClass, or `values.persistence.storageClass` names one), so a database pod that moves (a node
// upgrade, Autopilot re-packing, a spot VM taken back, a preview woken from sleep) keeps the preview's data; and
// in scratch volumes (emptyDir) otherwise, where it lasts as long as the pod. Pure.
import { InputError } from '../shared/errors.js'

export interface Persistence {
  /** The values with `persistence.enabled` a boolean, as the templates read it. */
  values: Record<string, unknown>
  /** What was decided and why, for the log; empty when the templates have no `persistence` values. */
  line: string
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Whether `auto` needs the cluster's default StorageClass to decide. */
export function needsDefaultStorageClass(values: Record<string, unknown>): boolean {
  const p = values.persistence
  return isMapping(p) && p.enabled === 'auto' && !p.storageClass
}

export function resolvePersistence(
  values: Record<string, unknown>,
  defaultStorageClass: string | null,
): Persistence {
  const p = values.persistence
  if (!isMapping(p)) return { values, line: '' }
  const named = typeof p.storageClass === 'string' ? p.storageClass : ''
  let enabled: boolean
  let why: string
  if (p.enabled === true || p.enabled === false) {
    enabled = p.enabled
    why = `values.persistence.enabled is ${String(p.enabled)}`
  } else if (p.enabled === 'auto' || p.enabled === undefined) {
    enabled = Boolean(named || defaultStorageClass)
    why = named
      ? 'values.persistence.storageClass names a StorageClass'
      : defaultStorageClass
        ? `the cluster's default StorageClass is ${defaultStorageClass}`
        : 'the cluster has no default StorageClass (or the action may not read StorageClasses)'
  } else {
    throw new InputError(
      'values',
      `persistence.enabled is ${JSON.stringify(p.enabled)}: use true, false or auto (volumes when the cluster has a default StorageClass).`,
    )
  }
  const where = enabled
    ? `on PersistentVolumeClaims (StorageClass ${named || defaultStorageClass || "the cluster's default"}): they keep their data when their pods move`
    : 'in scratch volumes: a database pod that moves to another node starts empty, and the next push prepares it again'
  return {
    values: { ...values, persistence: { ...p, enabled } },
    line: `databases ${where} (${why})`,
  }
}
