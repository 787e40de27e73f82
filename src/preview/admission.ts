// Who may reach a preview's pods from outside its namespace: the front door. Its proxies are pods of some
// namespace (an ingress controller, a Gateway's data plane) or, for cloud load balancers and controllers on the
// host network, addresses. The action finds the namespace from the cluster where it can be known (the Gateway's
// namespace and its data-plane pods; the pods of the IngressClass's controller), never assumes one, and says why
// it admits each; address ranges come from the front-door-cidrs input. Pure: kube/frontdoor.ts reads the facts.
import { InputError } from '../shared/errors.js'

export interface FrontDoorAdmission {
  /** Namespaces whose pods may reach the preview's pods. */
  namespaces: string[]
  /** Address ranges admitted to the routed pods only (see guardrails.ts). */
  cidrs: string[]
  /** What is admitted and why, for the log. */
  lines: string[]
}

/** Annotations a platform team may put on an IngressClass or Gateway once, instead of inputs in every workflow. */
export const NAMESPACES_ANNOTATION = 'kube-pr-preview.io/front-door-namespaces'
export const CIDRS_ANNOTATION = 'kube-pr-preview.io/front-door-cidrs'

/** The pods of an ingress controller, by the `spec.controller` of its IngressClass (as their charts label them). */
export const CONTROLLER_PODS: Record<string, string> = {
  'k8s.io/ingress-nginx': 'app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller',
  'traefik.io/ingress-controller': 'app.kubernetes.io/name=traefik',
  'nginx.org/ingress-controller': 'app.kubernetes.io/name=nginx-ingress',
  'projectcontour.io/ingress-controller': 'app.kubernetes.io/component=envoy',
  'haproxy.org/ingress-controller': 'app.kubernetes.io/name=kubernetes-ingress',
  'ingress-controllers.konghq.com/kong': 'app.kubernetes.io/name=kong',
  'webapprouting.kubernetes.azure.com/nginx': 'app=nginx',
}

/** Controllers whose proxies are cloud load balancers: their traffic comes from address ranges. */
export const OUTSIDE_CONTROLLERS: Record<string, string> = {
  'ingress.k8s.aws/alb':
    "the AWS Load Balancer Controller: an ALB (target-type: ip) sends from its subnets: list the VPC's CIDR",
  'azure/application-gateway': 'Application Gateway: it sends from its own subnet: list that subnet',
  'networking.gke.io/ingress-gce':
    "GKE Ingress: Google's front ends and health checks send from 35.191.0.0/16 and 130.211.0.0/22",
}

/** Labels on a Gateway's data-plane pods: the Gateway API's (GEP-1762) and Envoy Gateway's. */
export const gatewayPodSelectors = (namespace: string, name: string) => [
  `gateway.networking.k8s.io/gateway-name=${name}`,
  `gateway.envoyproxy.io/owning-gateway-name=${name},gateway.envoyproxy.io/owning-gateway-namespace=${namespace}`,
]

export type FrontDoor =
  | { kind: 'Gateway'; namespace: string; name: string; className: string }
  | { kind: 'IngressClass'; name: string; controller: string }

export interface FrontDoorFacts {
  /** The ingress-namespace input; empty: find it. */
  inputNamespace: string
  /** The front-door-cidrs input. */
  inputCidrs: string[]
  /** The Gateway or IngressClass the preview's routes use; null when there is none (reported elsewhere). */
  door: FrontDoor | null
  annotations: Record<string, string>
  /** The door's proxy pods found in the cluster; null when the action cannot tell which pods they are. */
  pods: Array<{ namespace: string; hostNetwork: boolean }> | null
  /** Why pods could not be read (e.g. no right to list them), for the error. */
  podsProblem?: string
}

const words = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean)
const unique = (xs: string[]) => [...new Set(xs)]

