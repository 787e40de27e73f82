// The readiness rules of issue #22: red only when it is broken (a stale refusal, a deadline from an earlier run and
// a surge over quota wait), green only when it runs (containers steady for a few seconds, conditions read).
import { describe, expect, test } from '@jest/globals'
import { readiness, SERVICE_ACCOUNT_GRACE_MS } from '../src/kube/wait/readiness.js'
import { currentReplicaSet } from '../src/kube/wait/replica-sets.js'
import { unstable } from '../src/kube/wait/stability.js'
import type { ContainerStateLike } from '../src/kube/diagnosis/container-diagnosis.js'
import type { KubeObject } from '../src/shared/kube-object.js'

const SINCE = Date.parse('2026-12-06T10:00:00Z')
const at = (s: number) => new Date(SINCE + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z')

const deployment = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', generation: 2, uid: 'd1' },
  spec: { replicas: 1, ...spec },
  status: { observedGeneration: 2, ...status },
})
const done = { replicas: 1, updatedReplicas: 1, availableReplicas: 1 }

describe('Deployment', () => {
  const deadline = (t: number) => ({
    conditions: [
      {
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        lastUpdateTime: at(t),
        message: 'ReplicaSet "web-1" has timed out progressing.',
      },
    ],
  })
  test('a ProgressDeadlineExceeded of this run fails; one of an earlier run waits', () => {
    expect(readiness(deployment({ ...deadline(30) }), { since: SINCE }).state).toBe('failed')
    const earlier = readiness(deployment({ ...deadline(-600) }), { since: SINCE })
    expect(earlier).toEqual({
      state: 'progressing',
      message: expect.stringMatching(/previous rollout timed out/),
    })
  })
  test("the Deployment's own ReplicaFailure (copied from an old ReplicaSet) is not read", () => {
    const d = deployment({
      replicas: 2,
      updatedReplicas: 1,
      conditions: [
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message: 'pods "web-old-x" is forbidden: violates PodSecurity "baseline:latest": privileged',
          lastTransitionTime: at(-60),
        },
      ],
    })
    expect(readiness(d, { since: SINCE }).state).toBe('progressing')
  })
  test("the current ReplicaSet's ReplicaFailure of this run fails; of an earlier run it waits", () => {
    const rs = (t: number): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-2' },
      status: {
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            message: 'pods "web-2-x" is forbidden: violates PodSecurity "baseline:latest"',
            lastTransitionTime: at(t),
          },
        ],
      },
    })
    expect(readiness(deployment({ replicas: 0 }), { since: SINCE, newReplicaSet: rs(2) }).state).toBe(
      'failed',
    )
    expect(readiness(deployment({ replicas: 0 }), { since: SINCE, newReplicaSet: rs(-300) }).state).toBe(
      'progressing',
    )
  })
  test('a surge pod refused by the quota waits, and says so', () => {
    const r = readiness(
      deployment({ replicas: 4, updatedReplicas: 0, availableReplicas: 4 }, { replicas: 4 }),
      {
        since: SINCE,
        createFailure: {
          message:
            'Error creating: pods "web-2-x" is forbidden: exceeded quota: preview-quota, requested: pods=1, used: pods=4, limited: pods=4',
          firstSeen: SINCE,
        },
        previewPods: 4,
      },
    )
    expect(r).toEqual({
      state: 'progressing',
      message: expect.stringMatching(/refused for now.*exceeded quota/),
    })
  })
  test('a ServiceAccount the templates do not create fails after its grace period; one they create waits', () => {
    const message =
      'Error creating: pods "web-2-x" is forbidden: error looking up service account p/app: serviceaccount "app" not found'
    const facts = { since: SINCE, createFailure: { message, firstSeen: SINCE } }
    expect(readiness(deployment({ replicas: 0 }), { ...facts, now: SINCE + 1000 }).state).toBe('progressing')
    expect(
      readiness(deployment({ replicas: 0 }), { ...facts, now: SINCE + SERVICE_ACCOUNT_GRACE_MS }).state,
    ).toBe('failed')
    expect(
      readiness(deployment({ replicas: 0 }), {
        ...facts,
        now: SINCE + 60_000,
        serviceAccounts: new Set(['app']),
      }).state,
    ).toBe('progressing')
  })
  test('Progressing=False or Available=False is not ready', () => {
    expect(
      readiness(deployment({ ...done, conditions: [{ type: 'Available', status: 'False' }] })).state,
    ).toBe('progressing')
    expect(
      readiness(deployment({ ...done, conditions: [{ type: 'Progressing', status: 'False', reason: 'X' }] }))
        .state,
    ).toBe('progressing')
  })
  test('paused: a replicas-only change still happens; a new template never rolls out', () => {
    expect(
      readiness(
        deployment({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, { replicas: 2, paused: true }),
      ).state,
    ).toBe('progressing')
    expect(
      readiness(
        deployment({ replicas: 2, updatedReplicas: 0, availableReplicas: 2 }, { replicas: 2, paused: true }),
      ).state,
    ).toBe('failed')
  })
})

