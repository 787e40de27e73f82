// CustomResourceDefinitions that come with the templates: what kinds they define (so objects of those kinds can
// be placed and checked before the cluster knows them), and the phase that installs them before anything else.
import { type Resource } from './resources.js'
import { type KubeObject, describeRef, refOf } from '../../shared/kube-object.js'
import type { Kube } from '../port.js'

interface CrdSpec {
  group?: string
  scope?: string
  names?: { kind?: string; plural?: string }
  versions?: Array<{ name?: string }>
}

export const isCrd = (o: KubeObject) =>
  o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/')

/** The resource of an object whose kind a CRD among `objects` defines (undefined otherwise). Pure. */
export function resourceFromCrds(
  objects: KubeObject[],
  apiVersion: string,
  kind: string,
): Resource | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]
  for (const crd of objects.filter(isCrd)) {
    const spec = (crd.spec ?? {}) as CrdSpec
    if (spec.group !== group || spec.names?.kind !== kind) continue
    if (!spec.versions?.some((v) => v.name === version)) continue
    return {
      base: `/apis/${apiVersion}`,
      plural: spec.names.plural ?? `${kind.toLowerCase()}s`,
      namespaced: spec.scope !== 'Cluster',
    }
  }
  return undefined
}

/** True when the CRD's status says the API server serves its kind. Pure. */
function isEstablished(crd: KubeObject): boolean {
  const conditions = (crd.status as { conditions?: Array<{ type: string; status: string }> } | undefined)
    ?.conditions
  return Boolean(conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
}

/**
 * Applies the templates' CRDs, waits until each is Established, then refreshes discovery so that the objects of
 * their kinds can be applied. Returns the applied CRDs.
 */
export async function installCrds(
  kube: Kube,
  crds: KubeObject[],
  deadline: number,
  log: { info(m: string): void },
): Promise<KubeObject[]> {
  if (crds.length === 0) return []
  const applied = await Promise.all(crds.map((c) => kube.apply(c)))
  await Promise.all(
    applied.map(async (crd) => {
      let current: KubeObject | null = crd
      let pause = 50
      while (!current || !isEstablished(current)) {
        if (Date.now() > deadline)
          throw new Error(`${describeRef(refOf(crd))} was not Established when the timeout ran out`)
        await new Promise((r) => setTimeout(r, pause))
        pause = Math.min(pause * 2, 1000)
        current = await kube.get(refOf(crd))
      }
    }),
  )
  kube.forgetDiscovery()
  log.info(
    `installed ${applied.length} CustomResourceDefinition(s): ${applied.map((c) => c.metadata.name).join(', ')}`,
  )
  return applied
}
