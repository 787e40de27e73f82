// No stored kubeconfig: the bundled action deploys and closes with the runner's kubeconfig (an exec credential
// plugin named by $KUBECONFIG), and with GitHub OIDC alone (cluster-server, cluster-ca, oidc-audience and the
// runner's token variables); refused tokens are explained, and a wait longer than a token's life completes.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as k8s from '@kubernetes/client-node'
import { previewHarness } from './harness/preview.js'
import { oidcRequestToken, testKubeconfigPath, testOidc } from './setup/cluster.js'

const { kube, run } = previewHarness({ timeout: '90s' })
const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)
const small = {
  values: [
    'mariadb: {enabled: false}',
    'mongodb: {enabled: false}',
    'rabbitmq: {enabled: false}',
    'elasticsearch: {enabled: false}',
    'kibana: {enabled: false}',
    'worker: {enabled: false}',
  ].join('\n'),
}

const admin = () => {
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(testKubeconfigPath())
  return kc
}

describe("the runner's kubeconfig", () => {
  test('an exec credential plugin named by $KUBECONFIG: deploy and close, its output never printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-'))
    const cluster = admin().getCurrentCluster()!
    const token = admin().getCurrentUser()!.token!
    const ran = join(dir, 'ran')
    // A plugin as `aws eks get-token` is one: an ExecCredential on stdout, chatter on stderr.
    const plugin = join(dir, 'get-token')
    writeFileSync(
      plugin,
      [
        '#!/bin/sh',
        `echo run >> ${ran}`,
        'echo "fetching a token" >&2',
        `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat ${join(dir, 'token')})"`,
      ].join('\n'),
    )
    chmodSync(plugin, 0o755)
    writeFileSync(join(dir, 'token'), token) // only the plugin's output carries it
    writeFileSync(
      join(dir, 'config'),
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: plugged',
        `clusters: [{name: c, cluster: {server: "${cluster.server}", certificate-authority-data: "${cluster.caData}"}}]`,
        'users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./get-token,',
        '  interactiveMode: Never}}}]',
        'contexts: [{name: plugged, context: {cluster: c, user: u}}]',
      ].join('\n'),
    )
    const env = { KUBECONFIG: `${join(dir, 'missing')}:${join(dir, 'config')}` }
    const pr = { repository: `octo-org/exec-${process.pid}`, number: 3 }
    const deployed = await run(pr, { kubeconfig: '', ...small }, { env })
    expect(explain(deployed)).toBe('')
    expect(deployed.outputs.status).toBe('deployed')
    expect(readFileSync(ran, 'utf8').length).toBeGreaterThan(0)
    // `::add-mask::` lines are the runner's masking commands (consumed, never shown): every other line counts.
    const shown = deployed.log.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain(token)
    expect(deployed.log).not.toContain('fetching a token')
    const closed = await run({ ...pr, action: 'closed' }, { kubeconfig: '' }, { env })
    expect(explain(closed)).toBe('')
    expect(closed.outputs.status).toBe('destroyed')
  }, 200_000)

  test('no kubeconfig at all: the error says what to set, with the cloud recipes', async () => {
    const r = await run(
      { repository: 'octo-org/nothing', number: 1 },
      { kubeconfig: '' },
      {
        env: { KUBECONFIG: '/nonexistent/config', HOME: mkdtempSync(join(tmpdir(), 'home-')) },
      },
    )
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/get-gke-credentials/)
    expect(r.log).toMatch(/aws eks update-kubeconfig/)
    expect(r.log).toMatch(/aks-set-context/)
    expect(r.log).toMatch(/cluster-server/)
  })
})

describe('GitHub OIDC straight to the API server', () => {
  const repository = `octo-org/oidc-run-${process.pid}`
  const others = `octo-org/not-bound-${process.pid}`
  beforeAll(async () => {
    // The repository's user may do anything here: these tests are about authentication (init confines it:
    // least-privilege.e2e.test.ts).
    await kube.kc.makeApiClient(k8s.RbacAuthorizationV1Api).createClusterRoleBinding({
      body: {
        metadata: { name: `oidc-run-${process.pid}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `github:${repository}` }],
      },
    })
  })
  afterAll(() =>
    kube.kc
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .deleteClusterRoleBinding({ name: `oidc-run-${process.pid}` })
      .catch(() => undefined),
  )
  const oidc = (claims: Record<string, unknown> = {}, audience = testOidc().audience) => ({
    inputs: {
      kubeconfig: '',
      'cluster-server': admin().getCurrentCluster()!.server,
      'cluster-ca': admin().getCurrentCluster()!.caData!,
      'oidc-audience': audience,
      ...small,
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: testOidc().tokenUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequestToken({ repository, ...claims }),
    },
  })

  test('deploy and close with only cluster-server, cluster-ca, oidc-audience and the token variables', async () => {
    const pr = { repository, number: 5 }
    const o = oidc()
    const deployed = await run(pr, o.inputs, { env: o.env })
    expect(explain(deployed)).toBe('')
    expect(deployed.outputs.status).toBe('deployed')
    const closed = await run({ ...pr, action: 'closed' }, o.inputs, { env: o.env })
    expect(explain(closed)).toBe('')
    expect(closed.outputs.status).toBe('destroyed')
  }, 200_000)

  test('an expired token is refused, and the message says it expired', async () => {
    const o = oidc({ lifetime: -120 })
    const r = await run({ repository, number: 6 }, o.inputs, { env: o.env })
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/GitHub OIDC token expired at/)
  })

  test('a wrong audience is refused, and the message says which audience', async () => {
    const o = oidc({}, 'https://not-this-cluster.example')
    const r = await run({ repository, number: 6 }, o.inputs, { env: o.env })
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/audience "https:\/\/not-this-cluster\.example"/)
  })

  test('a token for another repository is refused, and the message names both repositories', async () => {
    const o = oidc({ repository: others })
    const r = await run({ repository, number: 6 }, o.inputs, { env: o.env })
    expect(r.code).not.toBe(0)
    expect(r.log).toContain(
      `the GitHub OIDC token is for the repository ${others}, not this workflow's ${repository}`,
    )
  })

  test("a wait longer than the token's lifetime completes: the token is renewed", async () => {
    // Tokens that live 3 s; three pods in turn take 4–6 s each to become ready (the slow timing profile).
    const workspace = mkdtempSync(join(tmpdir(), 'slow-'))
    mkdirSync(join(workspace, 'preview'))
    writeFileSync(
      join(workspace, 'preview', 'app.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: app}',
        'spec:',
        '  replicas: 3',
        '  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}',
        '  selector: {matchLabels: {app: app}}',
        '  template:',
        '    metadata: {labels: {app: app, timing.preview.test/profile: slow}}',
        '    spec: {containers: [{name: app, image: "nginx:1"}]}',
      ].join('\n'),
    )
    const o = oidc({ lifetime: 3 })
    const started = Date.now()
    const r = await run(
      { repository, number: 9 },
      { ...o.inputs, values: '', templates: 'preview' },
      {
        env: o.env,
        workspace,
      },
    )
    expect(explain(r)).toBe('')
    expect(Date.now() - started).toBeGreaterThan(3000)
    const renewals = (r.log.match(/requested a new GitHub OIDC token/g) ?? []).length
    expect(renewals).toBeGreaterThan(0)
  }, 200_000)
})
