// What the front door needs from the cluster before anything is rendered: the Gateway (it must exist; its
// listener says whether URLs are https), the IngressClass (the one named, or the cluster's default) and the copy
// of the wildcard certificate. And, after a deploy, whether a controller picked the Ingresses up.
import { frontDoorContext, TLS_SECRET, type FrontDoorContext } from '../preview/frontdoor.js'
import {
  admitFrontDoor,
  CIDRS_ANNOTATION,
  CONTROLLER_PODS,
  gatewayPodSelectors,
  type FrontDoor,
  type FrontDoorAdmission,
  NAMESPACES_ANNOTATION,
} from '../preview/admission.js'
import { InputError } from '../shared/errors.js'
import type { KubeObject } from '../shared/kube-object.js'
import type { FrontDoorSettings } from '../inputs/frontdoor.js'
import { KubeError, type Kube } from './port.js'

export const GATEWAY_API = 'gateway.networking.k8s.io/v1'
const DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class'

export interface PreparedFrontDoor {
  context: FrontDoorContext
  /** Objects the action adds to the preview: the certificate's copy. */
  objects: KubeObject[]
  /** The scheme of the URLs, when the settings left it to the front door. */
  scheme: 'https' | 'http'
  /** Why Ingresses cannot be applied (no such class, no default); checked once the templates are rendered. */
  ingressProblem: string | null
  /** Who the NetworkPolicy lets in: the front door's namespaces and address ranges (absent: the inputs'). */
  admission?: FrontDoorAdmission
}

/** The settings the front door's admission reads besides FrontDoorSettings (the whole Settings in a run). */
interface AdmissionSettings {
  ingressNamespace?: string
  networkPolicy?: boolean
}

/** The pods (namespace, host network) matching any of the selectors, in every namespace. */
async function podsOf(kube: Kube, selectors: string[]) {
  const lists = await Promise.all(
    selectors.map((labelSelector) => kube.list('v1', 'Pod', undefined, { labelSelector })),
  )
  return lists.flatMap((l) =>
    l.items.map((p) => ({
      namespace: p.metadata.namespace ?? '',
      hostNetwork: (p as { spec?: { hostNetwork?: boolean } }).spec?.hostNetwork === true,
    })),
  )
}

/** Finds where the front door's traffic comes from (see preview/admission.ts); throws when it cannot tell. */
async function findAdmission(
  kube: Kube,
  s: FrontDoorSettings & AdmissionSettings,
  door: { object: KubeObject; is: FrontDoor } | null,
): Promise<FrontDoorAdmission> {
  const facts = {
    inputNamespace: s.ingressNamespace ?? '',
    inputCidrs: s.frontDoorCidrs ?? [],
    door: door?.is ?? null,
    annotations: door?.object.metadata.annotations ?? {},
    pods: null as Array<{ namespace: string; hostNetwork: boolean }> | null,
    podsProblem: undefined as string | undefined,
  }
  // Pods are listed (in every namespace) only when nothing else says where the front door is: an identity that
  // `init` made may not list them, and a door annotated by the platform team needs no look.
  const annotated = [NAMESPACES_ANNOTATION, CIDRS_ANNOTATION].some((a) =>
    (facts.annotations[a] ?? '').split(/[\s,]+/).some(Boolean),
  )
  if (door && !facts.inputNamespace && !annotated) {
    const selectors =
      door.is.kind === 'Gateway'
        ? gatewayPodSelectors(door.is.namespace, door.is.name)
        : CONTROLLER_PODS[door.is.controller]
          ? [CONTROLLER_PODS[door.is.controller]!]
          : null
    if (selectors)
      facts.pods = await podsOf(kube, selectors).catch((e: Error) => {
        if (!(e instanceof KubeError && e.status === 403)) throw e
        facts.podsProblem = `the action may not list pods: ${e.message}`
        return null
      })
  }
  return admitFrontDoor(facts)
}