export function admitFrontDoor(f: FrontDoorFacts): FrontDoorAdmission {
  const cidrs = [...f.inputCidrs]
  const lines: string[] = []
  const admitCidrs = (why: string, more: string[]) => {
    if (more.length) lines.push(`admitting ${more.join(', ')} to the routed pods (${why})`)
    cidrs.push(...more)
  }
  if (f.inputCidrs.length)
    lines.push(`admitting ${f.inputCidrs.join(', ')} to the routed pods (the front-door-cidrs input)`)
  const done = (namespaces: string[], why: (ns: string) => string) => {
    for (const ns of namespaces) lines.unshift(`admitting the pods of namespace ${ns} (${why(ns)})`)
    return { namespaces: unique(namespaces), cidrs: unique(cidrs), lines }
  }
  if (f.inputNamespace) return done([f.inputNamespace], () => 'the ingress-namespace input')
  const door = f.door
  if (!door) return done([], () => '')
  const doorName =
    door.kind === 'Gateway' ? `Gateway ${door.namespace}/${door.name}` : `IngressClass ${door.name}`
  const annotated = words(f.annotations[NAMESPACES_ANNOTATION])
  const annotatedCidrs = words(f.annotations[CIDRS_ANNOTATION])
  if (annotated.length || annotatedCidrs.length) {
    admitCidrs(`the ${CIDRS_ANNOTATION} annotation of ${doorName}`, annotatedCidrs)
    return done(annotated, () => `the ${NAMESPACES_ANNOTATION} annotation of ${doorName}`)
  }
  const pods = f.pods ?? []
  const inPods = unique(pods.filter((p) => !p.hostNetwork).map((p) => p.namespace))
  const onHost = unique(pods.filter((p) => p.hostNetwork).map((p) => p.namespace))
  const hostNetwork = () =>
    new InputError(
      'front-door-cidrs',
      `the pods of ${doorName}'s proxy run on the host network (namespace ${onHost.join(', ')}): their traffic comes from the nodes' addresses, not a namespace. List the nodes' address range in front-door-cidrs.`,
    )
  if (door.kind === 'Gateway') {
    if (door.className.startsWith('gke-l7-') && !cidrs.length)
      throw new InputError(
        'front-door-cidrs',
        `${doorName} (class ${door.className}) is a Google Cloud load balancer: it reaches pods from 35.191.0.0/16 and 130.211.0.0/22 (and, for a regional Gateway, the proxy-only subnet), not from a namespace. List them in front-door-cidrs.`,
      )
    if (onHost.length && !inPods.length && !cidrs.length) throw hostNetwork()
    if (f.pods === null && f.podsProblem)
      lines.push(
        `could not look for the pods of ${doorName}'s data plane (${f.podsProblem}): if they run outside namespace ${door.namespace}, name theirs in ingress-namespace or the ${NAMESPACES_ANNOTATION} annotation of the Gateway`,
      )
    return done(unique([door.namespace, ...inPods]), (ns) =>
      ns === door.namespace ? "the Gateway's namespace" : `the pods of ${doorName}'s data plane run there`,
    )
  }
  const outside = OUTSIDE_CONTROLLERS[door.controller]
  if (outside) {
    if (!cidrs.length)
      throw new InputError(
        'front-door-cidrs',
        `${doorName} is served by ${outside}; it reaches pods from addresses, not a namespace. List them in front-door-cidrs.`,
      )
    return done([], () => '')
  }
  if (!inPods.length) {
    if (onHost.length && !cidrs.length) throw hostNetwork()
    if (cidrs.length) return done([], () => '')
    const selector = CONTROLLER_PODS[door.controller]
    throw new InputError(
      'ingress-namespace',
      f.pods === null
        ? `cannot tell where the pods of ${doorName}'s controller (${door.controller}) run${f.podsProblem ? ` (${f.podsProblem})` : ''}: set ingress-namespace to their namespace, or front-door-cidrs to the addresses its traffic comes from.`
        : `no pods of ${doorName}'s controller (${door.controller}, labelled ${selector}) run in the cluster: set ingress-namespace to their namespace, or front-door-cidrs to the addresses its traffic comes from when it runs outside the cluster.`,
    )
  }
  return done(inPods, () => `the pods of ${doorName}'s controller (${door.controller}) run there`)
}

/** Without a cluster (the render command): what the inputs say, nothing found. */
export function admissionFromInputs(s: {
  ingressNamespace: string
  gateway: { namespace: string } | null
  frontDoorCidrs: string[]
}): FrontDoorAdmission {
  const namespaces = unique([s.ingressNamespace, s.gateway?.namespace ?? ''].filter(Boolean))
  return { namespaces, cidrs: [...s.frontDoorCidrs], lines: [] }
}
