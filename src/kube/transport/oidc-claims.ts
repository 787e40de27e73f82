// What a GitHub OIDC ID token says about itself, and why an API server refused it. Pure.

export interface TokenClaims {
  iss?: string
  aud?: string | string[]
  sub?: string
  repository?: string
  event_name?: string
  iat?: number
  exp?: number
}

/** The claims of a JWT (not verified: only to explain, never to decide). Null when it is not a JWT. */
export function jwtClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1]
  if (!part) return null
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown
    return claims && typeof claims === 'object' ? (claims as TokenClaims) : null
  } catch {
    return null
  }
}

const when = (seconds: number) => new Date(seconds * 1000).toISOString()

/**
 * Why the API server answered 401 (or 403) to a GitHub OIDC token, from the token's claims: expired, issued for
 * another audience, or for another repository than the workflow's; otherwise what the cluster must trust.
 */
export function explainRefusal(
  status: 401 | 403,
  claims: TokenClaims | null,
  expected: { audience: string; repository: string | undefined; nowSeconds: number },
): string {
  if (!claims) return 'the OIDC token is not a JWT'
  const aud = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : []
  const facts = `(issuer ${claims.iss ?? '?'}, subject ${claims.sub ?? '?'}, audience ${aud.join(', ') || '?'})`
  if (claims.exp !== undefined && claims.exp <= expected.nowSeconds)
    return `the GitHub OIDC token expired at ${when(claims.exp)}, ${expected.nowSeconds - claims.exp} s before it was used ${facts}`
  if (!aud.includes(expected.audience))
    return `the GitHub OIDC token was issued for the audience ${aud.join(', ') || '(none)'}, not oidc-audience "${expected.audience}" ${facts}`
  if (expected.repository && claims.repository?.toLowerCase() !== expected.repository.toLowerCase())
    return `the GitHub OIDC token is for the repository ${claims.repository ?? '(none)'}, not this workflow's ${expected.repository} ${facts}`
  if (status === 403)
    return `the API server knows the token's user but RBAC refuses it: run \`npx kube-pr-preview init --identity oidc --repo ${claims.repository ?? '<owner/name>'}\` on the cluster ${facts}`
  return (
    `the API server does not accept this GitHub OIDC token ${facts}: its authentication configuration must trust ` +
    `the issuer ${claims.iss ?? '?'} with the audience "${expected.audience}" (the oidc-audience input), and its ` +
    `claim rules must accept this repository and event (see the README's "Cluster access")`
  )
}
