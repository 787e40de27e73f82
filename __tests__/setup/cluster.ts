// One local control plane per test run: jest's global setup starts it with cluster/cli.ts and hands its
// kubeconfig to the tests in this variable. PREVIEW_TEST_KUBECONFIG opts in to another cluster instead.
export const KUBECONFIG_VARIABLE = 'PREVIEW_TEST_CLUSTER_KUBECONFIG'

/** The kubeconfig path of this test run's cluster, set by the global setup. */
export function testKubeconfigPath(): string {
  const path = process.env[KUBECONFIG_VARIABLE]
  if (!path)
    throw new Error(`${KUBECONFIG_VARIABLE} is not set: run the tests with npm test (jest's global setup)`)
  return path
}
