// Kubernetes semantics as kubectl has them (issue #13), each case through the bundled action on the local control
// plane: readiness that is not reported too early, validation before any change, CRDs, quotas, re-runs, names.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { eventually, sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'

const { kube, gh, run } = previewHarness({ timeout: '60s' })

/** A workspace whose `preview` folder holds the given templates. */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'semantics-'))
  mkdirSync(join(dir, 'preview'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'preview', name), text)
  return dir
}

const deploy = (
  repository: string,
  number: number,
  push: string,
  files: Record<string, string>,
  inputs: Record<string, string> = {},
) =>
  run(
    { repository, number, action: 'synchronize', sha: sha(`${repository}#${number}@${push}`) },
    { templates: 'preview', ...inputs },
    { workspace: workspace(files) },
  )

const statefulSet = (opts: { image: string; nodeSelector?: boolean; slow?: boolean; stopAfter?: string }) => `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 1
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels:
        app: db
${opts.slow ? '        timing.preview.test/profile: slow\n' : ''}${opts.stopAfter ? `      annotations: {timing.preview.test/stop-after: "${opts.stopAfter}"}\n` : ''}    spec:
${opts.nodeSelector ? '      nodeSelector: {disktype: none-has-this}\n' : ''}      containers:
        - name: db
          image: ${opts.image}
`

const deployment = (opts: {
  name?: string
  image?: string
  replicas?: number
  extra?: string
  slow?: boolean
}) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${opts.name ?? 'web'}
spec:
  replicas: ${opts.replicas ?? 1}
${opts.extra ?? ''}  selector:
    matchLabels: {app: ${opts.name ?? 'web'}}
  template:
    metadata:
      labels:
        app: ${opts.name ?? 'web'}
${opts.slow ? '        timing.preview.test/profile: slow\n' : ''}    spec:
      containers:
        - name: app
          image: ${opts.image ?? 'nginx:1'}
