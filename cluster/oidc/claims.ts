// The local OIDC issuer's tokens: GitHub Actions' claim set, with the overrides a test puts in its request token.
// Pure: the issuer (issuer.ts) signs what this returns.

/** How long a token lives unless the request token says otherwise: GitHub's ID tokens live five minutes. */
export const DEFAULT_LIFETIME_SECONDS = 300

export type Claims = Record<string, unknown> & {
  iss: string
  aud: string
  sub: string
  iat: number
  exp: number
}

/**
 * The request token (the runner's `ACTIONS_ID_TOKEN_REQUEST_TOKEN`) of the local issuer: base64url of a JSON object
 * whose fields override the claims, plus `lifetime` (seconds from `iat` to `exp`). `e30` (`{}`) gives the defaults.
 * Throws a message for the HTTP answer when it is not such an object.
 */
export function parseRequestToken(token: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(token))
    throw new Error('the request token is not base64url (the local issuer takes base64url of a JSON object)')
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    throw new Error('the request token is not base64url of JSON (the local issuer takes a JSON object)')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('the request token must encode a JSON object of claim overrides')
  const lifetime = (value as { lifetime?: unknown }).lifetime
  if (lifetime !== undefined && (typeof lifetime !== 'number' || !Number.isFinite(lifetime)))
    throw new Error('"lifetime" in the request token must be a number of seconds')
  return value as Record<string, unknown>
}

/** The request token for these overrides: what a test puts in ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
export function requestToken(overrides: Record<string, unknown> = {}): string {
  return Buffer.from(JSON.stringify(overrides)).toString('base64url')
}

/**
 * GitHub's claim set for a pull_request run (docs.github.com, "About security hardening with OpenID Connect"),
 * then the overrides. Claims derived from the repository (`sub`, `repository_owner`, the `*_id`s) follow an
 * overridden `repository` unless they are overridden themselves. `aud` is the requested audience; without one,
 * GitHub's default, the owner's URL.
 */
export function claimsFor(o: {
  issuer: string
  audience: string | undefined
  nowSeconds: number
  overrides: Record<string, unknown>
  jti: string
}): Claims {
  const { lifetime, ...overrides } = o.overrides as { lifetime?: number } & Record<string, unknown>
  const repository = typeof overrides.repository === 'string' ? overrides.repository : 'octo-org/octo-repo'
  const owner = repository.split('/')[0] ?? ''
  const event = typeof overrides.event_name === 'string' ? overrides.event_name : 'pull_request'
  const ref = typeof overrides.ref === 'string' ? overrides.ref : 'refs/pull/1/merge'
  const sub = event.startsWith('pull_request')
    ? `repo:${repository}:pull_request`
    : `repo:${repository}:ref:${ref}`
  const iat = typeof overrides.iat === 'number' ? overrides.iat : o.nowSeconds
  return {
    jti: o.jti,
    sub,
    aud: o.audience ?? `https://github.com/${owner}`,
    ref,
    sha: 'a'.repeat(40),
    repository,
    repository_owner: owner,
    repository_visibility: 'private',
    run_id: '1',
    run_number: '1',
    run_attempt: '1',
    actor: 'octocat',
    workflow: 'Preview',
    event_name: event,
    ref_type: 'branch',
    job_workflow_ref: `${repository}/.github/workflows/preview.yml@${ref}`,
    runner_environment: 'github-hosted',
    iss: o.issuer,
    nbf: iat,
    iat,
    exp: iat + (lifetime ?? DEFAULT_LIFETIME_SECONDS),
    ...overrides,
  } as Claims
}
