// Finding a preview's cluster-wide objects (of the kinds allow-cluster-scoped allows) by its ownership labels, so
// that teardown removes them even when the namespace's inventory does not name them (a run that died before
// recording it, an inventory written by an older version).
import { ownerSelector, type Owner } from '../../preview/ownership.js'
import { apiVersionsOf } from './resources.js'
import type { ObjectRef } from '../../shared/kube-object.js'
import type { Kube } from '../port.js'

export async function clusterWideByLabels(kube: Kube, owner: Owner, kinds: string[]): Promise<ObjectRef[]> {
  const found = await Promise.all(
    kinds.flatMap((kind) =>
      apiVersionsOf(kind).map(async (apiVersion) => {
        const resource = await kube.resource(apiVersion, kind).catch(() => null)
        if (!resource || resource.namespaced) return []
        const list = await kube
          .list(apiVersion, kind, undefined, { labelSelector: ownerSelector(owner) })
          .catch(() => ({ items: [] }))
        return list.items.map((o) => ({ apiVersion, kind, name: o.metadata.name }))
      }),
    ),
  )
  return found.flat()
}