`

const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)
const deploymentsOf = (repo: string) => gh.deployments.filter((d) => d.repo === repo)

describe('readiness is not reported too early', () => {
  // The old pod stays Ready while it terminates (a minute), so readyReplicas = replicas the whole time: a rule of
  // "readyReplicas ≥ replicas" would call this deployed. Only the update's progress (0/1 updated) says it is not.
  test('1. a StatefulSet whose new pod cannot start is not deployed, though its old pod is still Ready', async () => {
    const repo = 'acme/sts-stuck'
    const first = await deploy(repo, 1, 'v1', {
      'db.yaml': statefulSet({ image: 'db:1', slow: true, stopAfter: '60s' }),
    })
    expect(explain(first)).toBe('')
    const second = await deploy(
      repo,
      1,
      'v2',
      { 'db.yaml': statefulSet({ image: 'db:2' }) },
      { timeout: '15s' },
    )
    const live = await kube.apps.readNamespacedStatefulSet({
      name: 'db',
      namespace: second.outputs.namespace!,
    })
    expect(live.status).toMatchObject({ replicas: 1, readyReplicas: 1 })
    expect(live.status?.updatedReplicas ?? 0).toBe(0)
    expect(second.outputs.status).toBe('failed')
    expect(second.code).not.toBe(0)
    expect(second.log).toMatch(/Not ready within 15s: .*StatefulSet db.*1\/1 ready, 0\/1 updated/)
    // README: a timeout says which object and why, in the log, the summary and the deployment status.
    const id = Number(second.outputs['deployment-id'])
    expect(gh.statusesOf(id).at(-1)).toMatchObject({
      state: 'failure',
      description: expect.stringMatching(/StatefulSet db.*0\/1 updated/),
    })
    expect(second.summary).toMatch(/StatefulSet db/)
    expect(second.summary).toMatch(/0\/1 updated/)
  })

  test('slow pods: "deployed" only once the rollout has really finished', async () => {
    const repo = 'acme/slow-rollout'
    const ns = (r: { outputs: Record<string, string> }) => r.outputs.namespace!
    const first = await deploy(repo, 2, 'v1', {
      'web.yaml': deployment({ replicas: 2, slow: true }),
      'db.yaml': statefulSet({ image: 'db:1', slow: true }),
    })
    expect(explain(first)).toBe('')
    const second = await deploy(repo, 2, 'v2', {
      'web.yaml': deployment({ replicas: 2, image: 'nginx:2', slow: true }),
      'db.yaml': statefulSet({ image: 'db:2', slow: true }),
    })
    expect(explain(second)).toBe('')
    // At the moment the action said "deployed", every pod runs the new spec and is ready.
    const web = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns(second) })
    expect(web.status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2, replicas: 2 })
    const db = await kube.apps.readNamespacedStatefulSet({ name: 'db', namespace: ns(second) })
    expect(db.status?.currentRevision).toBe(db.status?.updateRevision)
    expect(db.status?.readyReplicas).toBe(1)
    const pods = await kube.core.listNamespacedPod({ namespace: ns(second) })
    const images = pods.items
      .filter((p) => !p.metadata?.deletionTimestamp)
      .map((p) => p.spec!.containers[0]!.image)
    expect(images.sort()).toEqual(['db:2', 'nginx:2', 'nginx:2'])
  })
})

describe('failures are told at once, with the API server words', () => {
  test('2. a stale ProgressDeadlineExceeded does not fail the push that fixes it', async () => {
    const repo = 'acme/deadline'
    const stuck = deployment({ extra: '  progressDeadlineSeconds: 1\n' }).replace(
      '    spec:\n',
      '    spec:\n      nodeSelector: {disktype: none-has-this}\n',
    )
    const started = Date.now()
    const first = await deploy(repo, 3, 'v1', { 'web.yaml': stuck }, { timeout: '40s' })
    expect(first.outputs.status).toBe('failed')
    // Told at once, with the controller's reason: not at the 40 s timeout.
    expect(first.log).toMatch(/ProgressDeadlineExceeded/)
    expect(Date.now() - started).toBeLessThan(30_000)
    const second = await deploy(repo, 3, 'v2', {
      'web.yaml': deployment({ extra: '  progressDeadlineSeconds: 600\n' }),
    })
    expect(explain(second)).toBe('')
    expect(second.outputs.status).toBe('deployed')
  })

  test('6. a quota that refuses pods fails the run at once with its message', async () => {
    const repo = 'acme/quota'
    const r = await deploy(
      repo,
      4,
      'v1',
      { 'web.yaml': deployment({ replicas: 3 }) },
      { 'resource-quota': '{pods: "2"}', timeout: '90s' },
    )
    expect(r.outputs.status).toBe('failed')
    expect(r.log).toMatch(/exceeded quota: preview-quota/)
    expect(r.log).not.toMatch(/Not ready within/)
  })
})

describe('manifests as kubectl reads them, validated before any change', () => {
  test('3. YAML 1.1: defaultMode 0755 is octal', async () => {
    const repo = 'acme/yaml11'
    const web = deployment({}).replace(
      '      containers:\n',
      '      volumes:\n        - name: scripts\n          configMap: {name: scripts, defaultMode: 0755}\n      containers:\n',
    )
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scripts\ndata:\n  run.sh: "echo"\n'
    const r = await deploy(repo, 5, 'v1', { 'web.yaml': web, 'cm.yaml': cm })
    expect(explain(r)).toBe('')
    const live = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: r.outputs.namespace! })
    expect(live.spec!.template.spec!.volumes![0]!.configMap!.defaultMode).toBe(0o755)
  })

  test('4. an invalid object changes nothing and creates no GitHub deployment; the error names field, file and line', async () => {
    const repo = 'acme/invalid'
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-config\ndata: {x: "1"}\n'
    const svc =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: 70000\n'
    const r = await deploy(repo, 6, 'v1', { 'a-config.yaml': cm, 'web-service.yaml': svc })
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/web-service\.yaml:8.*Service web.*spec\.ports\[0\]\.port/)
    expect(r.log).toMatch(/::error title=Template error,file=preview\/web-service\.yaml,line=8::/)
    expect(deploymentsOf(repo)).toEqual([])
    // A new preview is applied without a dry run: the refusal removed its namespace again, and waited for it.
    expect(r.log).toContain('the cluster refused an object of this new preview: removing namespace')
    const namespaces = await kube.core.listNamespace({ labelSelector: 'kube-pr-preview.io/pr=6' })
    expect(
      namespaces.items.filter((n) => n.metadata!.annotations?.['kube-pr-preview.io/repository'] === repo),
    ).toEqual([])
    // Listing a namespace that does not exist answers an empty list: any other error fails the test.
    const cms = await kube.core.listNamespacedConfigMap({ namespace: r.outputs.namespace! })
    expect(cms.items.map((c) => c.metadata!.name)).not.toContain('a-config')
    // The fixed push deploys afresh.
    const fixed = await deploy(repo, 6, 'v2', { 'a-config.yaml': cm })
    expect(explain(fixed)).toBe('')
  })

  test('5. a CRD and objects of its kind in one template set', async () => {
    const repo = 'acme/crd'
    const group = `${sha(repo).slice(0, 8)}.example.test`
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`
    const widget = `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {size: 3}\n`
    const r = await deploy(
      repo,
      7,
      'v1',
      { 'crd.yaml': crd, 'widget.yaml': widget },
      { 'allow-cluster-scoped': 'CustomResourceDefinition' },
    )
    expect(explain(r)).toBe('')
    const live = (await kube.objects.read({
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w', namespace: r.outputs.namespace! },
    })) as { spec?: unknown }
    expect(live.spec).toEqual({ size: 3 })
  })
})

