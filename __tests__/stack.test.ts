// The bundled stack, rendered as a deploy renders it, checked against what real pods on a real cluster need: the
// images' documented health checks with real timeouts, Rails' conventions, capped disk, Pod Security "baseline",
// private registries, switching services off and replacing single files.
import { tmpdir } from 'node:os'
import { describe, expect, test } from '@jest/globals'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { planPreview } from '../src/preview/plan.js'
import { dockerConfigJson, registryOf } from '../src/preview/registry.js'
import { withSecretData } from '../src/preview/secret-data.js'
import { parseSettings } from '../src/inputs/settings.js'
import { loadTemplates, templatePath } from '../src/preview/templates.js'
import { pullRequestEvent } from './harness/events.js'
import { workspaceWith } from './harness/workspace.js'
import type { KubeObject } from '../src/shared/kube-object.js'
import type { RegistryLogin } from '../src/inputs/registry.js'
import { DEFAULT_QUOTA } from '../src/inputs/parse.js'

type Obj = KubeObject & Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
type Container = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const SERVICES = ['redis', 'rabbitmq', 'mongodb', 'mariadb', 'elasticsearch', 'kibana'] as const

function renderStack(
  o: { values?: string; registry?: RegistryLogin; workspace?: string; extra?: string } = {},
): Obj[] {
  const settings = parseSettings(
    (n) => ({ kubeconfig: 'clusters: []', values: o.values ?? '', domain: 'pr.example.com' })[n] ?? '',
  )
  const event = parsePullRequestEvent(
    'pull_request',
    pullRequestEvent({ action: 'opened', number: 4, repository: 'acme/shop', sha: 'b'.repeat(40) }),
  )
  const plan = planPreview(event, settings, { serverUrl: 'https://github.com', runId: '1', runAttempt: '1' })
  const templates = loadTemplates('', o.workspace ?? tmpdir(), o.extra ?? '')
  return renderPreview(
    plan,
    {
      templates,
      values: settings.values,
      allowClusterScoped: [],
      guardrails: settings,
      registry: o.registry ?? null,
    },
    {},
  ).objects as Obj[]
}

const find = (objects: Obj[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)
const get = (objects: Obj[], kind: string, name: string): Obj => {
  const o = find(objects, kind, name)
  if (!o) throw new Error(`no ${kind} ${name}`)
  return o
}
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job']
const workloads = (objects: Obj[]) => objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))
const podSpec = (o: Obj) => o.spec.template.spec as Container
const containers = (o: Obj): Container[] => podSpec(o).containers
const allContainers = (o: Obj): Container[] => [...(podSpec(o).initContainers ?? []), ...containers(o)]
/** A Secret's values, as the pod sees them (Secrets are applied as `data`, see src/preview/secret-data.ts). */
const decoded = (secret: Obj): Record<string, string> => {
  expect(secret.stringData).toBeUndefined()
  return Object.fromEntries(
    Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString(),
    ]),
  )
}
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e: Container) => [e.name, e.value]))

/** Kubernetes quantities (and RabbitMQ's MiB/GiB) in bytes. */
function bytes(q: string): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|KiB|MiB|GiB)?$/.exec(q)
  if (!m) throw new Error(`not a quantity: ${q}`)
  const unit = (m[2] ?? '').replace(/B$/, '')
  const factor = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 }[
    unit
  ]!
  return Number(m[1]) * factor
}

