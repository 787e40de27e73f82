// The front-door inputs (gateway, ingress-class, tls-secret, basic-auth), parsed. Pure.
import { InputError } from '../shared/errors.js'
import type { InputReader } from './reader.js'

export interface ObjectName {
  namespace: string
  name: string
}

export interface FrontDoorSettings {
  /** The shared Gateway HTTPRoutes attach to; null: Ingresses. */
  gateway: ObjectName | null
  /** IngressClass for Ingresses; empty: the cluster's default class. */
  ingressClass: string
  /** Wildcard certificate Secret copied into each preview and used by every Ingress; null: none. */
  tlsSecret: ObjectName | null
  /** Every host of the preview asks for this user and password; null: open. Secret. */
  basicAuth: { user: string; password: string } | null
  /**
   * Address ranges the front door's traffic comes from when it is not a pod of a namespace: cloud load balancers
   * and their health checks, controllers on the host network. Admitted to the routed pods only.
   */
  frontDoorCidrs: string[]
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

/** `<namespace>/<name>` of an object in another namespace. */
export function parseObjectName(input: string, raw: string): ObjectName | null {
  const text = raw.trim()
  if (!text) return null
  const [namespace, name, ...rest] = text.split('/')
  if (rest.length || !namespace || !name || !DNS_LABEL.test(namespace) || !DNS_NAME.test(name)) {
    throw new InputError(input, `"${text}" is not <namespace>/<name> (e.g. gateway-system/previews).`)
  }
  return { namespace, name }
}

export function parseFrontDoor(read: InputReader): FrontDoorSettings {
  const ingressClass = read('ingress-class').trim()
  if (ingressClass && !DNS_NAME.test(ingressClass))
    throw new InputError('ingress-class', `"${ingressClass}" is not an IngressClass name.`)
  const gateway = parseObjectName('gateway', read('gateway'))
  if (gateway && ingressClass)
    throw new InputError(
      'ingress-class',
      'give either gateway (HTTPRoutes) or ingress-class (Ingresses), not both.',
    )
  const auth = read('basic-auth').trim()
  let basicAuth: FrontDoorSettings['basicAuth'] = null
  if (auth) {
    const at = auth.indexOf(':')
    const user = auth.slice(0, Math.max(0, at))
    const password = auth.slice(at + 1)
    if (at <= 0 || !password || !/^[^\s:]+$/.test(user) || /[\r\n]/.test(password))
      throw new InputError('basic-auth', 'must be <user>:<password> (the user without spaces or colons).')
    basicAuth = { user, password }
  }
  return {
    gateway,
    ingressClass,
    tlsSecret: parseObjectName('tls-secret', read('tls-secret')),
    basicAuth,
    frontDoorCidrs: parseCidrs('front-door-cidrs', read('front-door-cidrs')),
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

/** Comma- or line-separated CIDRs (`35.191.0.0/16`, `2600:1901::/48`), as a NetworkPolicy's ipBlock takes them. */
export function parseCidrs(input: string, raw: string): string[] {
  const cidrs = raw
    .split(/[\s,]+/)
    .map((c) => c.trim())
    .filter(Boolean)
  for (const cidr of cidrs) {
    const [address, bits, ...rest] = cidr.split('/')
    const v4 = IPV4.test(address ?? '')
    const v6 = !v4 && /^[0-9a-f:]+$/i.test(address ?? '') && (address ?? '').includes(':')
    const max = v4 ? 32 : 128
    if (rest.length || !(v4 || v6) || !/^\d{1,3}$/.test(bits ?? '') || Number(bits) > max)
      throw new InputError(
        input,
        `"${cidr}" is not an address range in CIDR notation (e.g. 35.191.0.0/16, 130.211.0.0/22, 10.0.0.0/16).`,
      )
  }
  return cidrs
}
