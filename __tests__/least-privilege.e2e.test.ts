// `init --apply` for one repository, then the action as that identity (GitHub OIDC through the local issuer): the
// default stack deploys, redeploys, prunes, closes and sweeps, every request it made is one init's ClusterRoles
// allow (read from kube-apiserver's audit log), and what a stolen credential would try is denied by the cluster.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as k8s from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'
import { sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import { oidcRequestToken, testAuditLog, testKubeconfigPath, testOidc } from './setup/cluster.js'
import { rulesAllow, type PolicyRule } from './harness/rbac-rules.js'

const CLI = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url))
const repository = `octo-org/least-${process.pid}`
const user = `github:${repository}`
const { kube, gh, run, namespaceExists } = previewHarness({ timeout: '90s' })
const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)

const admin = () => {
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(testKubeconfigPath())
  return kc
}
const server = () => admin().getCurrentCluster()!.server
const caData = () => admin().getCurrentCluster()!.caData!

/** The identity's inputs and runner variables: no kubeconfig, only the job's OIDC token. */
const asIdentity = (overrides: Record<string, unknown> = {}) => ({
  inputs: {
    kubeconfig: '',
    'cluster-server': server(),
    'cluster-ca': caData(),
    'oidc-audience': testOidc().audience,
  },
  env: {
    ACTIONS_ID_TOKEN_REQUEST_URL: testOidc().tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequestToken({ repository, ...overrides }),
  },
})

/** A client as the identity, with a fresh token of the local issuer. */
async function identityClient(): Promise<k8s.KubeConfig> {
  const res = await fetch(`${testOidc().tokenUrl}&audience=${encodeURIComponent(testOidc().audience)}`, {
    headers: { authorization: `Bearer ${oidcRequestToken({ repository })}` },
  })
  const token = ((await res.json()) as { value: string }).value
  const cluster = admin().getCurrentCluster()!
  const kc = new k8s.KubeConfig()
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'id', token }],
    contexts: [{ name: 'id', cluster: cluster.name, user: 'id' }],
    currentContext: 'id',
  })
  return kc
}

/** The identity's requests in kube-apiserver's audit log, from a byte offset on. */
function auditEvents(from: number) {
  return readFileSync(testAuditLog(), 'utf8')
    .slice(from)
    .split('\n')
    .filter((l) => l.includes(`"${user}"`))
    .map(
      (l) =>
        JSON.parse(l) as {
          verb: string
          user: { username: string }
          objectRef?: {
            resource: string
            subresource?: string
            apiGroup?: string
            namespace?: string
            name?: string
          }
          requestURI: string
          annotations?: Record<string, string>
        },
    )
    .filter((e) => e.user.username === user && e.objectRef)
}
const refusedOf = (events: ReturnType<typeof auditEvents>) =>
  events
    .filter((e) => e.annotations?.['authorization.k8s.io/decision'] === 'forbid')
    .map((e) => `${e.verb} ${e.requestURI}`)

let rules: { main: PolicyRule[]; namespace: PolicyRule[]; inDefault: PolicyRule[] }
let auditFrom = 0

beforeAll(() => {
  const init = spawnSync(
    process.execPath,
    [CLI, 'init', '--repo', repository, '--identity', 'oidc', '--apply'],
    {
      env: { ...process.env, KUBECONFIG: testKubeconfigPath() },
      encoding: 'utf8',
    },
  )
  if (init.status !== 0) throw new Error(`init --apply failed: ${init.stderr}`)
  const printed = spawnSync(process.execPath, [CLI, 'init', '--repo', repository, '--identity', 'oidc'], {
    encoding: 'utf8',
  })
  const roles = parseAllDocuments(printed.stdout)
    .map(
      (d) =>
        d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: PolicyRule[] },
    )
    .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
  const role = (kind: string, name: string) =>
    roles.find((r) => r.kind === kind && r.metadata.name === name)!.rules!
  rules = {
    main: role('ClusterRole', 'kube-pr-preview'),
    namespace: role('ClusterRole', 'kube-pr-preview-namespace'),
    inDefault: role('Role', 'kube-pr-preview-api-server'),
  }
  expect(roles.find((r) => r.kind === 'Role')!.metadata.namespace).toBe('default')
  auditFrom = readFileSync(testAuditLog(), 'utf8').length
}, 60_000)

let previewNamespace = ''