describe('the bundled stack on a real cluster', () => {
  const objects = renderStack()

  test('readiness checks have timeouts a real pod meets; slow first starts get startup probes', () => {
    for (const w of workloads(objects)) {
      for (const c of containers(w)) {
        for (const probe of [c.readinessProbe, c.startupProbe, c.livenessProbe].filter(Boolean)) {
          if (probe.exec)
            expect([w.metadata.name, probe.timeoutSeconds >= 5]).toEqual([w.metadata.name, true])
          expect(probe.timeoutSeconds ?? 1).toBeGreaterThanOrEqual(5)
        }
      }
    }
    for (const name of ['elasticsearch', 'mariadb', 'mongodb']) {
      const c = containers(get(objects, 'StatefulSet', name))[0]!
      // At least 5 minutes before a slow first start counts as a failure.
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300)
    }
    // The images' documented checks, so that stand-in images can honour them too.
    const exec = (name: string, probe = 'readinessProbe') =>
      containers(get(objects, 'StatefulSet', name))[0]![probe].exec.command
    expect(exec('redis')).toEqual(['redis-cli', 'ping'])
    expect(exec('mariadb')).toEqual(['healthcheck.sh', '--connect', '--innodb_initialized'])
    expect(exec('rabbitmq')).toEqual(['rabbitmq-diagnostics', '-q', 'check_port_connectivity'])
    expect(exec('rabbitmq', 'startupProbe')).toEqual(['rabbitmq-diagnostics', '-q', 'ping'])
    // mongosh alone takes 1–2 s to start: MongoDB is checked over TCP.
    expect(containers(get(objects, 'StatefulSet', 'mongodb'))[0]!.readinessProbe.tcpSocket).toEqual({
      port: 'mongodb',
    })
  })

  test('web: /up through "HTTPS", Puma sized to the container; app containers keep the image entrypoint', () => {
    const web = containers(get(objects, 'Deployment', 'web'))[0]!
    expect(web.readinessProbe.httpGet).toEqual({
      path: '/up',
      port: 'http',
      httpHeaders: [{ name: 'X-Forwarded-Proto', value: 'https' }],
    })
    expect(envOf(web)).toMatchObject({ PORT: '3000', WEB_CONCURRENCY: '1', RAILS_MAX_THREADS: '3' })
    expect(envOf(containers(get(objects, 'Deployment', 'worker'))[0]!)).toEqual({ RAILS_MAX_THREADS: '5' })
    for (const w of ['web', 'worker', 'migrate-bbbbbbb']) {
      const o = find(objects, 'Deployment', w) ?? get(objects, 'Job', w)
      const app = containers(o)[0]!
      expect(app.image).toBe(`ghcr.io/acme/shop:${'b'.repeat(40)}`)
      expect(app.command).toBeUndefined()
      expect(Array.isArray(app.args)).toBe(true)
    }
  })

  test('migrate: waits for MariaDB, retries, runs db:prepare only', () => {
    const job = get(objects, 'Job', 'migrate-bbbbbbb')
    expect(job.spec.backoffLimit).toBeGreaterThanOrEqual(4)
    expect(containers(job)[0]!.args).toEqual(['./bin/rails', 'db:prepare'])
    const [wait] = podSpec(job).initContainers
    expect(wait.image).toBe(containers(get(objects, 'StatefulSet', 'mariadb'))[0]!.image)
    expect(wait.command.join(' ')).toMatch(/until mariadb-admin ping --host=mariadb .*; do .*sleep 2; done/)
  })

  test("Rails 8's solid databases: URLs, created and granted at MariaDB's first start; the adapter is a value", () => {
    const secret = decoded(get(objects, 'Secret', 'app-secrets'))
    for (const [name, db] of [
      ['DATABASE_URL', 'app'],
      ['CACHE_DATABASE_URL', 'app_cache'],
      ['QUEUE_DATABASE_URL', 'app_queue'],
      ['CABLE_DATABASE_URL', 'app_cable'],
    ]) {
      expect(secret[name!]).toMatch(new RegExp(`^mysql2://app:[A-Za-z0-9]{24}@mariadb:3306/${db}$`))
    }
    const init = get(objects, 'ConfigMap', 'mariadb-initdb').data['10-rails-databases.sql']
    for (const db of ['app_cache', 'app_queue', 'app_cable'])
      expect(init).toContain(`CREATE DATABASE IF NOT EXISTS \`${db}\`;`)
    expect(init).toContain("GRANT ALL PRIVILEGES ON `app\\_%`.* TO 'app'@'%';")
    const mariadb = get(objects, 'StatefulSet', 'mariadb')
    expect(containers(mariadb)[0]!.volumeMounts).toContainEqual({
      name: 'initdb',
      mountPath: '/docker-entrypoint-initdb.d',
    })
    expect(podSpec(mariadb).volumes).toContainEqual({ name: 'initdb', configMap: { name: 'mariadb-initdb' } })

    const trilogy = renderStack({ values: 'rails:\n  databaseAdapter: trilogy\n' })
    const urls = decoded(get(trilogy, 'Secret', 'app-secrets'))
    for (const name of ['DATABASE_URL', 'CACHE_DATABASE_URL', 'QUEUE_DATABASE_URL', 'CABLE_DATABASE_URL'])
      expect(urls[name]).toMatch(/^trilogy:\/\/app:/)
  })

  test('every StatefulSet has a headless governing Service that selects its pods', () => {
    const sets = objects.filter((o) => o.kind === 'StatefulSet')
    expect(sets.map((s) => s.metadata.name).sort()).toEqual([
      'elasticsearch',
      'mariadb',
      'mongodb',
      'rabbitmq',
      'redis',
    ])
    for (const s of sets) {
      const svc = get(objects, 'Service', s.spec.serviceName)
      expect(svc.spec.clusterIP).toBe('None')
      expect(s.spec.template.metadata.labels).toMatchObject(svc.spec.selector)
      // The app still connects through a normal Service of the same name as the StatefulSet.
      expect(get(objects, 'Service', s.metadata.name).spec.clusterIP).toBeUndefined()
    }
  })

  test('disk: capped scratch volumes, ephemeral-storage on every container, all within the quota', () => {
    let limits = 0
    let requests = 0
    let memoryLimits = 0
    let memoryRequests = 0
    for (const w of workloads(objects)) {
      const spec = podSpec(w)
      const scratch = (spec.volumes ?? [])
        .filter((v: Container) => v.emptyDir)
        .map((v: Container) => {
          expect([w.metadata.name, v.name, typeof v.emptyDir.sizeLimit]).toEqual([
            w.metadata.name,
            v.name,
            'string',
          ])
          return bytes(v.emptyDir.sizeLimit)
        })
      for (const c of allContainers(w)) {
        expect([w.metadata.name, c.name, c.resources.requests['ephemeral-storage']]).not.toContain(undefined)
        expect([w.metadata.name, c.name, c.resources.limits['ephemeral-storage']]).not.toContain(undefined)
        expect(c.resources.limits.memory).toBeDefined()
      }
      // The pod's ephemeral limit (its containers' sum) covers its scratch volumes, which count against it.
      const podLimit = containers(w).reduce((n, c) => n + bytes(c.resources.limits['ephemeral-storage']), 0)
      expect(podLimit).toBeGreaterThan(scratch.reduce((a: number, b: number) => a + b, 0))
      const replicas = w.spec.replicas ?? 1
      // A Deployment rolls out with one extra pod (maxSurge 25%, rounded up).
      const pods = w.kind === 'Deployment' ? replicas + 1 : replicas
      const sum = (field: 'requests' | 'limits', what: string) =>
        containers(w).reduce((n, c) => n + bytes(c.resources[field][what]), 0) * pods
      limits += sum('limits', 'ephemeral-storage')
      requests += sum('requests', 'ephemeral-storage')
      memoryLimits += sum('limits', 'memory')
      memoryRequests += sum('requests', 'memory')
    }
    expect(limits).toBeLessThanOrEqual(bytes(DEFAULT_QUOTA['limits.ephemeral-storage']))
    expect(requests).toBeLessThanOrEqual(bytes(DEFAULT_QUOTA['requests.ephemeral-storage']))
    expect(memoryLimits).toBeLessThanOrEqual(bytes(DEFAULT_QUOTA['limits.memory']))
    expect(memoryRequests).toBeLessThanOrEqual(bytes(DEFAULT_QUOTA['requests.memory']))
  })

  test('values.persistence puts the databases on PersistentVolumeClaims', () => {
    const withClass = renderStack({
      values: 'persistence:\n  enabled: true\n  storageClass: fast\n  size:\n    mariadb: 5Gi\n',
    })
    for (const name of ['mariadb', 'mongodb', 'rabbitmq', 'elasticsearch']) {
      const pvc = get(withClass, 'PersistentVolumeClaim', `${name}-data`)
      expect(pvc.spec.storageClassName).toBe('fast')
      expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce'])
      const data = podSpec(get(withClass, 'StatefulSet', name)).volumes.find(
        (v: Container) => v.name === 'data',
      )
      expect(data).toEqual({ name: 'data', persistentVolumeClaim: { claimName: `${name}-data` } })
    }
    expect(get(withClass, 'PersistentVolumeClaim', 'mariadb-data').spec.resources.requests.storage).toBe(
      '5Gi',
    )
    expect(get(withClass, 'PersistentVolumeClaim', 'mongodb-data').spec.resources.requests.storage).toBe(
      '1Gi',
    )
    // No class given: the field is left out, so the cluster's default StorageClass provisions it.
    const byDefault = renderStack({ values: 'persistence:\n  enabled: true\n' })
    expect(get(byDefault, 'PersistentVolumeClaim', 'mariadb-data').spec).not.toHaveProperty(
      'storageClassName',
    )
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([])
  })

  test('secretEnv goes into the Secret, env into the ConfigMap', () => {
    const r = renderStack({
      values: 'env:\n  FEATURE: on-ish\nsecretEnv:\n  RAILS_MASTER_KEY: 0123abcd\n',
    })
    expect(decoded(get(r, 'Secret', 'app-secrets')).RAILS_MASTER_KEY).toBe('0123abcd')
    expect(get(r, 'ConfigMap', 'app-env').data).not.toHaveProperty('RAILS_MASTER_KEY')
    expect(JSON.stringify(get(r, 'ConfigMap', 'app-env'))).not.toContain('0123abcd')
    expect(get(r, 'ConfigMap', 'app-env').data.FEATURE).toBe('on-ish')
  })

  test('images pinned to a patch version; Kibana and RabbitMQ memory', () => {
    for (const w of workloads(objects))
      for (const c of allContainers(w))
        if (!c.image.startsWith('ghcr.io/acme/shop:')) expect(c.image).toMatch(/:\d+\.\d+\.\d+(-[a-z-]+)?$/)
    const kibana = containers(get(objects, 'Deployment', 'kibana'))[0]!
    expect(kibana.resources.limits.memory).toBe('2Gi')
    expect(kibana.resources.requests.memory).toBe('2Gi')
    const rabbit = get(objects, 'StatefulSet', 'rabbitmq')
    const conf = get(objects, 'ConfigMap', 'rabbitmq-config').data['90-preview.conf'] as string
    const watermark = /^vm_memory_high_watermark\.absolute = (\S+)$/.exec(conf)![1]!
    expect(bytes(watermark)).toBeLessThan(bytes(containers(rabbit)[0]!.resources.limits.memory) * 0.6)
    expect(containers(rabbit)[0]!.volumeMounts).toContainEqual({
      name: 'config',
      mountPath: '/etc/rabbitmq/conf.d/90-preview.conf',
      subPath: '90-preview.conf',
    })
  })

  test.each(SERVICES)('%s: enabled: false removes it with its URLs', (service) => {
    const r = renderStack({ values: `${service}:\n  enabled: false\n` })
    const left = r.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === service)
    expect(left.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([])
    expect(r.some((o) => o.metadata.name.startsWith(`${service}`))).toBe(false)
    const env = { ...get(r, 'ConfigMap', 'app-env').data, ...decoded(get(r, 'Secret', 'app-secrets')) }
    const gone = {
      redis: ['REDIS_URL'],
      rabbitmq: ['RABBITMQ_URL'],
      mongodb: ['MONGODB_URL'],
      mariadb: ['DATABASE_URL', 'CACHE_DATABASE_URL', 'QUEUE_DATABASE_URL', 'CABLE_DATABASE_URL'],
      elasticsearch: ['ELASTICSEARCH_URL'],
      kibana: [],
    }[service]
    for (const name of gone) expect(env).not.toHaveProperty(name)
    expect(
      JSON.stringify(r.filter((o) => o.kind !== 'Secret' || o.metadata.name !== 'preview-credentials')),
    ).not.toContain(`//${service}:`)
    // The other services stay.
    for (const other of SERVICES.filter(
      (s) => s !== service && !(service === 'elasticsearch' && s === 'kibana'),
    ))
      expect([other, r.some((o) => o.metadata.name === other)]).toEqual([other, true])
  })

  test('without Elasticsearch there is no Kibana; without MariaDB the migrate Job waits for nothing', () => {
    const noSearch = renderStack({ values: 'elasticsearch:\n  enabled: false\n' })
    expect(find(noSearch, 'Deployment', 'kibana')).toBeUndefined()
    expect(find(noSearch, 'Ingress', 'kibana')).toBeUndefined()
    const noSql = renderStack({ values: 'mariadb:\n  enabled: false\n' })
    expect(podSpec(get(noSql, 'Job', 'migrate-bbbbbbb')).initContainers).toBeUndefined()
  })

  test('Pod Security "baseline": no host namespaces, ports or paths, no privilege, no added capabilities', () => {
    const BASELINE_CAPABILITIES = new Set([
      'AUDIT_WRITE',
      'CHOWN',
      'DAC_OVERRIDE',
      'FOWNER',
      'FSETID',
      'KILL',
      'MKNOD',
      'NET_BIND_SERVICE',
      'SETFCAP',
      'SETGID',
      'SETPCAP',
      'SETUID',
      'SYS_CHROOT',
    ])
    for (const w of workloads(renderStack({ values: 'persistence:\n  enabled: true\n' }))) {
      const spec = podSpec(w)
      const where = w.metadata.name
      expect([where, spec.hostNetwork, spec.hostPID, spec.hostIPC]).toEqual([
        where,
        undefined,
        undefined,
        undefined,
      ])
      expect([where, (spec.volumes ?? []).filter((v: Container) => v.hostPath)]).toEqual([where, []])
      expect([where, spec.securityContext?.sysctls]).toEqual([where, undefined])
      for (const c of allContainers(w)) {
        const sc = c.securityContext ?? {}
        expect([where, sc.privileged ?? false]).toEqual([where, false])
        expect([where, sc.procMount]).toEqual([where, undefined])
        expect((sc.capabilities?.add ?? []).filter((a: string) => !BASELINE_CAPABILITIES.has(a))).toEqual([])
        expect([where, (c.ports ?? []).filter((p: Container) => p.hostPort)]).toEqual([where, []])
        expect(sc.seccompProfile?.type).not.toBe('Unconfined')
      }
    }
  })
})

