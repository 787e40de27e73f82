// The preview's front door: how requests reach it (a shared Gateway, or Ingresses of a class), with which TLS
// certificate, and behind which password. Builds what templates see of it from the parsed inputs. Pure.
import { createHmac } from 'node:crypto'
import { sha512Crypt } from './sha512-crypt.js'
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
    /** One htpasswd line (`user:$6$<salt>$…`, SHA-512-crypt): no password in clear. */
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
          checksum: authChecksum(htpasswdLine(s.basicAuth.user, s.basicAuth.password, salt)),
        }
      : null,
  }
}

/**
 * `user:$6$<salt>$<hash>`: SHA-512-crypt, salted and slow (5000 rounds), which nginx reads through crypt(3). The
 * salt is a keyed digest of the preview's namespace under the password: unique per preview, stable from run to
 * run (so the Secret does not change), and not known to anyone without the password.
 */
export function htpasswdLine(user: string, password: string, salt: string): string {
  const alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  const digest = createHmac('sha256', password).update(`kube-pr-preview salt ${salt}`).digest()
  const cryptSalt = [...digest.subarray(0, 16)].map((b) => alphabet[b & 63]).join('')
  return `${user}:${sha512Crypt(password, cryptSalt)}`
}

/**
 * What restarts the proxy on a new password: a keyed digest of the htpasswd line (keyed by the line itself, which
 * only those who can read the preview's Secrets see), so the pod annotation is no offline oracle for the password.
 */
export function authChecksum(htpasswd: string): string {
  return createHmac('sha256', htpasswd).update('kube-pr-preview auth-proxy').digest('hex').slice(0, 16)
}

/** The context of a preview without a Gateway, TLS or password (the render command's default). */
export const OPEN_FRONT_DOOR: FrontDoorContext = {
  gateway: null,
  ingress: { className: '', tlsSecret: '' },
  auth: null,
}