describe('re-runs and replacements', () => {
  const failingJob = (marker: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 0
  template:
    metadata:
      labels:
        pod-container-running-failed.stage.kwok.x-k8s.io: "true"
      annotations: {marker: "${marker}"}
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: app:1
`
  test('7. a failed Job is deleted and created again on the next run; a changed one is replaced', async () => {
    const repo = 'acme/rerun'
    const first = await deploy(repo, 8, 'v1', { 'job.yaml': failingJob('a') })
    expect(first.outputs.status).toBe('failed')
    const ns = first.outputs.namespace!
    const uid1 = (await kube.batch.readNamespacedJob({ name: 'migrate', namespace: ns })).metadata!.uid
    const again = await deploy(repo, 8, 'v1', { 'job.yaml': failingJob('a') })
    expect(again.log).toMatch(/replacing Job migrate: it failed last time/)
    const uid2 = (await kube.batch.readNamespacedJob({ name: 'migrate', namespace: ns })).metadata!.uid
    expect(uid2).not.toBe(uid1)
    const changed = await deploy(repo, 8, 'v2', { 'job.yaml': failingJob('b') })
    expect(changed.log).toMatch(/replacing Job migrate: spec\.template cannot change in place/)
    const live = await kube.batch.readNamespacedJob({ name: 'migrate', namespace: ns })
    expect(live.spec!.template.metadata!.annotations!.marker).toBe('b')
  })

  test('a Job that completed and whose template changes is replaced and runs again with the new template', async () => {
    const repo = 'acme/rerun-done'
    const job = (marker: string) => failingJob(marker).replace(/\n {6}labels:\n[^\n]*\n/, '\n')
    const first = await deploy(repo, 12, 'v1', { 'job.yaml': job('a') })
    expect(explain(first)).toBe('')
    const ns = first.outputs.namespace!
    const before = await kube.batch.readNamespacedJob({ name: 'migrate', namespace: ns })
    expect(before.status?.succeeded).toBe(1)
    const changed = await deploy(repo, 12, 'v2', { 'job.yaml': job('b') })
    expect(explain(changed)).toBe('')
    expect(changed.log).toMatch(/replacing Job migrate: spec\.template cannot change in place/)
    expect(changed.log).not.toMatch(/it failed last time/)
    const after = await kube.batch.readNamespacedJob({ name: 'migrate', namespace: ns })
    expect(after.metadata!.uid).not.toBe(before.metadata!.uid)
    expect(after.spec!.template.metadata!.annotations!.marker).toBe('b')
    expect(after.status?.succeeded).toBe(1)
  })

  test('an immutable field change (Deployment selector) replaces the object, and says so', async () => {
    const repo = 'acme/selector'
    const first = await deploy(repo, 9, 'v1', { 'web.yaml': deployment({}) })
    expect(explain(first)).toBe('')
    const moved = deployment({})
      .replace('matchLabels: {app: web}', 'matchLabels: {app: web, tier: front}')
      .replace('        app: web\n', '        app: web\n        tier: front\n')
    const second = await deploy(repo, 9, 'v2', { 'web.yaml': moved })
    expect(explain(second)).toBe('')
    expect(second.log).toMatch(/replacing Deployment web: spec\.selector cannot change in place/)
  })
})

describe('a push the cluster would refuse, to a live preview', () => {
  // README: "a run the cluster would refuse changes nothing in the preview". Not only on a first deploy: here the
  // preview is live, and the push changes two objects and adds a third that the cluster refuses.
  test('changes no live object, no resourceVersion, not the inventory, and creates no GitHub deployment', async () => {
    const repo = 'acme/invalid-live'
    const cm = (v: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-config\ndata: {x: "${v}"}\n`
    const badService =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: 70000\n'
    const first = await deploy(repo, 13, 'v1', { 'web.yaml': deployment({}), 'a-config.yaml': cm('1') })
    expect(explain(first)).toBe('')
    const ns = first.outputs.namespace!
    const state = async () => ({
      versions: [
        ...(await kube.core.listNamespacedConfigMap({ namespace: ns })).items,
        ...(await kube.apps.listNamespacedDeployment({ namespace: ns })).items,
        ...(await kube.core.listNamespacedService({ namespace: ns })).items,
      ]
        .map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}`)
        .sort(),
      namespace: (await kube.core.readNamespace({ name: ns })).metadata!.annotations,
    })
    const before = await state()
    const deploymentsBefore = deploymentsOf(repo).length
    const second = await deploy(repo, 13, 'v2', {
      'web.yaml': deployment({ image: 'nginx:2' }),
      'a-config.yaml': cm('2'),
      'web-service.yaml': badService,
    })
    expect(second.code).not.toBe(0)
    expect(second.log).toMatch(/web-service\.yaml:8.*Service web.*spec\.ports\[0\]\.port/)
    // Only what changed since the cluster accepted it is dry-run (web, a-config, the new Service).
    expect(second.log).toMatch(/dry run of 3 objects \(\d+ unchanged since the cluster accepted them\)/)
    expect(await state()).toEqual(before)
    expect(deploymentsOf(repo)).toHaveLength(deploymentsBefore)
  })
})

describe('fields that cannot change in place', () => {
  const withClaims = (size: string) =>
    statefulSet({ image: 'db:1' }) +
    `  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources: {requests: {storage: ${size}}}\n`
  const claim = (mode: string) =>
    `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: uploads\nspec:\n  accessModes: [${mode}]\n  resources: {requests: {storage: 1Gi}}\n`

  test("a StatefulSet's volumeClaimTemplates: the object is replaced, and the log says so", async () => {
    const repo = 'acme/immutable'
    // Claims stay Pending here (no storage provisioner): readiness is not the point, so wait: false.
    const inputs = { wait: 'false' }
    const first = await deploy(repo, 14, 'v1', { 'db.yaml': withClaims('1Gi') }, inputs)
    expect(explain(first)).toBe('')
    const ns = first.outputs.namespace!
    const before = await kube.apps.readNamespacedStatefulSet({ name: 'db', namespace: ns })
    const second = await deploy(repo, 14, 'v2', { 'db.yaml': withClaims('2Gi') }, inputs)
    expect(explain(second)).toBe('')
    expect(second.log).toMatch(/replacing StatefulSet db: .*cannot change in place/)
    const sts = await kube.apps.readNamespacedStatefulSet({ name: 'db', namespace: ns })
    expect(sts.metadata!.uid).not.toBe(before.metadata!.uid)
    expect(sts.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage).toBe('2Gi')
  })

  // Issue #22 point 6: a replacement deletes before it creates. An object the cluster takes as an update (but for
  // the field that cannot change) and refuses as new — here an admission policy on CREATE only — must fail the
  // run before the live object is deleted.
  test('an object to replace that the cluster would refuse as new is not deleted: the run fails and says why', async () => {
    const repo = 'acme/replace-refused'
    const first = await deploy(repo, 16, 'v1', { 'web.yaml': deployment({}) })
    expect(explain(first)).toBe('')
    const ns = first.outputs.namespace!
    const before = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    const name = `semantics-no-front-tier-${process.pid}`
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] },
          ],
        },
        validations: [
          {
            expression:
              "!has(object.spec.template.metadata.labels) || !('tier' in object.spec.template.metadata.labels) || object.spec.template.metadata.labels['tier'] != 'front'",
            message: 'new Deployments may not be of the front tier here',
          },
        ],
      },
    }
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
      },
    }
    const moved = deployment({})
      .replace('matchLabels: {app: web}', 'matchLabels: {app: web, tier: front}')
      .replace('        app: web\n', '        app: web\n        tier: front\n')
    await kube.objects.create(policy)
    await kube.objects.create(binding)
    try {
      // The API server enforces a new policy once it has read it: until a new front-tier Deployment is refused.
      const probe = { ...JSON.parse(JSON.stringify(before)), metadata: { name: 'probe', namespace: ns } }
      probe.spec.selector = { matchLabels: { app: 'probe', tier: 'front' } }
      probe.spec.template.metadata.labels = { app: 'probe', tier: 'front' }
      delete probe.status
      await eventually(
        'the policy to be enforced',
        () =>
          kube.objects.create(probe, undefined, 'All').then(
            () => 'admitted',
            (e: unknown) => String((e as Error).message),
          ),
        (m) => m.includes('front tier'),
      )
      const second = await deploy(repo, 16, 'v2', { 'web.yaml': moved })
      expect(second.code).not.toBe(0)
      expect(second.log).toMatch(
        /web\.yaml.*Deployment web.*front tier.*must be replaced.*spec\.selector cannot change in place.*nothing was deleted/,
      )
      expect(second.log).not.toMatch(/replacing Deployment web/)
      const after = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns })
      expect(after.metadata!.uid).toBe(before.metadata!.uid)
      expect(after.spec!.selector.matchLabels).toEqual({ app: 'web' })
    } finally {
      await kube.objects.delete(binding).catch(() => undefined)
      await kube.objects.delete(policy).catch(() => undefined)
    }
  })

  test('a PersistentVolumeClaim is never replaced (its data would go): the change is refused, before anything changes', async () => {
    const repo = 'acme/immutable-claim'
    const first = await deploy(repo, 15, 'v1', { 'claim.yaml': claim('ReadWriteOnce') }, { wait: 'false' })
    expect(explain(first)).toBe('')
    const ns = first.outputs.namespace!
    const before = await kube.core.readNamespacedPersistentVolumeClaim({ name: 'uploads', namespace: ns })
    const second = await deploy(repo, 15, 'v2', { 'claim.yaml': claim('ReadWriteMany') }, { wait: 'false' })
    expect(second.code).not.toBe(0)
    expect(second.log).toMatch(/claim\.yaml.*PersistentVolumeClaim uploads/)
    expect(second.log).not.toMatch(/replacing PersistentVolumeClaim/)
    const after = await kube.core.readNamespacedPersistentVolumeClaim({ name: 'uploads', namespace: ns })
    expect(after.metadata!.uid).toBe(before.metadata!.uid)
    expect(after.spec!.accessModes).toEqual(['ReadWriteOnce'])
  })
})

describe('names', () => {
  test('8. a repository name longer than 45 characters deploys; every label fits', async () => {
    const repo = `acme/${'a-really-long-repository-name-for-previews-'.repeat(2)}x`
    const web = deployment({}).replace(
      '        app: web\n',
      '        app: web\n        app.kubernetes.io/part-of: {{preview.name}}\n',
    )
    const r = await deploy(repo, 10, 'v1', { 'web.yaml': web })
    expect(explain(r)).toBe('')
    const live = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: r.outputs.namespace! })
    for (const v of Object.values(live.spec!.template.metadata!.labels!))
      expect(v.length).toBeLessThanOrEqual(63)
  })
})

describe('teardown', () => {
  test('finds allowed cluster-wide objects by the preview labels, even when the inventory lost them', async () => {
    const repo = 'acme/cluster-wide'
    const name = `reader-${sha(repo).slice(0, 8)}`
    const role = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${name}\nrules: []\n`
    const inputs = { 'allow-cluster-scoped': 'ClusterRole' }
    const r = await deploy(repo, 11, 'v1', { 'role.yaml': role }, inputs)
    expect(explain(r)).toBe('')
    const ns = await kube.core.readNamespace({ name: r.outputs.namespace! })
    const annotations = ns.metadata!.annotations!
    annotations['kube-pr-preview.io/inventory'] = annotations['kube-pr-preview.io/inventory']!.split('\n')
      .filter((l) => !l.includes('ClusterRole'))
      .join('\n')
    await kube.core.replaceNamespace({ name: ns.metadata!.name!, body: ns })
    const closed = await run(
      { repository: repo, number: 11, action: 'closed', sha: sha(`${repo}#11@v1`) },
      inputs,
    )
    expect(explain(closed)).toBe('')
    const rbac = kube.kc.makeApiClient((await import('@kubernetes/client-node')).RbacAuthorizationV1Api)
    await expect(rbac.readClusterRole({ name })).rejects.toMatchObject({ code: 404 })
  })
})