describe('OnDelete is read from the pods, not the generation', () => {
  const sts = (status: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'cache', generation: 5 },
    spec: { replicas: 2, updateStrategy: { type: 'OnDelete' } },
    status: { observedGeneration: 5, ...status },
  })
  test('scaled (the new pod at the update revision): ready once it is', () => {
    expect(
      readiness(
        sts({ replicas: 2, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'a' }),
      ).state,
    ).toBe('progressing')
    expect(
      readiness(
        sts({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'a' }),
      ).state,
    ).toBe('ready')
  })
  test('a changed template with the old pods left: failed; after they were deleted (currentRevision stays old): ready', () => {
    expect(
      readiness(
        sts({ replicas: 2, readyReplicas: 2, updatedReplicas: 0, currentRevision: 'a', updateRevision: 'b' }),
      ).state,
    ).toBe('failed')
    expect(
      readiness(
        sts({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'b' }),
      ).state,
    ).toBe('ready')
  })
})

describe('Jobs and DaemonSets as kstatus has them', () => {
  const job = (spec: Record<string, unknown>, conditions: unknown[]): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate' },
    spec,
    status: { conditions },
  })
  test('suspended only when asked and reported', () => {
    expect(readiness(job({ suspend: true }, [{ type: 'Suspended', status: 'True' }])).state).toBe('ready')
    expect(readiness(job({ suspend: true }, [])).state).toBe('progressing')
    expect(readiness(job({ suspend: false }, [{ type: 'Suspended', status: 'True' }])).state).toBe(
      'progressing',
    )
  })
  test('a Volcano Job is not a batch/v1 Job', () => {
    expect(
      readiness({ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'x' } }).state,
    ).toBe('ready')
  })
  test('a DaemonSet without desiredNumberScheduled or numberReady has not been counted', () => {
    const ds = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', generation: 1 },
      status: { observedGeneration: 1, ...status },
    })
    expect(readiness(ds({})).state).toBe('progressing')
    expect(readiness(ds({ desiredNumberScheduled: 0, numberReady: 0 })).state).toBe('ready')
    expect(
      readiness(
        ds({ desiredNumberScheduled: 2, numberReady: 1, numberAvailable: 2, updatedNumberScheduled: 2 }),
      ).state,
    ).toBe('progressing')
  })
})

describe('steady containers', () => {
  const pod = (state: Record<string, ContainerStateLike>, restartCount = 0) => ({
    metadata: {
      name: 'web-2-abc',
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-2', controller: true }],
    },
    status: { containerStatuses: [{ name: 'web', ready: true, restartCount, state }] },
  })
  test('up for less than the window: not yet; then ready', () => {
    const running = pod({ running: { startedAt: at(0) } })
    expect(unstable([running], SINCE + 2000)).toMatch(/has not yet run 5s/)
    expect(unstable([running], SINCE + 5000)).toBeNull()
    expect(readiness(deployment(done), { pods: [running], now: SINCE + 1000 }).state).toBe('progressing')
    expect(readiness(deployment(done), { pods: [running], now: SINCE + 6000 }).state).toBe('ready')
  })
  test('a container with a readiness or startup probe has proved itself: no window', () => {
    const withProbe = (probe: 'readinessProbe' | 'startupProbe') => ({
      ...pod({ running: { startedAt: at(0) } }),
      spec: { containers: [{ name: 'web', [probe]: { httpGet: { path: '/up', port: 3000 } } }] },
    })
    expect(unstable([withProbe('readinessProbe')], SINCE + 100)).toBeNull()
    expect(unstable([withProbe('startupProbe')], SINCE + 100)).toBeNull()
    expect(readiness(deployment(done), { pods: [withProbe('readinessProbe')], now: SINCE + 100 }).state).toBe(
      'ready',
    )
    // Another container of the pod, without a probe, still needs the window.
    const mixed = {
      metadata: withProbe('readinessProbe').metadata,
      spec: { containers: [{ name: 'web', readinessProbe: {} }, { name: 'sidecar' }] },
      status: {
        containerStatuses: [
          { name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: at(0) } } },
          { name: 'sidecar', ready: true, restartCount: 0, state: { running: { startedAt: at(0) } } },
        ],
      },
    }
    expect(unstable([mixed], SINCE + 100)).toMatch(/container sidecar has not yet run 5s/)
  })
  test('a container that exited and will restart is a crash loop, whatever the status says', () => {
    const crashed = pod({ terminated: { exitCode: 1, reason: 'Error' } }, 1)
    expect(readiness(deployment(done), { pods: [crashed], now: SINCE }).message).toMatch(
      /CrashLoopBackOff.*exit code 1/,
    )
  })
})

describe("a Deployment's current ReplicaSet", () => {
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'a' }] },
  }
  const rs = (name: string, image: string, created: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      creationTimestamp: created,
      ownerReferences: [{ uid: 'd1', controller: true }],
    } as KubeObject['metadata'],
    spec: {
      template: {
        metadata: { labels: { app: 'web', 'pod-template-hash': name.slice(4) } },
        spec: { containers: [{ image, name: 'web' }] },
      },
    },
  })
  test('the one of the pod template, ignoring pod-template-hash and key order', () => {
    const d = { ...deployment(done), spec: { template } }
    expect(
      currentReplicaSet(d, [rs('web-old', 'b', at(-100)), rs('web-new', 'a', at(-1))])?.metadata.name,
    ).toBe('web-new')
  })
})
