// The scope guard: before anything is applied, every object must live in the preview's namespace, or be of a
// cluster-wide kind the user allowed by name and not already belong to someone else.
import { isOwnedBy, type Owner } from '../../preview/ownership.js'
import { resourceFromCrds } from './crds.js'
import { type KubeObject, refOf } from '../../shared/kube-object.js'
import type { Kube } from '../port.js'

export class ScopeError extends Error {
  constructor(problems: string[]) {
    super(`Nothing was applied: ${problems.join('; ')}`)
    this.name = 'ScopeError'
  }
}

/** The objects as they will be applied (cluster-wide ones without a namespace); throws listing every problem. */
export async function guardScope(
  kube: Kube,
  objects: KubeObject[],
  allowed: string[],
  owner: Owner,
): Promise<KubeObject[]> {
  const problems: string[] = []
  const out = await Promise.all(
    objects.map(async (o) => {
      // A kind defined by a CRD of the same templates is not known to the cluster yet: its CRD says its scope.
      const resource =
        resourceFromCrds(objects, o.apiVersion, o.kind) ?? (await kube.resource(o.apiVersion, o.kind))
      if (resource.namespaced) return o
      if (o.kind === 'Namespace' || !allowed.includes(o.kind)) {
        problems.push(
          `${o.kind} "${o.metadata.name}" is cluster-wide and ${o.kind} is not listed in allow-cluster-scoped`,
        )
        return o
      }
      const { namespace, ...metadata } = o.metadata
      const clusterWide = { ...o, metadata }
      const live = await kube.get(refOf(clusterWide))
      if (live && !isOwnedBy(live, owner)) {
        problems.push(
          `${o.kind} "${o.metadata.name}" already exists and does not belong to this preview; rename it (e.g. after preview.namespace)`,
        )
      }
      return clusterWide
    }),
  )
  if (problems.length) throw new ScopeError(problems)
  return out
}
