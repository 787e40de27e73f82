// The local control plane is a real Kubernetes: these go through @kubernetes/client-node like the action does.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as k8s from '@kubernetes/client-node'
import { eventually } from './harness/kube.js'
import { testKubeconfigPath } from './setup/cluster.js'

let kc: k8s.KubeConfig
let objects: k8s.KubernetesObjectApi
let core: k8s.CoreV1Api
const ns = `cluster-test-${process.pid}`
const MANAGER = 'cluster-test'

beforeAll(async () => {
  kc = new k8s.KubeConfig()
  kc.loadFromFile(testKubeconfigPath())
  objects = k8s.KubernetesObjectApi.makeApiClient(kc)
  core = kc.makeApiClient(k8s.CoreV1Api)
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
})
afterAll(async () => {
  await core.deleteNamespace({ name: ns }).catch(() => undefined)
})

const apply = <T extends k8s.KubernetesObject>(o: T) =>
  objects.patch(o, undefined, undefined, MANAGER, true, k8s.PatchStrategy.ServerSideApply)

const podTemplate = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: app, image: `example.test/${app}:1` }] },
})

describe('the local control plane', () => {
  test('server-side apply records the field manager', async () => {
    const cm = await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: ns },
      data: { greeting: 'hello' },
    })
    const fields = (cm.metadata as k8s.V1ObjectMeta).managedFields ?? []
    expect(fields.map((m) => [m.manager, m.operation])).toContainEqual([MANAGER, 'Apply'])
  })

  test('a Deployment becomes Available', async () => {
    await apply<k8s.V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: podTemplate('web') },
    })
    const apps = kc.makeApiClient(k8s.AppsV1Api)
    const d = await eventually(
      'Deployment web Available',
      () => apps.readNamespacedDeployment({ name: 'web', namespace: ns }),
      (d) =>
        d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') === true &&
        d.status?.readyReplicas === 2,
    )
    expect(d.status?.availableReplicas).toBe(2)
  })

  test('a StatefulSet becomes Ready', async () => {
    await apply<k8s.V1StatefulSet>({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: ns },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: podTemplate('db'),
      },
    })
    const apps = kc.makeApiClient(k8s.AppsV1Api)
    const s = await eventually(
      'StatefulSet db Ready',
      () => apps.readNamespacedStatefulSet({ name: 'db', namespace: ns }),
      (s) => s.status?.readyReplicas === 1,
    )
    expect(s.status?.availableReplicas).toBe(1)
  })

  test('a Job completes', async () => {
    await apply<k8s.V1Job>({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: ns },
      spec: {
        template: {
          ...podTemplate('migrate'),
          spec: { ...podTemplate('migrate').spec, restartPolicy: 'Never' },
        },
      },
    })
    const batch = kc.makeApiClient(k8s.BatchV1Api)
    const j = await eventually(
      'Job migrate Complete',
      () => batch.readNamespacedJob({ name: 'migrate', namespace: ns }),
      (j) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') === true,
    )
    expect(j.status?.succeeded).toBe(1)
  })

  test('a deleted namespace disappears', async () => {
    const name = `${ns}-gone`
    await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
    await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: name },
      data: { a: 'b' },
    })
    await core.deleteNamespace({ name })
    await eventually(
      `namespace ${name} gone`,
      () => core.listNamespace({ fieldSelector: `metadata.name=${name}` }),
      (list) => list.items.length === 0,
    )
  })
})
