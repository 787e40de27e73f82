// The preview's front door: how requests reach it (a shared Gateway, or Ingresses of a class), with which TLS
// certificate, and behind which password. Parses the inputs and builds what templates see of it. Pure.
import { createHash } from 'node:crypto'
import { InputError, type InputReader } from './settings.js'

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
  return { gateway, ingressClass, tlsSecret: parseObjectName('tls-secret', read('tls-secret')), basicAuth }
}

/** The name of the TLS Secret inside each preview (a copy of the tls-secret input's). */
export const TLS_SECRET = 'preview-tls'

/** What templates see of the front door: `gateway`, `ingress` and `auth` in their context. */
export interface FrontDoorContext {
  /** The shared Gateway (`{{gateway.namespace}}`, `{{gateway.name}}`); null when the preview uses Ingresses. */
  gateway: ObjectName | null
  ingress: {
    /** The IngressClass every Ingress names. */
    className: string
    /** The preview's copy of the wildcard certificate, for `spec.tls`; empty without one. */
    tlsSecret: string
  }
  /** Basic authentication in front of every host; null when the preview is open. */
  auth: {
    /** One htpasswd line (`user:{SSHA}…`): no password in clear. */
    htpasswd: string
    /** Changes when the user or password does, to restart the proxy. */
    checksum: string
  } | null
}

export function frontDoorContext(s: FrontDoorSettings, ingressClass: string, salt: string): FrontDoorContext {
  return {
    gateway: s.gateway,
    ingress: { className: s.gateway ? '' : ingressClass, tlsSecret: s.tlsSecret ? TLS_SECRET : '' },
    auth: s.basicAuth
      ? {
          htpasswd: htpasswdLine(s.basicAuth.user, s.basicAuth.password, salt),
          checksum: createHash('sha256')
            .update(`${s.basicAuth.user}:${s.basicAuth.password}`)
            .digest('hex')
            .slice(0, 16),
        }
      : null,
  }
}

/**
 * `user:{SSHA}base64(sha1(password + salt) + salt)`: the salted SHA-1 form that nginx and Apache read in htpasswd
 * files. The salt comes from the preview, so the line (and the Secret holding it) stays the same from run to run.
 */
export function htpasswdLine(user: string, password: string, salt: string): string {
  const s = createHash('sha256').update(salt).digest().subarray(0, 8)
  const digest = createHash('sha1').update(password).update(s).digest()
  return `${user}:{SSHA}${Buffer.concat([digest, s]).toString('base64')}`
}

/** The context of a preview without a Gateway, TLS or password (the render command's default). */
export const OPEN_FRONT_DOOR: FrontDoorContext = {
  gateway: null,
  ingress: { className: '', tlsSecret: '' },
  auth: null,
}
