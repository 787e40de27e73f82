// Keyless access: the job's GitHub OIDC ID token as the bearer token for an API server that trusts GitHub's
// issuer (inputs cluster-server, cluster-ca, oidc-audience). Tokens live minutes: a new one is requested when 80%
// of the current one's life has passed, and once more when the server answers 401. Nothing is stored.
import type { Transport } from '../port.js'
import { explainRefusal, jwtClaims } from './oidc-claims.js'

/** Requests an ID token for an audience (core.getIDToken: the runner's ACTIONS_ID_TOKEN_REQUEST_URL). */
export type IdTokenSource = (audience: string) => Promise<string>

export interface OidcAccess {
  server: string
  /** PEM of the API server's CA; null: the system's roots. */
  ca: string | null
  audience: string
  /** GITHUB_REPOSITORY, to explain a refusal. */
  repository: string | undefined
}

/** Share of a token's lifetime after which a new one is requested. */
const RENEW_AFTER = 0.8

export function oidcTransport(
  a: OidcAccess,
  idToken: IdTokenSource,
  /** Told when a token is replaced (before it expires, or after a 401). */
  onRenew: (message: string) => void = () => undefined,
  now: () => number = Date.now,
): Transport {
  let current: { token: string; renewAt: number } | null = null
  let pending: Promise<string> | null = null

  async function fetchToken(): Promise<string> {
    let token: string
    try {
      token = await idToken(a.audience)
    } catch (e) {
      throw new Error(
        `could not get the job's GitHub OIDC token for the audience "${a.audience}": ${(e as Error).message}. ` +
          'The job needs `permissions: id-token: write` (a pull_request run from a fork gets no OIDC token).',
        { cause: e },
      )
    }
    const claims = jwtClaims(token)
    const received = now()
    const life = claims?.exp !== undefined && claims.iat !== undefined ? (claims.exp - claims.iat) * 1000 : 0
    current = { token, renewAt: received + Math.max(0, life * RENEW_AFTER) }
    return token
  }

  /** The token to send: the current one, or a new one when it is due (one request at a time). */
  async function token(): Promise<string> {
    if (current && now() < current.renewAt) return current.token
    if (current && !pending) onRenew('requested a new GitHub OIDC token before the current one expires')
    pending ??= fetchToken().finally(() => (pending = null))
    return pending
  }

  return {
    server: a.server,
    usesProxy: false,
    async authorize(options) {
      if (a.ca) options.ca = a.ca
      options.headers = { ...options.headers, authorization: `Bearer ${await token()}` }
    },
    async renew() {
      onRenew('requested a new GitHub OIDC token: the API server refused the last one (401)')
      current = null
      await token()
      return true
    },
    explainRefusal(status) {
      return explainRefusal(status, current ? jwtClaims(current.token) : null, {
        audience: a.audience,
        repository: a.repository,
        nowSeconds: Math.floor(now() / 1000),
      })
    },
  }
}
