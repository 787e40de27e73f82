// A kubeconfig whose user is an exec plugin (as `aws eks update-kubeconfig` or `gke-gcloud-auth-plugin` write
// them): the token the plugin returns is masked before the run could print it (point 16).
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { previewHarness } from './harness/preview.js'

const { kube, run } = previewHarness()

test('the token an exec plugin returns is registered as a secret before it is used', async () => {
  const token = /token: (\S+)/.exec(kube.kubeconfigText)![1]!
  const dir = mkdtempSync(join(tmpdir(), 'exec-plugin-'))
  const plugin = join(dir, 'get-token')
  writeFileSync(
    plugin,
    `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' '${token}'\n`,
  )
  chmodSync(plugin, 0o755)
  const kubeconfig = kube.kubeconfigText.replace(
    /^(\s*)token: \S+$/m,
    `$1exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}`,
  )
  expect(kubeconfig).not.toContain(token)
  const r = await run({ repository: 'acme/exec', number: 1, action: 'closed' }, { kubeconfig })
  expect(r.code).toBe(0)
  const lines = r.log.split('\n')
  const masked = lines.findIndex((l) => l === `::add-mask::${token}`)
  expect(masked).toBeGreaterThanOrEqual(0)
})