describe('init --apply, then the action as that identity', () => {
  test('the default stack deploys, redeploys, prunes and closes; the sweep runs', async () => {
    const pr = { repository, number: 7 }
    const deployed = await run({ ...pr, sha: sha('lp-1') }, asIdentity().inputs, { env: asIdentity().env })
    expect(explain(deployed)).toBe('')
    expect(deployed.outputs.status).toBe('deployed')
    // The egress guard read the API server's addresses through init's Role in default: no warning.
    expect(deployed.log).not.toMatch(/could not read the API server's addresses/)
    const slice = await kube.kc
      .makeApiClient(k8s.DiscoveryV1Api)
      .readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' })
    const service = await kube.core.readNamespacedService({ name: 'kubernetes', namespace: 'default' })
    const egress = await kube.kc
      .makeApiClient(k8s.NetworkingV1Api)
      .readNamespacedNetworkPolicy({ name: 'preview-egress', namespace: deployed.outputs.namespace! })
    for (const ip of [service.spec!.clusterIP!, ...(slice.endpoints ?? []).flatMap((e) => e.addresses)])
      expect(JSON.stringify(egress.spec)).toContain(`"${ip}/32"`)
    previewNamespace = deployed.outputs.namespace!
    const redeployed = await run({ ...pr, action: 'synchronize', sha: sha('lp-2') }, asIdentity().inputs, {
      env: asIdentity().env,
    })
    expect(explain(redeployed)).toBe('')
    const pruned = await run(
      { ...pr, action: 'synchronize', sha: sha('lp-3') },
      { ...asIdentity().inputs, values: 'kibana:\n  enabled: false\nelasticsearch:\n  enabled: false\n' },
      { env: asIdentity().env },
    )
    expect(explain(pruned)).toBe('')
    const statefulsets = await kube.apps.listNamespacedStatefulSet({ namespace: previewNamespace })
    expect(statefulsets.items.map((s) => s.metadata!.name)).not.toContain('elasticsearch')
    const closed = await run({ ...pr, action: 'closed', sha: sha('lp-3') }, asIdentity().inputs, {
      env: asIdentity().env,
    })
    expect(explain(closed)).toBe('')
    expect(closed.outputs.status).toBe('destroyed')
    const swept = await run(
      pr,
      { ...asIdentity().inputs, mode: 'sweep' },
      {
        env: { ...asIdentity({ event_name: 'schedule', ref: 'refs/heads/main' }).env },
        eventName: 'schedule',
      },
    )
    expect(explain(swept)).toBe('')
  }, 300_000)

  test("every request the action made is one init's roles allow, and none was refused", () => {
    const events = auditEvents(auditFrom)
    expect(events.length).toBeGreaterThan(20)
    expect(refusedOf(events)).toEqual([])
    const selfReviews = new Set(['selfsubjectaccessreviews', 'selfsubjectreviews'])
    const outside = events.filter((e) => {
      const r = e.objectRef!
      if (selfReviews.has(r.resource)) return false
      const attributes = {
        verb: e.verb,
        group: r.apiGroup ?? '',
        resource: r.subresource ? `${r.resource}/${r.subresource}` : r.resource,
        name: r.name,
      }
      const inPreview = r.namespace === previewNamespace
      return (
        !rulesAllow(rules.main, attributes) &&
        !(inPreview && rulesAllow(rules.namespace, attributes)) &&
        !(r.namespace === 'default' && rulesAllow(rules.inDefault, attributes))
      )
    })
    expect(outside.map((e) => `${e.verb} ${e.requestURI}`)).toEqual([])
  })
})

describe('what the cluster denies that identity', () => {
  let kc: k8s.KubeConfig
  let core: k8s.CoreV1Api
  const ns = `least-other-${process.pid}`
  beforeAll(async () => {
    kc = await identityClient()
    core = kc.makeApiClient(k8s.CoreV1Api)
    await kube.core.createNamespace({ body: { metadata: { name: ns } } })
    await kube.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'db' }, stringData: { p: 'x' } },
    })
  })
  afterAll(() => kube.core.deleteNamespace({ name: ns }).catch(() => undefined))
  const status = (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (e: { code?: number }) => e.code ?? 0,
    )

  test('creating a pod in kube-system', async () => {
    const pod = { metadata: { name: 'evil' }, spec: { containers: [{ name: 'x', image: 'busybox' }] } }
    expect(await status(core.createNamespacedPod({ namespace: 'kube-system', body: pod }))).toBe(403)
  })
  test('reading a Secret of another namespace', async () => {
    expect(await status(core.readNamespacedSecret({ name: 'db', namespace: ns }))).toBe(403)
    expect(await status(core.listSecretForAllNamespaces())).toBe(403)
  })
  test("relabelling a namespace's pod security", async () => {
    const patch = { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } }
    for (const name of [ns, 'default'])
      expect(
        await status(
          core.patchNamespace(
            { name, body: patch },
            k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
          ),
        ),
      ).toBe(403)
  })
  test('creating a namespace without the prefix, or without its ownership labels', async () => {
    expect(await status(core.createNamespace({ body: { metadata: { name: `mine-${process.pid}` } } }))).toBe(
      403,
    )
    expect(
      await status(core.createNamespace({ body: { metadata: { name: `preview-x-${process.pid}` } } })),
    ).toBe(403)
  })
  test('a LoadBalancer Service, even in its own preview namespace', async () => {
    const owned = await deployOwn()
    const svc = { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } }
    expect(await status(core.createNamespacedService({ namespace: owned, body: svc }))).toBe(403)
    const fine = { metadata: { name: 'ok' }, spec: { ports: [{ port: 80 }] } }
    expect(await status(core.createNamespacedService({ namespace: owned, body: fine }))).toBe(200)
  })
})

