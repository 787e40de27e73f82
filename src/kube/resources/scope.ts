// The scope guard: before anything is applied, every object must live in the preview's namespace, or be of a
// cluster-wide kind the user allowed by name; and no object may already exist without belonging to this preview
// (made by hand, or by someone else): it is refused, never adopted.
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

/**
 * The objects as they will be applied (cluster-wide ones without a namespace); throws listing every problem.
 * `namespaced`: also look for namespaced objects that exist and are not ours (once the namespace exists), except
 * the ones `known` says this preview made (its inventory; everything, in a namespace this very run created).
 */
export async function guardScope(
  kube: Kube,
  objects: KubeObject[],
  allowed: string[],
  owner: Owner,
  {
    namespaced = false,
    known: ours = () => false,
  }: { namespaced?: boolean; known?: (o: KubeObject) => boolean } = {},
): Promise<KubeObject[]> {
  const problems: string[] = []
  const out = await Promise.all(
    objects.map(async (o) => {
      // The cluster's discovery decides a kind's scope whenever the kind exists (a template CRD cannot redeclare
      // a cluster-wide kind as namespaced); only a kind the cluster does not know yet takes its CRD's word.
      const fromCrds = resourceFromCrds(objects, o.apiVersion, o.kind)
      const known = await kube.resource(o.apiVersion, o.kind).catch((e: unknown) => {
        if (fromCrds && (e as { status?: number }).status === 404) return null
        throw e
      })
      const resource = known ?? fromCrds!
      if (resource.namespaced) {
        // An object of a kind the cluster does not know yet cannot exist; the namespace's own default
        // ServiceAccount is the one object the action takes on (it adds the registry's pull Secret to it).
        if (!namespaced || !known || isDefaultServiceAccount(o) || ours(o)) return o
        const live = await kube.get(refOf(o))
        if (live && !isOwnedBy(live, owner)) problems.push(notOurs(o))
        return o
      }
      if (o.kind === 'Namespace' || !allowed.includes(o.kind)) {
        problems.push(
          `${o.kind} "${o.metadata.name}" is cluster-wide and ${o.kind} is not listed in allow-cluster-scoped`,
        )
        return o
      }
      const { namespace, ...metadata } = o.metadata
      const clusterWide = { ...o, metadata }
      const live = await kube.get(refOf(clusterWide))
      if (live && !isOwnedBy(live, owner)) problems.push(notOurs(o))
      return clusterWide
    }),
  )
  if (problems.length) throw new ScopeError(problems)
  return out
}

const notOurs = (o: KubeObject) =>
  `${o.kind} "${o.metadata.name}" already exists and does not belong to this preview; rename it (e.g. after preview.namespace)`

const isDefaultServiceAccount = (o: KubeObject) =>
  o.apiVersion === 'v1' && o.kind === 'ServiceAccount' && o.metadata.name === 'default'
