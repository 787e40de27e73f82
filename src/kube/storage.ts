// The cluster's default StorageClass, for `values.persistence.enabled: auto` (see preview/persistence.ts).
import { KubeError, type Kube } from './port.js'

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class'

/** The default StorageClass's name (the newest, when several claim it, as Kubernetes picks); null: none. */
export async function defaultStorageClass(
  kube: Kube,
  warn: (message: string) => void,
): Promise<string | null> {
  try {
    const list = await kube.list('storage.k8s.io/v1', 'StorageClass', undefined)
    const defaults = list.items
      .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true')
      .sort((a, b) =>
        String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')),
      )
    return defaults[0]?.metadata.name ?? null
  } catch (e) {
    if (!(e instanceof KubeError && e.status === 403)) throw e
    warn(
      `could not list StorageClasses (${e.message}): databases stay in scratch volumes; add storageclasses get/list to the action's ClusterRole, or set values.persistence`,
    )
    return null
  }
}
