// The front door's part of a deploy: refuse Ingresses that no class can take before anything is applied, and
// afterwards tell the summary whether a controller picked the Ingresses up and which services have no host.
import { ingressPickup, type PreparedFrontDoor } from '../../kube/frontdoor.js'
import type { Plan } from '../../preview/plan.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { Kube } from '../../kube/port.js'

/** Throws when the rendered Ingresses cannot be served: the class named does not exist, or there is no default. */
export function checkFrontDoor(objects: KubeObject[], frontDoor: PreparedFrontDoor): void {
  if (frontDoor.ingressProblem && objects.some((o) => o.kind === 'Ingress'))
    throw new Error(`Nothing was applied. ${frontDoor.ingressProblem}`)
}

interface ServiceLike {
  spec?: { ports?: Array<{ name?: string; port?: number }> }
}

/** Services with an `http` port but no host: reachable from a developer's machine through kubectl only. Pure. */
export function internalServices(
  objects: KubeObject[],
  urls: Record<string, string>,
  namespace: string,
): string[] {
  return objects
    .filter((o) => o.kind === 'Service' && !urls[o.metadata.name])
    .flatMap((o) => {
      const port = (o as ServiceLike).spec?.ports?.find((p) => p.name === 'http')?.port
      return port
        ? [
            `${o.metadata.name} is internal (no public host): \`kubectl port-forward -n ${namespace} svc/${o.metadata.name} 8080:${port}\`, then open http://localhost:8080`,
          ]
        : []
    })
}

export async function frontDoorNotes(
  kube: Kube,
  plan: Plan,
  objects: KubeObject[],
  urls: Record<string, string>,
  selector: string,
  deadline: number,
): Promise<string[]> {
  const hasIngress = objects.some((o) => o.kind === 'Ingress')
  const waitMs = Math.max(0, Math.min(5_000, deadline - Date.now()))
  const pickup = hasIngress
    ? await ingressPickup(kube, plan.namespace, selector, waitMs).catch((e: Error) => [
        `could not read the Ingresses' status: ${e.message}`,
      ])
    : []
  return [...pickup, ...internalServices(objects, urls, plan.namespace)]
}
