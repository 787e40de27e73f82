// The bundled action against pods that really run: on the local cluster's real node (kubelet, containerd, the
// CNI bridge, kube-proxy, CoreDNS; see cluster/node/), with images built from Debian packages.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { parse, stringify } from 'yaml'
import { eventually, sha } from './harness/kube.js'
import { previewHarness, type PreviewEvent } from './harness/preview.js'
import { realNode, realNodeWorkspace } from './harness/real-node.js'

const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url))
/** The bundled values' ephemeral-storage requests. */
const REQUESTS: Record<string, string> = Object.fromEntries(
  Object.entries(parse(readFileSync(join(TEMPLATES, 'values.yaml'), 'utf8')) as Record<string, any>) // eslint-disable-line @typescript-eslint/no-explicit-any
    .filter(([, v]) => v?.resources?.requests?.['ephemeral-storage'])
    .map(([k, v]) => [k, v.resources.requests['ephemeral-storage'] as string]),
)
const { kube, gh, run } = previewHarness({ timeout: '90s' })
const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)

/** Runs the action on a workspace of templates placed on the real node. */
const deploy = (
  repository: string,
  number: number,
  files: Record<string, string>,
  inputs: Record<string, string> = {},
  bundled?: string[],
  event: Partial<PreviewEvent> = {},
) =>
  run(
    { repository, number, ...event },
    { templates: 'preview', ...inputs },
    {
      workspace: realNodeWorkspace(files, bundled ? { dir: TEMPLATES, names: bundled } : undefined),
    },
  )

/** The app user's login from DATABASE_URL, as shell variables (user, pass, db). */
const MARIADB_LOGIN =
  'url=${DATABASE_URL#mysql2://}; user=${url%%:*}; rest=${url#*:}; pass=${rest%%@*}; db=${url##*/}'

/** Values that set each named service's ephemeral-storage limit to its request, as GKE Autopilot does. */
const autopilotDisk = (...services: string[]) =>
  Object.fromEntries(
    services.map((s) => [s, { resources: { limits: { 'ephemeral-storage': REQUESTS[s] } } }]),
  )

const quantity = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]) * 2 ** 20

const podsOf = async (namespace: string, selector: string) =>
  (await kube.core.listNamespacedPod({ namespace, labelSelector: selector })).items