test('a Secret is applied with data, so a key that is no longer rendered is removed', () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { A: btoa('from data'), B: btoa('kept') },
    stringData: { A: 'from stringData', C: 'é 1' },
  }
  expect(withSecretData(secret)).toEqual({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { A: btoa('from stringData'), B: btoa('kept'), C: Buffer.from('é 1').toString('base64') },
  })
  const map = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, stringData: { a: 'b' } }
  expect(withSecretData(map)).toBe(map)
})

describe('private images', () => {
  const login = { username: 'ci-bot', password: 'ghp_notARealToken123' }

  test('the registry of an image', () => {
    expect(registryOf('ghcr.io/acme/shop:abc')).toBe('ghcr.io')
    expect(registryOf('registry.example.com:5000/shop@sha256:00')).toBe('registry.example.com:5000')
    expect(registryOf('localhost/shop:1')).toBe('localhost')
    expect(registryOf('acme/shop:1')).toBe('https://index.docker.io/v1/')
    expect(registryOf('redis:7')).toBe('https://index.docker.io/v1/')
    expect(JSON.parse(dockerConfigJson('ghcr.io', login))).toEqual({
      auths: {
        'ghcr.io': { username: 'ci-bot', password: login.password, auth: btoa(`ci-bot:${login.password}`) },
      },
    })
  })

  test('a pull Secret for the registry of the image, on the default ServiceAccount and every bundled pod', () => {
    const r = renderStack({ registry: login })
    const secret = get(r, 'Secret', 'preview-registry')
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson')
    const config = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString())
    expect(Object.keys(config.auths)).toEqual(['ghcr.io'])
    expect(get(r, 'ServiceAccount', 'default').imagePullSecrets).toEqual([{ name: 'preview-registry' }])
    expect(get(r, 'ServiceAccount', 'default').metadata.labels?.['app.kubernetes.io/managed-by']).toBe(
      'kube-pr-preview',
    )
    for (const w of workloads(r)) expect(podSpec(w).imagePullSecrets).toEqual([{ name: 'preview-registry' }])
    // Without the inputs: nothing.
    expect(find(objectsWithout(), 'Secret', 'preview-registry')).toBeUndefined()
    expect(find(objectsWithout(), 'ServiceAccount', 'default')).toBeUndefined()
  })

  const objectsWithout = () => renderStack()

  test('one input without the other is refused, naming the missing one', () => {
    const read = (inputs: Record<string, string>) => () =>
      parseSettings((n) => ({ kubeconfig: 'clusters: []', ...inputs })[n] ?? '')
    expect(read({ 'registry-username': 'bot' })).toThrow(/Input "registry-password": is needed/)
    expect(read({ 'registry-password': 'x' })).toThrow(/Input "registry-username": is needed/)
    expect(read({ 'registry-username': 'bot', 'registry-password': 'x' })().registry).toEqual({
      username: 'bot',
      password: 'x',
    })
  })
})