/** A live preview of the identity (deployed by the action as the identity), for writes inside it. */
async function deployOwn(): Promise<string> {
  const r = await run(
    { repository, number: 8, sha: sha('lp-own') },
    { ...asIdentity().inputs, wait: 'false' },
    {
      env: asIdentity().env,
    },
  )
  if (r.code !== 0) throw new Error(r.log)
  return r.outputs.namespace!
}

describe('a preview deployed before init', () => {
  test('the sweep reads it as the identity (binding its reads there first), and the close removes it', async () => {
    const pr = { repository, number: 11 }
    // Deployed with the admin's kubeconfig, as before init: the identity has no read binding in it.
    const before = await run({ ...pr, sha: sha('lp-before') }, { wait: 'false' })
    expect(explain(before)).toBe('')
    const namespace = before.outputs.namespace!
    gh.pulls.set(
      repository,
      new Map([
        [11, { number: 11, state: 'open', head: { ref: 'x', sha: sha('lp-before') }, base: { ref: 'main' } }],
      ]),
    )
    const from = readFileSync(testAuditLog(), 'utf8').length
    const swept = await run(
      pr,
      { ...asIdentity().inputs, mode: 'sweep' },
      {
        env: asIdentity({ event_name: 'schedule', ref: 'refs/heads/main' }).env,
        eventName: 'schedule',
      },
    )
    expect(explain(swept)).toBe('')
    const rows = JSON.parse(swept.outputs.previews!) as Array<{ pr: number; ready: string; decision: string }>
    const row = rows.find((r) => r.pr === 11)!
    expect(row.decision).toBe('kept')
    expect(row.ready).toMatch(/^\d+\/\d+ ready$/)
    expect(refusedOf(auditEvents(from))).toEqual([])
    const closed = await run({ ...pr, action: 'closed' }, asIdentity().inputs, { env: asIdentity().env })
    expect(explain(closed)).toBe('')
    expect(closed.outputs.status).toBe('destroyed')
    expect(await namespaceExists(namespace)).toBe(false)
  }, 120_000)
})

describe('the front door, as the identity', () => {
  test('an IngressClass nobody annotated: the run stops before creating anything, and says what to set', async () => {
    const name = `least-${process.pid}`
    const networking = kube.kc.makeApiClient(k8s.NetworkingV1Api)
    await networking.createIngressClass({
      body: { metadata: { name }, spec: { controller: 'traefik.io/ingress-controller' } },
    })
    try {
      const r = await run(
        { repository, number: 12 },
        { ...asIdentity().inputs, 'ingress-class': name, wait: 'false' },
        { env: asIdentity().env },
      )
      expect(r.code).not.toBe(0)
      expect(r.log).toMatch(
        new RegExp(
          `::error::.*cannot tell where the pods of IngressClass ${name}'s controller .*the action may not list pods.*set ingress-namespace`,
        ),
      )
      const namespace = /; namespace (\S+)$/m.exec(r.log)![1]!
      expect(await namespaceExists(namespace)).toBe(false)
    } finally {
      await networking.deleteIngressClass({ name })
    }
  })
})

/** `kube-pr-preview init` with the admin's kubeconfig. */
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'init', ...args], {
    env: { ...process.env, KUBECONFIG: testKubeconfigPath() },
    encoding: 'utf8',
  })

