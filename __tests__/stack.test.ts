// The bundled stack, rendered as a deploy renders it, checked against what real pods on a real cluster need: the
// images' documented health checks with real timeouts, Rails' conventions, capped disk, Pod Security "baseline",
// private registries, switching services off and replacing single files.
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { parse, stringify } from 'yaml'
import { parseArgs, renderCommand } from '../src/cli/index.js'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { frontDoorContext } from '../src/preview/frontdoor.js'
import { planPreview } from '../src/preview/plan.js'
import { dockerConfigJson, registryOf } from '../src/preview/registry.js'
import { withSecretData } from '../src/preview/secret-data.js'
import { parseSettings } from '../src/inputs/settings.js'
import { needsDefaultStorageClass, resolvePersistence } from '../src/preview/persistence.js'
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
  o: {
    values?: string
    registry?: RegistryLogin
    workspace?: string
    extra?: string
    inputs?: Record<string, string>
    credentials?: Record<string, string>
    defaultStorageClass?: string
  } = {},
): Obj[] {
  const inputs = { kubeconfig: 'clusters: []', values: o.values ?? '', domain: 'pr.example.com', ...o.inputs }
  const settings = parseSettings((n) => inputs[n as keyof typeof inputs] ?? '')
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
      frontDoor: {
        context: frontDoorContext(settings, settings.ingressClass, plan.namespace),
        objects: [],
        scheme: plan.scheme,
        ingressProblem: null,
      },
      defaultStorageClass: o.defaultStorageClass ?? null,
    },
    o.credentials ?? {},
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

/** The stack with every service on: the defaults plus the worker (Sidekiq) and Kibana, each one value away. */
const EVERYTHING = { worker: { enabled: true }, kibana: { enabled: true } }
const everything = (more: Record<string, unknown> = {}) => stringify({ ...EVERYTHING, ...more })