interface Listener {
  name?: string
  hostname?: string
  protocol?: string
}

/** Whether a listener's hostname (`*.preview.example.com`, or none: any) covers a host. Pure. */
export function listenerMatches(listener: Listener, host: string): boolean {
  const h = listener.hostname
  if (!h) return true
  if (h.startsWith('*.')) return host.endsWith(h.slice(1)) && host.length > h.length - 1
  return h === host
}

/** https when an HTTPS listener of the Gateway takes the host, else http. Pure. */
export function gatewayScheme(gateway: KubeObject, host: string): 'https' | 'http' {
  const listeners = ((gateway as { spec?: { listeners?: Listener[] } }).spec?.listeners ?? []).filter((l) =>
    listenerMatches(l, host),
  )
  return listeners.some((l) => l.protocol === 'HTTPS') ? 'https' : 'http'
}

/** The IngressClass to use, or why there is none. Pure. */
export function chooseIngressClass(
  classes: KubeObject[],
  wanted: string,
): { className: string; problem: string | null } {
  const names = classes.map((c) => c.metadata.name).sort()
  const listed = names.length
    ? `the cluster has: ${names.join(', ')}`
    : 'the cluster has no IngressClass at all (is an ingress controller installed?)'
  if (wanted) {
    if (names.includes(wanted)) return { className: wanted, problem: null }
    return {
      className: wanted,
      problem: `Input "ingress-class": the cluster has no IngressClass "${wanted}"; ${listed}.`,
    }
  }
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true')
  if (defaults.length === 1) return { className: defaults[0]!.metadata.name, problem: null }
  if (defaults.length > 1) {
    return {
      className: '',
      problem: `Input "ingress-class": the cluster has ${defaults.length} default IngressClasses (${defaults.map((c) => c.metadata.name).join(', ')}); name one with ingress-class.`,
    }
  }
  return {
    className: '',
    problem: `Input "ingress-class" is empty and the cluster has no default IngressClass: name one with ingress-class (${listed}), or use a Gateway with the gateway input.`,
  }
}

export async function prepareFrontDoor(
  kube: Kube,
  s: FrontDoorSettings & AdmissionSettings & { urlScheme: string },
  host: string,
  salt: string,
  warn: (message: string) => void,
): Promise<PreparedFrontDoor> {
  let scheme: 'https' | 'http' = s.urlScheme === 'http' || s.urlScheme === 'https' ? s.urlScheme : 'http'
  let className = ''
  let ingressProblem: string | null = null
  let door: { object: KubeObject; is: FrontDoor } | null = null
  if (s.gateway) {
    const ref = { apiVersion: GATEWAY_API, kind: 'Gateway', ...s.gateway }
    const gateway = await kube.get(ref).catch((e: Error) => {
      if (e instanceof KubeError && e.status === 404)
        throw new InputError('gateway', `the cluster has no Gateway API (${e.message}).`)
      throw e
    })
    if (!gateway)
      throw new InputError('gateway', `the cluster has no Gateway ${s.gateway.namespace}/${s.gateway.name}.`)
    if (!s.urlScheme) scheme = gatewayScheme(gateway, host)
    const className = String(
      (gateway as { spec?: { gatewayClassName?: string } }).spec?.gatewayClassName ?? '',
    )
    door = { object: gateway, is: { kind: 'Gateway', ...s.gateway, className } }
  } else {
    try {
      const classes = await kube.list('networking.k8s.io/v1', 'IngressClass', undefined)
      ;({ className, problem: ingressProblem } = chooseIngressClass(classes.items, s.ingressClass))
      const chosen = classes.items.find((c) => c.metadata.name === className)
      if (chosen && !ingressProblem) {
        const controller = String((chosen as { spec?: { controller?: string } }).spec?.controller ?? '')
        door = { object: chosen, is: { kind: 'IngressClass', name: className, controller } }
      }
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 403)) throw e
      // Without the right to read IngressClasses, trust the input (or the cluster's default admission).
      className = s.ingressClass
      warn(
        `could not list IngressClasses (${e.message}); add ingressclasses get/list to the action's ClusterRole so the class is checked before applying`,
      )
    }
  }
  const objects: KubeObject[] = []
  if (s.tlsSecret) {
    const { namespace, name } = s.tlsSecret
    const source = await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name }).catch((e: Error) => {
      if (!(e instanceof KubeError && e.status === 403)) throw e
      throw new InputError(
        'tls-secret',
        `the action may not read the Secret ${namespace}/${name} (${e.message.split('\n')[0]!.split(' — ')[0]}). Grant get on exactly that Secret: \`npx kube-pr-preview init … --tls-secret ${namespace}/${name}\` does (README, "Least privilege: init").`,
      )
    })
    if (!source)
      throw new InputError(
        'tls-secret',
        `the cluster has no Secret ${s.tlsSecret.namespace}/${s.tlsSecret.name} (or the action may not read it).`,
      )
    objects.push(tlsCopy(source))
    if (!s.urlScheme) scheme = 'https'
  }
  // The NetworkPolicy's front door, when the action adds one (network-policy input).
  const admission = s.networkPolicy === false ? undefined : await findAdmission(kube, s, door)
  return { context: frontDoorContext(s, className, salt), objects, scheme, ingressProblem, admission }
}