describe('--tls-secret', () => {
  const certs = `least-certs-${process.pid}`
  afterAll(() => kube.core.deleteNamespace({ name: certs }).catch(() => undefined))

  test('without it the run cannot read the certificate and says so; with it, get on that one Secret and no other', async () => {
    await kube.core.createNamespace({ body: { metadata: { name: certs } } })
    await kube.core.createNamespacedSecret({
      namespace: certs,
      body: {
        metadata: { name: 'wildcard' },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': 'not checked here', 'tls.key': 'not checked here' },
      },
    })
    await kube.core.createNamespacedSecret({
      namespace: certs,
      body: { metadata: { name: 'other' }, stringData: { p: 'x' } },
    })
    const pr = { repository, number: 13 }
    const inputs = { ...asIdentity().inputs, 'tls-secret': `${certs}/wildcard`, wait: 'false' }
    const refused = await run(pr, inputs, { env: asIdentity().env })
    expect(refused.code).not.toBe(0)
    expect(refused.log).toMatch(
      new RegExp(
        `::error::Input "tls-secret": the action may not read the Secret ${certs}/wildcard \\(.*forbidden.*\\)\\. Grant get on exactly that Secret: \`npx kube-pr-preview init … --tls-secret ${certs}/wildcard\` does`,
      ),
    )
    expect(await namespaceExists(/; namespace (\S+)$/m.exec(refused.log)![1]!)).toBe(false)

    const applied = cli(
      '--repo',
      repository,
      '--identity',
      'oidc',
      '--tls-secret',
      `${certs}/wildcard`,
      '--apply',
    )
    expect(applied.stderr).toContain(`applied Role ${certs}/kube-pr-preview-tls`)
    expect(applied.status).toBe(0)
    const checked = cli(
      '--repo',
      repository,
      '--identity',
      'oidc',
      '--tls-secret',
      `${certs}/wildcard`,
      '--check',
    )
    expect(checked.stdout).toMatch(/^ok/)

    const deployed = await run(pr, inputs, { env: asIdentity().env })
    expect(explain(deployed)).toBe('')
    const copy = await kube.core.readNamespacedSecret({
      name: 'preview-tls',
      namespace: deployed.outputs.namespace!,
    })
    expect(copy.metadata?.annotations?.['kube-pr-preview.io/copied-from']).toBe(`${certs}/wildcard`)
    const core = (await identityClient()).makeApiClient(k8s.CoreV1Api)
    const denied = await core.readNamespacedSecret({ name: 'other', namespace: certs }).then(
      () => 200,
      (e: { code?: number }) => e.code ?? 0,
    )
    expect(denied).toBe(403)
    const closed = await run({ ...pr, action: 'closed' }, inputs, { env: asIdentity().env })
    expect(explain(closed)).toBe('')
  }, 120_000)
})

describe('init --check and --kubeconfig-out', () => {
  const rbac = () => kube.kc.makeApiClient(k8s.RbacAuthorizationV1Api)
  const extra = `least-extra-${process.pid}`

  test('--check: ok as applied; a broader binding of the identity is reported', async () => {
    const ok = cli('--repo', repository, '--identity', 'oidc', '--check')
    expect(ok.stdout).toMatch(/^ok/)
    expect(ok.status).toBe(0)
    await rbac().createClusterRoleBinding({
      body: {
        metadata: { name: extra },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    })
    try {
      const broad = cli('--repo', repository, '--identity', 'oidc', '--check')
      expect(broad.status).toBe(1)
      expect(broad.stdout).toContain(
        `too broad: ClusterRoleBinding ${extra} also binds ${user} to ClusterRole view`,
      )
      const missing = cli('--repo', repository, '--repo', 'octo-org/another', '--identity', 'oidc', '--check')
      expect(missing.stdout).toMatch(/missing or different: ClusterRoleBinding kube-pr-preview subjects/)
    } finally {
      await rbac().deleteClusterRoleBinding({ name: extra })
    }
  })

  test('--identity serviceaccount --kubeconfig-out: a kubeconfig whose token is that ServiceAccount, and when it expires', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sa-')), 'kubeconfig')
    const r = cli('--repo', repository, '--apply', '--kubeconfig-out', file, '--token-duration', '2h')
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/its token expires \d{4}-\d\d-\d\dT/)
    expect(r.stderr).toMatch(/rotate it/)
    const kc = new k8s.KubeConfig()
    kc.loadFromFile(file)
    const review = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    })
    expect(review.status?.userInfo?.username).toBe('system:serviceaccount:kube-pr-preview:kube-pr-preview')
  })
})
