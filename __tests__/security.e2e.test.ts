// Hostile input and scope safety, end to end on the local control plane.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { previewHarness, type PreviewEvent } from './harness/preview.js'
import type { RunResult } from './harness/run-action.js'
import { webApp as smallWebApp } from './harness/workspace.js'

const { kube, gh, run: runPreview, namespaceExists } = previewHarness()
const run = (event: PreviewEvent, inputs: Record<string, string> = {}, workspace?: string) =>
  runPreview(event, inputs, { workspace })

/** A workspace with a templates folder of the given files. */
function workspaceWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'workspace-'))
  mkdirSync(join(dir, 'preview'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'preview', name), text)
  return dir
}

const configMap = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  a: b\n`
const noStackTrace = (r: RunResult) => expect(r.log).not.toMatch(/\n\s+at .+:\d+:\d+/)
const requestsFor = (repo: string) => gh.requests.filter((q) => q.path.startsWith(`/repos/${repo}/`))

describe('hostile input', () => {
  const branch = 'a"\n  namespace: kube-system\n{{#each}}&x *x !!str ---\u2028ｎａｍｅｓｐａｃｅ'
  const title = '{{{raw}}} "quoted" \n- item\n<<: *alias'

  test('a hostile branch and title deploy as inert strings, and no secret appears in any artifact', async () => {
    const r = await run({ repository: 'acme/hostile', number: 8, branch, title })
    expect(r.code).toBe(0)
    const ns = r.outputs.namespace!
    const env = await kube.core.readNamespacedConfigMap({ name: 'app-env', namespace: ns })
    expect(env.data!.PREVIEW_BRANCH).toBe(branch)
    const ours = 'app.kubernetes.io/managed-by=kube-pr-preview'
    expect(
      (await kube.core.listNamespacedConfigMap({ namespace: 'kube-system', labelSelector: ours })).items,
    ).toEqual([])

    const credentials = await kube.core.readNamespacedSecret({ name: 'preview-credentials', namespace: ns })
    const token = /token: (\S+)/.exec(kube.kubeconfigText)![1]!
    const secrets = [
      token,
      gh.token,
      ...Object.values(credentials.data!).map((v) => Buffer.from(v, 'base64').toString()),
    ]
    expect(secrets.length).toBeGreaterThanOrEqual(7)
    const shown = r.log
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    const masked = r.log.split('\n').filter((l) => l.startsWith('::add-mask::'))
    const artifacts = [
      shown,
      r.files.output,
      r.files.summary,
      JSON.stringify(requestsFor('acme/hostile').map((q) => [q.path, q.query, q.body])),
    ]
    for (const secret of secrets) {
      for (const artifact of artifacts) expect(artifact).not.toContain(secret)
      expect(masked.some((l) => l.includes(secret))).toBe(true)
    }
  })
})

describe('scope guard', () => {
  test('a template naming another namespace is refused before anything is applied', async () => {
    const workspace = workspaceWith({
      'ok.yaml': configMap('fine'),
      'escape.yaml': configMap('evil', '  namespace: kube-system\n'),
    })
    const r = await run({ repository: 'acme/escape', number: 1 }, { templates: 'preview' }, workspace)
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    expect(r.log).toMatch(
      /::error title=Template error,file=preview\/escape.yaml,line=1::.*names namespace "kube-system"/,
    )
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
    expect(requestsFor('acme/escape')).toEqual([])
    noStackTrace(r)
  })

  test('cluster-wide kinds are refused unless allowed; allowed ones are owned, pruned and removed on teardown', async () => {
    const clusterRole = (name: string) =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {{concat preview.namespace "-${name}"}}\nrules: []\n`
    const files = {
      'cm.yaml': configMap('fine'),
      'role.yaml': clusterRole('reader'),
      'role2.yaml': clusterRole('writer'),
    }
    const refused = await run(
      { repository: 'acme/cluster', number: 2 },
      { templates: 'preview' },
      workspaceWith(files),
    )
    expect(refused.code).not.toBe(0)
    expect(refused.log).toMatch(/ClusterRole ".*-reader" is cluster-wide.*allow-cluster-scoped/)
    expect(await namespaceExists(refused.outputs.namespace!)).toBe(false)

    const workspace = workspaceWith(files)
    const allowed = await run(
      { repository: 'acme/cluster', number: 2 },
      { templates: 'preview', 'allow-cluster-scoped': 'ClusterRole' },
      workspace,
    )
    expect(allowed.log).not.toContain('::error')
    const ns = allowed.outputs.namespace!
    const role = await kube.objects.read({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${ns}-reader` },
    })
    expect(role.metadata?.labels?.['kube-pr-preview.io/preview']).toBe(ns)

    writeFileSync(join(workspace, 'preview', 'role2.yaml'), '')
    const pruned = await run(
      { repository: 'acme/cluster', number: 2, action: 'synchronize' },
      { templates: 'preview', 'allow-cluster-scoped': 'ClusterRole' },
      workspace,
    )
    expect(pruned.code).toBe(0)
    const names = async () =>
      (await kube.objects.list('rbac.authorization.k8s.io/v1', 'ClusterRole')).items
        .map((o) => o.metadata!.name)
        .filter((n) => n!.startsWith(ns))
    expect(await names()).toEqual([`${ns}-reader`])
    const closed = await run(
      { repository: 'acme/cluster', number: 2, action: 'closed' },
      { 'allow-cluster-scoped': 'ClusterRole' },
    )
    expect(closed.code).toBe(0)
    expect(await names()).toEqual([])
  })

  // SECURITY.md: it only changes objects that carry its ownership labels; others are refused, not adopted.
  test('an object of the same name that it did not create is refused, not adopted: in the preview and cluster-wide', async () => {
    const repo = 'acme/not-ours'
    const first = await run(
      { repository: repo, number: 6 },
      { templates: 'preview' },
      workspaceWith({ 'cm.yaml': configMap('fine') }),
    )
    expect(first.log).not.toContain('::error')
    const ns = first.outputs.namespace!
    // Someone makes a ConfigMap in the preview by hand, and a ClusterRole of the same name as a template's.
    await kube.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'hand-made' }, data: { a: 'mine' } },
    })
    const roleName = `${ns}-hand-made`
    await kube.objects.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: roleName },
      rules: [],
    } as never)
    try {
      // In the preview: a template names the hand-made ConfigMap.
      const inPreview = await run(
        { repository: repo, number: 6, action: 'synchronize', sha: 'b'.repeat(40) },
        { templates: 'preview' },
        workspaceWith({ 'cm.yaml': configMap('fine'), 'hand-made.yaml': configMap('hand-made') }),
      )
      expect(inPreview.code).not.toBe(0)
      expect(inPreview.log).toMatch(/ConfigMap "?hand-made"? .*does not belong to this preview/)
      const cm = await kube.core.readNamespacedConfigMap({ name: 'hand-made', namespace: ns })
      expect(cm.data).toEqual({ a: 'mine' })
      expect(cm.metadata!.labels?.['app.kubernetes.io/managed-by']).toBeUndefined()
      // Cluster-wide: a template names the hand-made ClusterRole (of an allowed kind).
      const clusterWide = await run(
        { repository: repo, number: 6, action: 'synchronize', sha: 'c'.repeat(40) },
        { templates: 'preview', 'allow-cluster-scoped': 'ClusterRole' },
        workspaceWith({
          'cm.yaml': configMap('fine'),
          'role.yaml': `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {{concat preview.namespace "-hand-made"}}\nrules: []\n`,
        }),
      )
      expect(clusterWide.code).not.toBe(0)
      expect(clusterWide.log).toMatch(
        /ClusterRole "?[^ ]*-hand-made"? already exists and does not belong to this preview/,
      )
      const role = await kube.objects.read({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: roleName },
      })
      expect(role.metadata!.labels?.['app.kubernetes.io/managed-by']).toBeUndefined()
    } finally {
      await kube.objects.delete({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: roleName },
      })
    }
  })

  test('a cluster-wide custom resource kind is found out through discovery and refused', async () => {
    await kube.objects.patch(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.test' },
        spec: {
          group: 'example.test',
          scope: 'Cluster',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      } as never,
      undefined,
      undefined,
      'test',
      true,
      'application/apply-patch+yaml' as never,
    )
    await new Promise((r) => setTimeout(r, 2000)) // the CRD becomes served
    const workspace = workspaceWith({
      'w.yaml': 'apiVersion: example.test/v1\nkind: Widget\nmetadata:\n  name: w\n',
    })
    const r = await run({ repository: 'acme/widgets', number: 3 }, { templates: 'preview' }, workspace)
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/Widget "w" is cluster-wide and Widget is not listed in allow-cluster-scoped/)
    expect(requestsFor('acme/widgets')).toEqual([])
  })

  test("the cluster's discovery decides a kind's scope: a template CRD cannot redeclare a cluster-wide kind as namespaced, and nothing falls back to default", async () => {
    const crd = (scope: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.scope.example.test' },
      spec: {
        group: 'scope.example.test',
        scope,
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    })
    await kube.objects.patch(
      crd('Cluster') as never,
      undefined,
      undefined,
      'test',
      true,
      'application/apply-patch+yaml' as never,
    )
    await new Promise((r) => setTimeout(r, 2000)) // the CRD becomes served
    // The template brings its own CRD of the same kind, saying Namespaced, and an object of it.
    const workspace = workspaceWith({
      'crd.yaml': JSON.stringify(crd('Namespaced')),
      'gadget.yaml': 'apiVersion: scope.example.test/v1\nkind: Gadget\nmetadata:\n  name: g\n',
    })
    const r = await run(
      { repository: 'acme/gadgets', number: 4 },
      { templates: 'preview', 'allow-cluster-scoped': 'CustomResourceDefinition' },
      workspace,
    )
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/Gadget "g" is cluster-wide and Gadget is not listed in allow-cluster-scoped/)
    expect(requestsFor('acme/gadgets').filter((q) => q.method !== 'GET')).toEqual([])
    // Nothing was applied: the cluster's CRD is still cluster-wide, and no Gadget exists, cluster-wide or in
    // the namespace a client falls back to.
    const live = (await kube.objects.read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.scope.example.test' },
    })) as { spec: { scope: string } }
    expect(live.spec.scope).toBe('Cluster')
    const gadget = (namespace?: string) =>
      kube.objects
        .read({ apiVersion: 'scope.example.test/v1', kind: 'Gadget', metadata: { name: 'g', namespace } })
        .then(
          () => 'exists',
          (e: { code?: number }) => e.code,
        )
    expect(await gadget()).toBe(404)
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
  })
})

describe('forks', () => {
  test('refused by default with a clear message, deployed with allow-forks, removed on close either way', async () => {
    const fork = { repository: 'acme/forked', number: 4, headRepository: 'stranger/forked' }
    const refused = await run(fork, { kubeconfig: '' })
    expect(refused.code).toBe(0)
    expect(refused.outputs.status).toBe('skipped')
    expect(refused.log).toMatch(/::warning::PRs from forks are not deployed/)
    expect(requestsFor('acme/forked')).toEqual([])
    const allowed = await run(fork, { 'allow-forks': 'true' })
    expect(allowed.outputs.status).toBe('deployed')
    const closed = await run({ ...fork, action: 'closed' })
    expect(closed.outputs.status).toBe('destroyed')
    expect(await namespaceExists(allowed.outputs.namespace!)).toBe(false)
  })

  // README/SECURITY.md: on pull_request_target with allow-forks, only-labels gates which fork PRs run, and what
  // runs is the fork's head commit (GITHUB_SHA is then the base branch's commit, never deployed).
  test('pull_request_target: only-labels gates a fork PR, and the image is the fork head commit, not GITHUB_SHA', async () => {
    const head = 'f'.repeat(40)
    const fork = {
      repository: 'acme/forked-target',
      number: 5,
      headRepository: 'stranger/forked-target',
      sha: head,
    }
    const inputs = { 'allow-forks': 'true', 'only-labels': 'safe-to-preview', templates: 'preview' }
    const small = workspaceWith({ 'web.yaml': smallWebApp() })
    const target = (event: PreviewEvent) =>
      runPreview(event, inputs, { workspace: small, eventName: 'pull_request_target' })
    const unlabelled = await target(fork)
    expect(unlabelled.code).toBe(0)
    expect(unlabelled.outputs.status).toBe('skipped')
    expect(unlabelled.summary).toMatch(/none of the labels safe-to-preview/)
    // Nothing deployed: no deployment on GitHub; the PR comment says which label it needs (#23, point 1).
    expect(requestsFor('acme/forked-target').map((q) => q.operationId)).not.toContain(
      'repos/create-deployment',
    )
    const labelled = await target({ ...fork, action: 'labeled', labels: ['safe-to-preview'] })
    expect(labelled.outputs.status).toBe('deployed')
    const web = await kube.apps.readNamespacedDeployment({
      name: 'web',
      namespace: labelled.outputs.namespace!,
    })
    expect(web.spec!.template.spec!.containers[0]!.image).toBe(`ghcr.io/acme/forked-target:${head}`)
    expect(gh.deployments.find((d) => d.repo === 'acme/forked-target')?.ref).toBe(head)
    const closed = await target({ ...fork, action: 'closed' })
    expect(closed.outputs.status).toBe('destroyed')
  })
})

describe('bad templates and bad credentials: one clear error, nothing applied', () => {
  test.each([
    [
      'Handlebars',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{x}\n  b: c\n',
      6,
      /Handlebars syntax error/,
    ],
    [
      'YAML',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   broken: [\n',
      4,
      /the rendered YAML is invalid/,
    ],
  ])('a %s error names the file and line as an annotation', async (_kind, text, line, message) => {
    const r = await run(
      { repository: 'acme/broken', number: 5 },
      { templates: 'preview' },
      workspaceWith({ 'good.yaml': configMap('good'), 'bad.yaml': text }),
    )
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(
      new RegExp(
        `::error title=Template error,file=preview/bad.yaml,line=${line}::Nothing was applied: bad.yaml:${line}: `,
      ),
    )
    expect(r.log.match(/::error/g)).toHaveLength(1)
    expect(r.log).toMatch(message)
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
    expect(requestsFor('acme/broken')).toEqual([])
    noStackTrace(r)
  })

  test('a kubeconfig that is not one', async () => {
    const r = await run(
      { repository: 'acme/creds', number: 1 },
      { kubeconfig: 'apiVersion: v1\nclusters: []\ncontexts: []\n' },
    )
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/::error::Input "kubeconfig": .*has no usable current-context/)
    noStackTrace(r)
  })

  test('an unreachable cluster', async () => {
    const unreachable = kube.kubeconfigText.replace(/server: \S+/, 'server: https://127.0.0.1:1')
    const r = await run({ repository: 'acme/creds', number: 2 }, { kubeconfig: unreachable })
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/::error::cannot reach the Kubernetes API at https:\/\/127.0.0.1:1 \(ECONNREFUSED/)
    noStackTrace(r)
  })

  test('a user the cluster forbids', async () => {
    const kubeconfig = await serviceAccountKubeconfig('nobody')
    const r = await run({ repository: 'acme/creds', number: 3 }, { kubeconfig })
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/::error::reading Namespace .*forbidden.*lacks RBAC permission/)
    noStackTrace(r)
  })
})

/** A kubeconfig for a new ServiceAccount that nothing is bound to: no rights at all. */
async function serviceAccountKubeconfig(name: string): Promise<string> {
  const namespace = 'preview-system'
  if (!(await namespaceExists(namespace)))
    await kube.core.createNamespace({ body: { metadata: { name: namespace } } })
  await kube.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } })
  const token = await kube.core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  })
  return kube.kubeconfigText.replace(/token: \S+/, `token: ${token.status!.token}`)
}
