// One local control plane per test run that includes e2e tests (*.e2e.test.ts): the e2e project's global setup
// starts it with cluster/cli.ts and hands its kubeconfig to the tests in this variable. Unit tests get none.
// PREVIEW_TEST_KUBECONFIG opts in to another cluster instead.
export const KUBECONFIG_VARIABLE = 'PREVIEW_TEST_CLUSTER_KUBECONFIG'

/** The kubeconfig path of this test run's cluster, set by the global setup. */
export function testKubeconfigPath(): string {
  const path = process.env[KUBECONFIG_VARIABLE]
  if (!path)
    throw new Error(
      `${KUBECONFIG_VARIABLE} is not set: only e2e tests get a cluster. Name the test file *.e2e.test.ts ` +
        `and run it with npm test (the e2e project's global setup starts the cluster)`,
    )
  return path
}

/**
 * The local OIDC issuer of this test run's cluster: the token URL that stands in for the runner's
 * ACTIONS_ID_TOKEN_REQUEST_URL, and the audience the API server accepts. Its request token (for
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN) is base64url of JSON claim overrides plus `lifetime`: see oidcRequestToken.
 */
export function testOidc(): { tokenUrl: string; audience: string } {
  const tokenUrl = process.env.PREVIEW_TEST_CLUSTER_OIDC_TOKEN_URL
  const audience = process.env.PREVIEW_TEST_CLUSTER_OIDC_AUDIENCE
  if (!tokenUrl || !audience)
    throw new Error(
      'PREVIEW_TEST_CLUSTER_OIDC_TOKEN_URL/_AUDIENCE are not set: the cluster printed no OIDC_ lines (only the ' +
        'local cluster has an OIDC issuer; PREVIEW_TEST_KUBECONFIG clusters have none)',
    )
  return { tokenUrl, audience }
}

/** A request token for the local issuer: its tokens carry these claims (and live `lifetime` seconds). */
export function oidcRequestToken(overrides: Record<string, unknown> & { lifetime?: number } = {}): string {
  return Buffer.from(JSON.stringify(overrides)).toString('base64url')
}

/** kube-apiserver's audit log of this test run's cluster: one JSON event per line, for users other than its own. */
export function testAuditLog(): string {
  const path = process.env.PREVIEW_TEST_CLUSTER_AUDIT_LOG
  if (!path)
    throw new Error('PREVIEW_TEST_CLUSTER_AUDIT_LOG is not set: the cluster printed no AUDIT_LOG= line')
  return path
}