describe('the bundled stack on a real cluster', () => {
  const objects = renderStack({ values: everything() })

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
    const r = renderStack({ values: everything({ [service]: { enabled: false } }) })
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

describe('the defaults fit a `rails new` app and stay lean', () => {
  const defaults = renderStack()
  const first = (o: Obj) => containers(o)[0]!
  const env = (o: Obj) => Object.fromEntries((first(o).env ?? []).map((e: Container) => [e.name, e.value]))

  test('no worker pod: solid_queue runs in Puma; Sidekiq (or ./bin/jobs) is one value away', () => {
    expect(find(defaults, 'Deployment', 'worker')).toBeUndefined()
    expect(env(get(defaults, 'Deployment', 'web')).SOLID_QUEUE_IN_PUMA).toBe('true')
    const sidekiq = renderStack({ values: 'worker:\n  enabled: true\n' })
    expect(first(get(sidekiq, 'Deployment', 'worker')).args).toEqual(['bundle', 'exec', 'sidekiq'])
    // With a worker pod, Puma no longer runs the jobs too.
    expect(env(get(sidekiq, 'Deployment', 'web'))).not.toHaveProperty('SOLID_QUEUE_IN_PUMA')
    const jobs = renderStack({ values: "worker:\n  enabled: true\n  args: ['./bin/jobs']\n" })
    expect(first(get(jobs, 'Deployment', 'worker')).args).toEqual(['./bin/jobs'])
  })

  test('Kibana is off by default; on, it gets three kept encryption keys of 32+ characters', () => {
    expect(defaults.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'kibana')).toEqual([])
    expect(
      find(defaults, 'Deployment', 'elasticsearch') ?? get(defaults, 'StatefulSet', 'elasticsearch'),
    ).toBeDefined()
    const on = renderStack({ values: 'kibana:\n  enabled: true\n' })
    const keys = decoded(get(on, 'Secret', 'kibana'))
    const names = [
      'XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY',
      'XPACK_REPORTING_ENCRYPTIONKEY',
      'XPACK_SECURITY_ENCRYPTIONKEY',
    ]
    expect(Object.keys(keys).sort()).toEqual(names.sort())
    for (const k of names) expect(keys[k]).toMatch(/^[A-Za-z0-9]{32,}$/)
    expect(new Set(Object.values(keys)).size).toBe(3)
    expect(first(get(on, 'Deployment', 'kibana')).envFrom).toEqual([{ secretRef: { name: 'kibana' } }])
    // Generated once, kept in the preview's credentials Secret, and the same on the next deploy.
    const kept = decoded(get(on, 'Secret', 'preview-credentials'))
    expect(Object.keys(kept)).toEqual(
      expect.arrayContaining(['kibana_security_key', 'kibana_security_key_2']),
    )
    const again = renderStack({ values: 'kibana:\n  enabled: true\n', credentials: kept })
    expect(decoded(get(again, 'Secret', 'kibana'))).toEqual(keys)
  })

  test('GKE Autopilot: with every ephemeral-storage limit lowered to its request, each image still fits', () => {
    // What each image writes to its disk (data, logs, writable layer) from its first start, with room to spare:
    // MariaDB 11.4 creates a 96 MiB redo log, ibdata1 and ibtmp1 (12 MiB each), three 10 MiB undo tablespaces
    // and its system schema; MongoDB's WiredTiger preallocates journal files of up to 100 MiB (2-3 of them).
    const FIRST_START: Record<string, number> = {
      mariadb: 200 * 2 ** 20,
      mongodb: 320 * 2 ** 20,
      rabbitmq: 64 * 2 ** 20,
      elasticsearch: 96 * 2 ** 20,
      redis: 8 * 2 ** 20,
    }
    for (const [name, writes] of Object.entries(FIRST_START)) {
      const request = bytes(first(get(defaults, 'StatefulSet', name)).resources.requests['ephemeral-storage'])
      expect([name, request >= writes]).toEqual([name, true])
    }
  })

  test('Elasticsearch: one processor, GC logs to stderr, no disk watermarks, ML or GeoIP downloads', () => {
    const es = env(get(defaults, 'StatefulSet', 'elasticsearch'))
    expect(es).toMatchObject({
      'node.processors': '1',
      'cluster.routing.allocation.disk.threshold_enabled': 'false',
      'xpack.ml.enabled': 'false',
      'ingest.geoip.downloader.enabled': 'false',
    })
    expect(es.ES_JAVA_OPTS).toMatch(/^-Xms512m -Xmx512m -Xlog:disable -Xlog:all=warning:stderr\S* /)
    expect(es.ES_JAVA_OPTS).toContain('-XX:-HeapDumpOnOutOfMemoryError')
    expect(es.ES_JAVA_OPTS).not.toContain('file=')
    // The heap is still a value; the logging options stay when it changes.
    const big = env(
      get(
        renderStack({ values: 'elasticsearch:\n  javaOpts: -Xms1g -Xmx1g\n' }),
        'StatefulSet',
        'elasticsearch',
      ),
    )
    expect(big.ES_JAVA_OPTS).toMatch(/^-Xms1g -Xmx1g -Xlog:disable /)
  })

  test('Redis: no snapshots, maxmemory under its limit with noeviction; MongoDB: a pinned WiredTiger cache', () => {
    const redis = first(get(defaults, 'StatefulSet', 'redis'))
    const args: string[] = redis.args
    expect(args[0]).toBe('redis-server')
    const flag = (name: string) => args[args.indexOf(name) + 1]
    expect(flag('--save')).toBe('')
    expect(flag('--appendonly')).toBe('no')
    expect(flag('--maxmemory-policy')).toBe('noeviction')
    const maxmemory = /^(\d+)mb$/.exec(flag('--maxmemory')!)!
    expect(Number(maxmemory[1]) * 2 ** 20).toBeLessThan(bytes(redis.resources.limits.memory) * 0.8)

    const mongo = first(get(defaults, 'StatefulSet', 'mongodb'))
    const cache = Number(mongo.args[mongo.args.indexOf('--wiredTigerCacheSizeGB') + 1])
    expect(cache).toBe(0.25)
    expect(cache * 1e9).toBeLessThan(bytes(mongo.resources.limits.memory) * 0.5)
    expect(mongo.args).toEqual(
      expect.arrayContaining(['--setParameter', 'diagnosticDataCollectionEnabled=false']),
    )
  })

  test('RabbitMQ: ready by TCP, rabbitmq-diagnostics only while starting, one Erlang scheduler', () => {
    const rabbit = first(get(defaults, 'StatefulSet', 'rabbitmq'))
    expect(rabbit.readinessProbe).toEqual({
      tcpSocket: { port: 'amqp' },
      periodSeconds: 10,
      timeoutSeconds: 5,
    })
    expect(rabbit.livenessProbe).toBeUndefined()
    expect(rabbit.startupProbe.exec.command).toEqual(['rabbitmq-diagnostics', '-q', 'ping'])
    expect(envOf(rabbit).RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toMatch(/^\+S 1:1 /)
    // No other exec probe is left in the stack that runs after a container has started.
    for (const w of workloads(renderStack({ values: everything() })))
      for (const c of containers(w))
        for (const probe of [c.readinessProbe, c.livenessProbe].filter(Boolean))
          if (probe.exec)
            expect([w.metadata.name, probe.exec.command[0]]).not.toEqual([
              w.metadata.name,
              'rabbitmq-diagnostics',
            ])
  })

  test('databases on volumes when the cluster has a default StorageClass (or one is named), else in scratch', () => {
    const claims = (r: Obj[]) =>
      r.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name)
    const dataOf = (r: Obj[]) =>
      podSpec(get(r, 'StatefulSet', 'mariadb')).volumes.find((v: Container) => v.name === 'data')
    expect(claims(defaults)).toEqual([])
    expect(dataOf(defaults).emptyDir).toEqual({ sizeLimit: '1Gi' })
    const provisioned = renderStack({ defaultStorageClass: 'standard-rwo' })
    expect(claims(provisioned).sort()).toEqual([
      'elasticsearch-data',
      'mariadb-data',
      'mongodb-data',
      'rabbitmq-data',
    ])
    expect(dataOf(provisioned)).toEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'mariadb-data' },
    })
    // The default class provisions them: the claims name none.
    expect(get(provisioned, 'PersistentVolumeClaim', 'mariadb-data').spec).not.toHaveProperty(
      'storageClassName',
    )
    const named = renderStack({ values: 'persistence:\n  storageClass: fast\n' })
    expect(get(named, 'PersistentVolumeClaim', 'mariadb-data').spec.storageClassName).toBe('fast')
    const off = renderStack({
      values: 'persistence:\n  enabled: false\n',
      defaultStorageClass: 'standard-rwo',
    })
    expect(claims(off)).toEqual([])
    expect(() => renderStack({ values: 'persistence:\n  enabled: sometimes\n' })).toThrow(
      /Input "values": persistence.enabled is "sometimes": use true, false or auto/,
    )
  })

  test("the render command renders volumes when told the cluster's default StorageClass", () => {
    const root = fileURLToPath(new URL('..', import.meta.url))
    const claims = (text: string) => (text.match(/^kind: PersistentVolumeClaim$/gm) ?? []).length
    expect(claims(renderCommand({ pr: '1', templates: '' }, root))).toBe(0)
    expect(claims(renderCommand({ pr: '1', templates: '', 'default-storage-class': 'standard' }, root))).toBe(
      4,
    )
    expect(parseArgs(['--pr', '1', '--default-storage-class', 'gp3'])).toEqual({
      pr: '1',
      'default-storage-class': 'gp3',
    })
  })

  // kubectl reads manifests as YAML 1.1: an unquoted `no` (Redis's `--appendonly no`) would reach the API server
  // as the boolean false, and the apply of `render | kubectl apply -f -` would fail.
  test('the render command prints YAML that kubectl reads as the action applies it', () => {
    const root = fileURLToPath(new URL('..', import.meta.url))
    const text = renderCommand({ pr: '1', templates: '' }, root)
    expect(text).toMatch(/- --appendonly\n\s+- "no"\n/)
    for (const doc of text.split(/^---$/m))
      expect(parse(doc, { version: '1.1' })).toEqual(parse(doc, { version: '1.2' }))
  })

  test('the log says where the databases keep their data, and why', () => {
    const p = (values: Record<string, unknown>, cls: string | null = null) =>
      resolvePersistence({ persistence: { storageClass: '', ...values } }, cls)
    expect(p({ enabled: 'auto' }, 'standard-rwo').line).toBe(
      "databases on PersistentVolumeClaims (StorageClass standard-rwo): they keep their data when their pods move (the cluster's default StorageClass is standard-rwo)",
    )
    expect(p({ enabled: 'auto' }).line).toMatch(
      /^databases in scratch volumes: a database pod that moves to another node starts empty.*\(the cluster has no default StorageClass/,
    )
    expect(p({ enabled: false }, 'standard-rwo').values).toEqual({
      persistence: { storageClass: '', enabled: false },
    })
    expect(p({ enabled: 'auto', storageClass: 'fast' }).line).toContain('StorageClass fast')
    expect(needsDefaultStorageClass({ persistence: { enabled: 'auto', storageClass: '' } })).toBe(true)
    expect(needsDefaultStorageClass({ persistence: { enabled: 'auto', storageClass: 'fast' } })).toBe(false)
    expect(needsDefaultStorageClass({ persistence: { enabled: true } })).toBe(false)
    // Templates of your own without persistence values: nothing to decide.
    expect(resolvePersistence({ web: {} }, 'x')).toEqual({ values: { web: {} }, line: '' })
  })

  test('an http preview tells the app not to force SSL; an https one tells it to', () => {
    const flag = (r: Obj[]) => get(r, 'ConfigMap', 'app-env').data.RAILS_FORCE_SSL
    expect(get(defaults, 'ConfigMap', 'app-env').data.APP_URL).toMatch(/^http:\/\//)
    expect(flag(defaults)).toBe('false')
    expect(flag(renderStack({ inputs: { 'url-scheme': 'https' } }))).toBe('true')
    expect(flag(renderStack({ inputs: { 'tls-secret': 'certs/wildcard' } }))).toBe('true')
    expect(flag(renderStack({ inputs: { 'url-scheme': 'http' } }))).toBe('false')
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
  test("the GKE example: health checks on Rails' /up (the proxy's /healthz with basic-auth), Kibana's /api/status", () => {
    const workspace = fileURLToPath(new URL('..', import.meta.url))
    const extra = 'examples/gke/preview'
    const policy = (r: Obj[], name: string) => get(r, 'HealthCheckPolicy', name).spec
    const plain = renderStack({ workspace, extra })
    expect(policy(plain, 'web').targetRef).toEqual({ group: '', kind: 'Service', name: 'web' })
    expect(policy(plain, 'web').default.config.httpHealthCheck).toEqual({ requestPath: '/up' })
    expect(find(plain, 'HealthCheckPolicy', 'kibana')).toBeUndefined()
    const kibana = renderStack({ workspace, extra, values: 'kibana: {enabled: true, public: true}' })
    expect(policy(kibana, 'kibana').default.config.httpHealthCheck).toEqual({ requestPath: '/api/status' })
    const locked = renderStack({ workspace, extra, inputs: { 'basic-auth': 'qa:pw' } })
    expect(policy(locked, 'web').targetRef.name).toBe('auth-proxy')
    const check = policy(locked, 'web').default.config.httpHealthCheck
    expect(check).toEqual({ portSpecification: 'USE_FIXED_PORT', port: 8090, requestPath: '/healthz' })
    // The port and path the proxy answers without a password.
    const proxy = containers(get(locked, 'Deployment', 'auth-proxy'))[0]!
    expect(proxy.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' })
    expect(proxy.ports).toContainEqual({ name: 'health', containerPort: 8090 })
  })

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