/** The preview's own copy of the certificate Secret: its type and data, nothing of its metadata. Pure. */
export function tlsCopy(source: KubeObject): KubeObject {
  const { type, data } = source as { type?: string; data?: Record<string, string> }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: TLS_SECRET,
      annotations: {
        'kube-pr-preview.io/copied-from': `${source.metadata.namespace}/${source.metadata.name}`,
      },
    },
    type: type ?? 'kubernetes.io/tls',
    data: data ?? {},
  }
}

/** One line for an Ingress: whether a controller has taken it (an address in its status). Pure. */
function pickupLine(i: KubeObject): string {
  const addresses = (
    (i as { status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } }).status
      ?.loadBalancer?.ingress ?? []
  )
    .map((a) => a.ip ?? a.hostname ?? '')
    .filter(Boolean)
  const cls = (i as { spec?: { ingressClassName?: string } }).spec?.ingressClassName ?? '(default)'
  return addresses.length
    ? `Ingress ${i.metadata.name}: picked up by the ${cls} controller (address ${addresses.join(', ')})`
    : `Ingress ${i.metadata.name}: no controller has picked it up yet (no address in its status); check that a controller serves IngressClass ${cls}`
}

/**
 * One line per Ingress: whether a controller has taken it, waiting up to waitMs for every one to be. One list,
 * then a watch from it (a controller writing an address ends the wait at once); a watch that fails is replaced
 * by a last list at the end.
 */
export async function ingressPickup(
  kube: Kube,
  namespace: string,
  selector: string,
  waitMs: number,
): Promise<string[]> {
  const deadline = Date.now() + waitMs
  const list = await kube.list('networking.k8s.io/v1', 'Ingress', namespace, { labelSelector: selector })
  const lines = new Map(list.items.map((i) => [i.metadata.name, pickupLine(i)]))
  const done = () => [...lines.values()].every((l) => l.includes('picked up by')) || Date.now() >= deadline
  if (done()) return [...lines.values()]
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()))
  try {
    await kube.watch(
      'networking.k8s.io/v1',
      'Ingress',
      namespace,
      { labelSelector: selector, resourceVersion: list.metadata.resourceVersion },
      (e) => {
        if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return
        lines.set(e.object.metadata.name, pickupLine(e.object))
        if (done()) controller.abort()
      },
      controller.signal,
    )
  } catch {
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))
    const again = await kube.list('networking.k8s.io/v1', 'Ingress', namespace, { labelSelector: selector })
    return again.items.map(pickupLine)
  } finally {
    clearTimeout(timer)
  }
  return [...lines.values()]
}
