// Starts this test run's local control plane (jest loads this file natively, so it imports no project files).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export default function globalSetup(): void {
  const name = `jest-${process.pid}`
  const cli = fileURLToPath(new URL('../../cluster/cli.ts', import.meta.url))
  const r = spawnSync(process.execPath, [cli, 'up', '--name', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  const line = r.stdout.trim().split('\n').at(-1) ?? ''
  // The real node's lines (empty values when the cluster has none), for __tests__/harness/real-node.ts.
  for (const l of r.stdout.split('\n')) {
    const m = /^(REAL_NODE|TOOLS_IMAGE)=(.*)$/.exec(l)
    if (m) process.env[`PREVIEW_TEST_${m[1]}`] = m[2]
  }
  if (r.status !== 0 || !line.startsWith('KUBECONFIG='))
    throw new Error(`cluster up failed (exit ${r.status})`)
  process.env.PREVIEW_TEST_CLUSTER_NAME = name
  process.env.PREVIEW_TEST_CLUSTER_KUBECONFIG = line.slice('KUBECONFIG='.length)
  // The front door (Traefik): GATEWAY=<namespace>/<name> and HTTP=<url> lines before the last one; the local OIDC
  // issuer: OIDC_TOKEN_URL=<url> and OIDC_AUDIENCE=<audience> (see __tests__/setup/cluster.ts, testOidc); the API
  // server's audit log of every user but the cluster's own: AUDIT_LOG=<path>.
  for (const l of r.stdout.trim().split('\n')) {
    const [, key, value] = /^(GATEWAY|HTTP|OIDC_TOKEN_URL|OIDC_AUDIENCE|AUDIT_LOG)=(.*)$/.exec(l) ?? []
    if (key) process.env[`PREVIEW_TEST_CLUSTER_${key}`] = value
  }
}
