// kube-apiserver's structured authentication configuration (--authentication-config) for the local issuer: the
// same shape a real cluster uses to trust GitHub's issuer (README, "Cluster access"), but for every repository,
// since tests use many. A token's user is `github:<owner>/<repo>` (its `repository` claim); RBAC then decides.

/** The username a repository's tokens map to, as kube-apiserver computes it from the claims. */
export const USERNAME_EXPRESSION = "'github:' + claims.repository"

export function authenticationConfiguration(o: { issuer: string; caPem: string; audience: string }): string {
  const config = {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: { url: o.issuer, certificateAuthority: o.caPem, audiences: [o.audience] },
        claimValidationRules: [
          {
            expression: "has(claims.repository) && claims.repository.matches('^[^/]+/[^/]+$')",
            message: 'the token has no repository claim of the form owner/name',
          },
        ],
        claimMappings: { username: { expression: USERNAME_EXPRESSION } },
        userValidationRules: [
          {
            expression: "!user.username.startsWith('system:')",
            message: 'a GitHub token cannot name a system: user',
          },
        ],
      },
    ],
  }
  return JSON.stringify(config, null, 2) + '\n'
}
