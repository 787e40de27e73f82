// Every credential of the kubeconfig is masked, whatever its YAML style (point 16): flow mappings, values with
// spaces, exec plugin environment values, a tokenFile's contents, and the token an exec plugin returns.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { kubeconfigSecrets, transportFromKubeconfig } from '../src/kube/transport/kubeconfig.js'

const cluster = `clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`

test('flow mappings, quoted values with spaces, exec env values, auth-provider settings and tokenFile contents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'))
  writeFileSync(join(dir, 'token'), 'file-token-0123456789\n')
  const text = `${cluster}users:
- {name: u, user: {token: "flow-token-abcdef", password: 'pass word with spaces'}}
- name: e
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: get-token
      env: [{name: AWS_SECRET_ACCESS_KEY, value: "exec-env-secret-xyz"}]
- name: a
  user: {auth-provider: {name: oidc, config: {client-secret: oidc-client-secret, refresh-token: "rt-123456"}}}
- name: f
  user: {tokenFile: ${join(dir, 'token')}}
`
  const secrets = kubeconfigSecrets(text)
  for (const s of [
    'flow-token-abcdef',
    'pass word with spaces',
    'exec-env-secret-xyz',
    'oidc-client-secret',
    'rt-123456',
    'file-token-0123456789',
  ])
    expect(secrets).toContain(s)
})

test('whatever credential goes on the wire is masked when it is first used (exec plugins: kubeconfig-exec.e2e)', async () => {
  const text = `${cluster}users: [{name: u, user: {token: wire-token-0123456789}}]\n`
  const masked: string[] = []
  const transport = await transportFromKubeconfig(text, '', 'the kubeconfig input', (v) => {
    masked.push(v)
  })
  const options: { headers?: Record<string, string> } = {}
  await transport.authorize(options as never)
  await transport.authorize(options as never)
  expect(masked).toEqual(['wire-token-0123456789'])
})
