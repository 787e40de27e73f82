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
