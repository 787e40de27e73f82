// The preview's front door: how requests reach it (a shared Gateway, or Ingresses of a class), with which TLS
// certificate, and behind which password. Builds what templates see of it from the parsed inputs. Pure.
import { createHash } from 'node:crypto'
import type { FrontDoorSettings, ObjectName } from '../inputs/frontdoor.js'

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