const deployment = (name: string, command: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: ${name}
          image: ${realNode().toolsImage}
          command: ['sh', '-c', ${JSON.stringify(command)}]
${extra}`

const job = (name: string, command: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      restartPolicy: Never
      containers:
        - name: ${name}
          image: ${realNode().toolsImage}
          command: ['sh', '-c', ${JSON.stringify(command)}]
`

describe('real node', () => {
  test('a readiness probe that passes only after some seconds is reported ready only after it passes', async () => {
    const started = Date.now()
    const r = await deploy('acme/slow', 1, {
      'slow.yaml': deployment(
        'slow',
        'echo warming up; sleep 8; touch /tmp/ready; echo ready; exec sleep 3600',
        `          readinessProbe:
            exec: { command: ['test', '-f', '/tmp/ready'] }
            periodSeconds: 1
`,
      ),
    })
    expect(explain(r)).toBe('')
    expect(r.outputs.status).toBe('deployed')
    const [pod] = await podsOf(r.outputs.namespace!, 'app=slow')
    expect(pod!.spec!.nodeName).toBe(realNode().name)
    const status = pod!.status!.containerStatuses![0]!
    expect(status.containerID).toMatch(/^containerd:\/\//)
    const readyAt = Date.parse(
      String(pod!.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime),
    )
    const runningSince = Date.parse(String(status.state!.running!.startedAt))
    expect(readyAt - runningSince).toBeGreaterThanOrEqual(7000)
    const success = gh.statusesOf(Number(r.outputs['deployment-id'])).find((s) => s.state === 'success')!
    // Kubernetes times are whole seconds: the success comes no earlier than the second the pod became Ready.
    expect(Date.parse(success.created_at)).toBeGreaterThanOrEqual(readyAt)
    expect(Date.now() - started).toBeGreaterThan(8000)
  })

  test('a Job that exits non-zero fails the deploy with its exit code and the last lines of its log', async () => {
    const r = await deploy('acme/failing-job', 2, {
      'migrate.yaml': job(
        'migrate',
        'echo "== Running migrations"; echo "rake aborted: relation users does not exist" >&2; exit 3',
      ),
    })
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    for (const text of [r.log, r.summary]) {
      expect(text).toContain('exit code 3')
      expect(text).toContain('rake aborted: relation users does not exist')
    }
    const last = gh.statusesOf(Number(r.outputs['deployment-id'])).at(-1)!
    expect(last.state).toBe('failure')
    expect(last.description).toContain('exit code 3')
  })

  test('a crash-looping Deployment is diagnosed as such, with its restart count and last log', async () => {
    const r = await deploy(
      'acme/crashing',
      3,
      {
        // With a readiness probe, like the bundled web: without one, Kubernetes counts the pod available for
        // the moment it runs, before its first crash.
        'web.yaml': deployment(
          'web',
          'echo booting; sleep 1; echo "fatal: DATABASE_URL is not set"; exit 1',
          `          readinessProbe:
            httpGet: { path: /up, port: 3000 }
            periodSeconds: 1
`,
        ),
      },
      { timeout: '40s' },
    )
    expect(r.log).toMatch(/CrashLoopBackOff \(restarted \d+ times?; last exit code 1\)/)
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    expect(r.log).toContain('fatal: DATABASE_URL is not set')
    expect(r.summary).toContain('CrashLoopBackOff')
    const last = gh.statusesOf(Number(r.outputs['deployment-id'])).at(-1)!
    expect(last.description).toContain('CrashLoopBackOff')
  })

  test('a client pod reaches a server through its Service name (DNS and kube-proxy)', async () => {
    const r = await deploy('acme/talk', 4, {
      'server.yaml': `${deployment(
        'server',
        'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 8080 -h /www',
        `          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe:
            tcpSocket: { port: 8080 }
            periodSeconds: 1
`,
      )}---
apiVersion: v1
kind: Service
metadata:
  name: server
spec:
  selector: { app: server }
  ports: [{ port: 80, targetPort: http }]
`,
      'client.yaml': job(
        'client',
        'for i in $(seq 30); do curl -fsS http://server/index.html && exit 0; sleep 1; done; exit 1',
      ),
    })
    expect(explain(r)).toBe('')
    const ns = r.outputs.namespace!
    const [server] = await podsOf(ns, 'app=server')
    const [client] = await podsOf(ns, 'app=client')
    expect(client!.spec!.nodeName).toBe(realNode().name)
    const log = await kube.core.readNamespacedPodLog({ namespace: ns, name: client!.metadata!.name! })
    expect(log).toContain(`hello from ${server!.metadata!.name}`)
  })

  test('a StatefulSet update that really takes time is reported ready only when every pod runs it', async () => {
    const statefulSet = (version: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: db
          image: ${realNode().toolsImage}
          command: ['sh', '-c', 'sleep 4; touch /tmp/ready; exec sleep 3600']
          env: [{ name: VERSION, value: ${version} }]
          readinessProbe:
            exec: { command: ['test', '-f', '/tmp/ready'] }
            periodSeconds: 1
`
    const first = await deploy('acme/rollout', 6, { 'db.yaml': statefulSet('v1') }, {}, undefined, {
      sha: sha('rollout-v1'),
    })
    expect(explain(first)).toBe('')
    const started = Date.now()
    const second = await deploy('acme/rollout', 6, { 'db.yaml': statefulSet('v2') }, {}, undefined, {
      action: 'synchronize',
      sha: sha('rollout-v2'),
    })
    expect(explain(second)).toBe('')
    // Two pods replaced one after the other, each ready 4 s after it starts.
    expect(Date.now() - started).toBeGreaterThan(8000)
    const ns = second.outputs.namespace!
    const pods = await podsOf(ns, 'app=db')
    expect(pods.map((p) => p.spec!.containers[0]!.env![0]!.value)).toEqual(['v2', 'v2'])
    expect(pods.every((p) => p.status!.containerStatuses![0]!.ready)).toBe(true)
    const sts = await kube.apps.readNamespacedStatefulSet({ namespace: ns, name: 'db' })
    expect(sts.status!.currentRevision).toBe(sts.status!.updateRevision)
  })

  test('the bundled Redis, MariaDB and RabbitMQ run on their stand-ins with their settings; migrate waits for MariaDB', async () => {
    // The migrate Job runs in the MariaDB stand-in (it has the clients). It tries once, with no wait of its own
    // and no retry (backoffLimit 0): it writes and reads a row as the app user, from DATABASE_URL, and prints
    // Redis' settings. It can only succeed when the bundled wait-for-mariadb init container held it until the
    // database answered.
    const migrate = [
      MARIADB_LOGIN,
      'mariadb -h mariadb -u "$user" -p"$pass" "$db" -e "CREATE TABLE IF NOT EXISTS seeds (n INT); INSERT INTO seeds VALUES (42); SELECT n FROM seeds"',
      'for k in save appendonly maxmemory maxmemory-policy; do echo "redis $k=$(redis-cli -h redis CONFIG GET $k | tail -1)"; done',
    ].join('\n')
    // As GKE Autopilot runs them: every ephemeral-storage limit lowered to its request.
    const disk = autopilotDisk('redis', 'mariadb', 'rabbitmq', 'migrate')
    const values = stringify({
      ...disk,
      migrate: { ...disk.migrate, backoffLimit: 0, args: ['bash', '-c', migrate] },
    })
    const r = await deploy(
      'acme/stack',
      5,
      {},
      { values, image: 'docker.io/library/mariadb:11.4.8', timeout: '4m' },
      ['values.yaml', 'app-config.yaml', 'redis.yaml', 'mariadb.yaml', 'rabbitmq.yaml', 'migrate.yaml'],
    )
    expect(explain(r)).toBe('')
    expect(r.outputs.status).toBe('deployed')
    const ns = r.outputs.namespace!
    for (const name of ['redis', 'mariadb', 'rabbitmq']) {
      const [pod] = await podsOf(ns, `app.kubernetes.io/name=${name}`)
      expect(pod!.spec!.nodeName).toBe(realNode().name)
      expect(pod!.status!.containerStatuses![0]!.ready).toBe(true)
      const disk = pod!.spec!.containers[0]!.resources!
      expect(disk.limits!['ephemeral-storage']).toBe(disk.requests!['ephemeral-storage'])
    }
    const [rabbit] = await podsOf(ns, 'app.kubernetes.io/name=rabbitmq')
    expect(rabbit!.spec!.containers[0]!.readinessProbe!.tcpSocket).toEqual({ port: 'amqp' })
    const [m] = await podsOf(ns, 'app.kubernetes.io/name=migrate')
    const log = await eventually(
      'the migrate log',
      () => kube.core.readNamespacedPodLog({ namespace: ns, name: m!.metadata!.name! }),
      (l) => l.includes('maxmemory-policy='),
    )
    expect(log).toMatch(/n\s+42/)
    // The first attempt succeeded, after the bundled init container waited for MariaDB.
    const job = (await kube.batch.listNamespacedJob({ namespace: ns })).items.find((j) =>
      j.metadata!.name!.startsWith('migrate'),
    )!
    expect(job.status).toMatchObject({ succeeded: 1 })
    expect(job.status?.failed ?? 0).toBe(0)
    const waited = m!.status!.initContainerStatuses!.find((c) => c.name === 'wait-for-mariadb')!
    expect(waited.state?.terminated?.exitCode).toBe(0)
    const waitLog = await kube.core.readNamespacedPodLog({
      namespace: ns,
      name: m!.metadata!.name!,
      container: 'wait-for-mariadb',
    })
    // MariaDB takes seconds to create its databases on a first start: the migrate pod started before that.
    expect(waitLog).toMatch(/waiting for mariadb/)
    expect(log).toContain('redis save=\n')
    expect(log).toContain('redis appendonly=no')
    expect(log).toContain(`redis maxmemory=${192 * 2 ** 20}`)
    expect(log).toContain('redis maxmemory-policy=noeviction')
    // What each stand-in wrote to its disk since its first start stays under its request (the Autopilot limit),
    // and no pod was evicted for it.
    const raw: unknown = await kube.core.connectGetNodeProxyWithPath({
      name: realNode().name,
      path: 'stats/summary',
    })
    const summary = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      pods: Array<{
        podRef: { name: string; namespace: string }
        'ephemeral-storage'?: { usedBytes?: number }
      }>
    }
    for (const name of ['redis-0', 'mariadb-0', 'rabbitmq-0']) {
      const used = summary.pods.find((p) => p.podRef.namespace === ns && p.podRef.name === name)
      const [pod] = await podsOf(ns, `statefulset.kubernetes.io/pod-name=${name}`)
      const request = quantity(pod!.spec!.containers[0]!.resources!.requests!['ephemeral-storage']!)
      console.log(
        `${name}: ${Math.round((used?.['ephemeral-storage']?.usedBytes ?? 0) / 2 ** 20)} MiB written, request ${request / 2 ** 20} MiB`,
      )
      expect([name, (used?.['ephemeral-storage']?.usedBytes ?? Infinity) < request]).toEqual([name, true])
      expect(pod!.status!.containerStatuses![0]!.restartCount).toBe(0)
    }
  }, 300_000)

  test("a rescheduled MariaDB pod comes back with the preview's data, before any push", async () => {
    // The cluster's storage for this test: a volume on the real node of a class the preview asks for by name.
    const storageClass = `real-node-${process.pid}`
    const dir = mkdtempSync(join(tmpdir(), 'mariadb-volume-'))
    await kube.objects.create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: storageClass },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: storageClass,
        hostPath: { path: dir, type: 'DirectoryOrCreate' },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'kubernetes.io/hostname', operator: 'In', values: [realNode().name] },
                ],
              },
            ],
          },
        },
      },
    } as never)
    try {
      const migrate = [
        MARIADB_LOGIN,
        'mariadb -h mariadb -u "$user" -p"$pass" "$db" -e "CREATE TABLE IF NOT EXISTS seeds (n INT); INSERT INTO seeds VALUES (42)"',
      ].join('\n')
      const values = [
        `migrate:\n  args: ${JSON.stringify(['bash', '-c', migrate])}`,
        // enabled: auto (the default), with a StorageClass named.
        `persistence:\n  storageClass: ${storageClass}`,
      ].join('\n')
      const r = await deploy(
        'acme/moving',
        7,
        {},
        { values, image: 'docker.io/library/mariadb:11.4.8', timeout: '4m' },
        ['values.yaml', 'app-config.yaml', 'mariadb.yaml', 'migrate.yaml'],
      )
      expect(explain(r)).toBe('')
      const ns = r.outputs.namespace!
      const [before] = await podsOf(ns, 'app.kubernetes.io/name=mariadb')
      // The node drains, Autopilot re-packs, a spot VM goes: the pod is deleted and the StatefulSet makes a new one.
      await kube.core.deleteNamespacedPod({ namespace: ns, name: 'mariadb-0' })
      await eventually(
        'a new, ready MariaDB pod',
        () => podsOf(ns, 'app.kubernetes.io/name=mariadb'),
        (pods) =>
          pods.length === 1 &&
          pods[0]!.metadata!.uid !== before!.metadata!.uid &&
          pods[0]!.status!.containerStatuses?.[0]?.ready === true,
        120_000,
      )
      // No push, no new migrate Job: the row the last migrate wrote is there.
      const query = `${MARIADB_LOGIN}\nmariadb -h mariadb -u "$user" -p"$pass" "$db" -e "SELECT n FROM seeds"`
      await kube.batch.createNamespacedJob({
        namespace: ns,
        body: {
          metadata: { name: 'query' },
          spec: {
            backoffLimit: 0,
            template: {
              spec: {
                restartPolicy: 'Never',
                nodeSelector: { 'kubernetes.io/hostname': realNode().name },
                tolerations: [{ key: 'preview.local/real-node', operator: 'Exists', effect: 'NoSchedule' }],
                containers: [
                  {
                    name: 'query',
                    image: 'docker.io/library/mariadb:11.4.8',
                    envFrom: [{ secretRef: { name: 'app-secrets' } }],
                    command: ['bash', '-c', query],
                  },
                ],
              },
            },
          },
        },
      })
      const done = await eventually(
        'the query Job',
        () => kube.batch.readNamespacedJob({ namespace: ns, name: 'query' }),
        (j) => Boolean(j.status?.succeeded || j.status?.failed),
        120_000,
      )
      const [q] = await podsOf(ns, 'job-name=query')
      const log = await kube.core.readNamespacedPodLog({ namespace: ns, name: q!.metadata!.name! })
      expect([done.status?.succeeded, log]).toEqual([1, expect.stringMatching(/n\s+42/)])
      const jobs = (await kube.batch.listNamespacedJob({ namespace: ns })).items.map((j) => j.metadata!.name)
      expect(jobs.sort()).toEqual([`migrate-${sha('acme/moving#7').slice(0, 7)}`, 'query'])
    } finally {
      await kube.objects
        .delete({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: storageClass } } as never)
        .catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    }
  }, 360_000)
})