describe('extra-templates', () => {
  test('a file of the same name replaces the bundled one, an empty one removes it, new ones are added', () => {
    const workspace = workspaceWith({
      'worker.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: {{values.worker.replicas}}\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers:\n        - name: good_job\n          image: {{image}}\n          args: {{values.worker.args}}\n',
      'kibana.yaml': '',
      'mailpit.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mailpit\ndata:\n  from: {{values.mailpit.from}}\n',
      'values.yaml':
        "worker:\n  args: ['bundle', 'exec', 'good_job', 'start']\nmailpit:\n  from: preview@example.com\n",
    })
    const r = renderStack({ workspace, extra: 'preview' })
    const worker = get(r, 'Deployment', 'worker')
    expect(containers(worker)).toEqual([
      {
        name: 'good_job',
        image: `ghcr.io/acme/shop:${'b'.repeat(40)}`,
        args: ['bundle', 'exec', 'good_job', 'start'],
      },
    ])
    expect(worker.spec.replicas).toBe(1) // the bundled default, still there under the merged values
    expect(find(r, 'Deployment', 'kibana')).toBeUndefined()
    expect(get(r, 'ConfigMap', 'mailpit').data).toEqual({ from: 'preview@example.com' })
    expect(find(r, 'StatefulSet', 'mariadb')).toBeDefined()
    expect(() => renderStack({ workspace, extra: 'missing' })).toThrow(
      /Input "extra-templates": folder "missing"/,
    )
  })

  test('an error in an extra template names that file, and the annotation points into the extra folder', () => {
    const workspace = workspaceWith({
      'web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n',
    })
    expect(() => renderStack({ workspace, extra: 'preview' })).toThrow(
      /^web.yaml:1: .*not a valid Kubernetes name/,
    )
    const settings = { templates: '', extraTemplates: 'preview' }
    expect(templatePath(settings, 'web.yaml', workspace)).toBe('preview/web.yaml')
    expect(templatePath(settings, 'redis.yaml', workspace)).toBe('templates/redis.yaml')
  })
})
