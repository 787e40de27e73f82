// Stops this test run's local control plane; its logs stay in .tmp/clusters/<name>/logs.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export default function globalTeardown(): void {
  const name = process.env.PREVIEW_TEST_CLUSTER_NAME
  if (!name || process.env.PREVIEW_TEST_KUBECONFIG) return
  const cli = fileURLToPath(new URL('../../cluster/cli.ts', import.meta.url))
  spawnSync(process.execPath, [cli, 'down', '--name', name], { stdio: 'inherit' })
}
