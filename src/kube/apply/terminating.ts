// Why a namespace stays in Terminating: the conditions kube-controller-manager's namespace controller writes on it,
// and the objects inside that still carry finalizers (a controller that would remove them is gone).
import { parseInventory } from '../../preview/inventory.js'
import { ANNOTATION } from '../../preview/ownership.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { Kube } from '../port.js'

/** Kinds that commonly hold a namespace, besides what the preview's inventory names. */
const COMMON_KINDS: Array<[string, string]> = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'ReplicaSet'],
  ['batch/v1', 'Job'],
  ['networking.k8s.io/v1', 'Ingress'],
]

interface Condition {
  type?: string
  status?: string
  message?: string
}

/** The namespace controller's own words, e.g. "Some content in the namespace has finalizers remaining: …". Pure. */
export function terminatingConditions(ns: KubeObject): string[] {
  const conditions = (ns as { status?: { conditions?: Condition[] } }).status?.conditions ?? []
  return conditions
    .filter((c) => c.status === 'True' && /Remaining$|Failure$/.test(c.type ?? '') && c.message)
    .map((c) => c.message!)
}

/** `ConfigMap held (finalizers: example.test/hold)` for every object of the namespace that still has finalizers. */
export async function heldBy(kube: Kube, ns: KubeObject): Promise<string[]> {
  const inventory = parseInventory(ns.metadata.annotations?.[ANNOTATION.inventory], ns.metadata.name)
  const kinds = new Map(COMMON_KINDS.map(([v, k]) => [`${v} ${k}`, [v, k] as const]))
  for (const ref of inventory) kinds.set(`${ref.apiVersion} ${ref.kind}`, [ref.apiVersion, ref.kind])
  const found = await Promise.all(
    [...kinds.values()].map(async ([apiVersion, kind]) => {
      const resource = await kube.resource(apiVersion, kind).catch(() => null)
      if (!resource?.namespaced) return []
      const list = await kube.list(apiVersion, kind, ns.metadata.name).catch(() => ({ items: [] }))
      return list.items
        .filter((o) => ((o.metadata.finalizers as string[] | undefined) ?? []).length > 0)
        .map(
          (o) => `${kind} ${o.metadata.name} (finalizers: ${(o.metadata.finalizers as string[]).join(', ')})`,
        )
    }),
  )
  return found.flat().sort()
}

/** What holds a namespace in Terminating, said in one line for an error. */
export async function whyTerminating(kube: Kube, name: string): Promise<string> {
  const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => null)
  if (!ns) return 'it is gone now'
  const [objects, conditions] = [await heldBy(kube, ns), terminatingConditions(ns)]
  const parts = [
    objects.length
      ? `held by ${objects.join('; ')}`
      : 'no object with a finalizer was found among the usual kinds',
    ...conditions,
  ]
  return parts.join('. ')
}
