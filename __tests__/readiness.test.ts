// Readiness rules as tables: the scenarios `kubectl rollout status` and kstatus tell apart, one row each.
import { describe, expect, test } from '@jest/globals'
import { createFailureMessage, isLastingCreateFailure, readiness } from '../src/kube/wait/readiness.js'
import type { KubeObject } from '../src/shared/kube-object.js'

type Row = [string, object, object, string, RegExp?]

const object = (kind: string, apiVersion: string, generation: number, spec: object, status: object) =>
  ({ apiVersion, kind, metadata: { name: 'x', generation }, spec, status }) as KubeObject

function table(kind: string, apiVersion: string, rows: Row[]) {
  for (const [name, spec, status, state, message] of rows) {
    test(`${kind}: ${name}`, () => {
      const { generation = 1, ...rest } = spec as { generation?: number }
      const r = readiness(object(kind, apiVersion, generation, rest, status))
      expect(r.state).toBe(state)
      if (message) expect(r.message).toMatch(message)
    })
  }
}

const progressDeadline = {
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'ReplicaSet "web-1" has timed out progressing.',
}

describe('Deployment', () => {
  table('Deployment', 'apps/v1', [
    [
      'all updated and available',
      { replicas: 2 },
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      'ready',
      /2\/2/,
    ],
    [
      'replicas defaults to 1',
      {},
      { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
      'ready',
    ],
    ['scaled to zero', { replicas: 0 }, { observedGeneration: 1 }, 'ready'],
    ['no status yet', {}, {}, 'progressing', /controller/],
    [
      'controller has not seen the new spec',
      { generation: 3 },
      { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
      'progressing',
      /controller/,
    ],
    [
      'stale ProgressDeadlineExceeded before the controller saw the fix',
      { generation: 3 },
      { observedGeneration: 2, conditions: [progressDeadline] },
      'progressing',
    ],
    [
      'ProgressDeadlineExceeded for the current spec',
      { generation: 3 },
      { observedGeneration: 3, conditions: [progressDeadline] },
      'failed',
      /timed out progressing/,
    ],
    [
      'updatedReplicas omitted (0): the old pod does not count',
      { replicas: 1 },
      { observedGeneration: 1, replicas: 1, availableReplicas: 1 },
      'progressing',
      /0\/1 updated/,
    ],
    [
      'old replicas pending termination',
      { replicas: 2 },
      { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      'progressing',
      /1 old/,
    ],
    [
      'updated but not yet available',
      { replicas: 2 },
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
      'progressing',
      /1\/2 updated replicas available/,
    ],
    [
      'quota refuses the pods',
      { replicas: 1 },
      {
        observedGeneration: 1,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message:
              'pods "web-1-x" is forbidden: exceeded quota: preview-quota, requested: pods=1, used: pods=2, limited: pods=2',
          },
        ],
      },
      'failed',
      /exceeded quota: preview-quota/,
    ],
    [
      'quota not computed yet is transient',
      { replicas: 1 },
      {
        observedGeneration: 1,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: 'pods "web-1-x" is forbidden: status unknown for quota: preview-quota, resources: pods',
          },
        ],
      },
      'progressing',
    ],
    [
      'ReplicaFailure=False is no failure',
      { replicas: 1 },
      {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        conditions: [{ type: 'ReplicaFailure', status: 'False' }],
      },
      'ready',
    ],
    [
      'paused before rolling out',
      { replicas: 1, paused: true, generation: 2 },
      { observedGeneration: 2, replicas: 1, availableReplicas: 1 },
      'failed',
      /paused/,
    ],
    [
      'paused but already rolled out',
      { replicas: 1, paused: true },
      { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
      'ready',
    ],
  ])
})

describe('StatefulSet', () => {
  table('StatefulSet', 'apps/v1', [
    [
      'ready at one revision',
      { replicas: 2 },
      {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'db-1',
        updateRevision: 'db-1',
      },
      'ready',
    ],
    [
      'new pod cannot start; updatedReplicas omitted (issue case 1)',
      { replicas: 1, generation: 2 },
      {
        observedGeneration: 2,
        replicas: 1,
        readyReplicas: 1,
        currentReplicas: 1,
        currentRevision: 'db-1',
        updateRevision: 'db-2',
      },
      'progressing',
      /0\/1 updated/,
    ],
    [
      'all updated and ready, revisions not yet swapped',
      { replicas: 1, generation: 2 },
      {
        observedGeneration: 2,
        replicas: 1,
        readyReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'db-1',
        updateRevision: 'db-2',
      },
      'progressing',
      /revision db-2/,
    ],
    [
      'observedGeneration missing',
      { replicas: 1 },
      { readyReplicas: 1, updatedReplicas: 1 },
      'progressing',
      /controller/,
    ],
    [
      'not all ready',
      { replicas: 3 },
      { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 3 },
      'progressing',
      /2\/3/,
    ],
    [
      'partition: its share updated',
      {
        replicas: 3,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
        generation: 2,
      },
      {
        observedGeneration: 2,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 'a',
        updateRevision: 'b',
      },
      'ready',
      /partition 2/,
    ],
    [
      'partition: share not yet updated',
      {
        replicas: 3,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
        generation: 2,
      },
      {
        observedGeneration: 2,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 'a',
        updateRevision: 'b',
      },
      'progressing',
      /1\/2 updated/,
    ],
    [
      'OnDelete, never changed',
      { replicas: 1, updateStrategy: { type: 'OnDelete' } },
      { observedGeneration: 1, readyReplicas: 1 },
      'ready',
    ],
    [
      'OnDelete, changed: never rolls out',
      { replicas: 1, updateStrategy: { type: 'OnDelete' }, generation: 2 },
      { observedGeneration: 2, readyReplicas: 1 },
      'failed',
      /OnDelete/,
    ],
  ])
})

describe('DaemonSet', () => {
  table('DaemonSet', 'apps/v1', [
    [
      'all available',
      {},
      {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberReady: 2,
        numberAvailable: 2,
      },
      'ready',
    ],
    [
      'ready but not yet available (minReadySeconds)',
      {},
      {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberReady: 2,
        numberAvailable: 1,
      },
      'progressing',
      /1\/2 available/,
    ],
    [
      'not all updated',
      {},
      { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 1, numberAvailable: 2 },
      'progressing',
      /1\/2 updated/,
    ],
    ['no node runs it', {}, { observedGeneration: 1, desiredNumberScheduled: 0 }, 'ready'],
    [
      'stale',
      { generation: 2 },
      { observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1 },
      'progressing',
    ],
    [
      'OnDelete, changed',
      { updateStrategy: { type: 'OnDelete' }, generation: 2 },
      { observedGeneration: 2, desiredNumberScheduled: 1, numberAvailable: 1 },
      'failed',
      /OnDelete/,
    ],
  ])
})

describe('Job', () => {
  table('Job', 'batch/v1', [
    [
      'complete',
      {},
      { conditions: [{ type: 'Complete', status: 'True' }], succeeded: 1 },
      'ready',
      /Complete/,
    ],
    [
      'failed',
      {},
      {
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      },
      'failed',
      /BackoffLimitExceeded — Job has reached/,
    ],
    [
      'failure target (pods still terminating)',
      {},
      { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' }] },
      'failed',
    ],
    ['running with failed attempts', {}, { active: 1, failed: 2 }, 'progressing', /2 failed attempt/],
    ['no status yet', {}, {}, 'progressing'],
    [
      'Complete=False is not complete',
      {},
      { conditions: [{ type: 'Complete', status: 'False' }], active: 1 },
      'progressing',
    ],
  ])
})

describe('create failures from events', () => {
  const sts = object('StatefulSet', 'apps/v1', 1, { replicas: 1 }, { observedGeneration: 1 })
  const rows: Array<[string, string, RegExp | null]> = [
    [
      'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: exceeded quota: q, requested: pods=1',
      'failed',
      /^cannot create pods: pods "db-0" is forbidden: exceeded quota/,
    ],
    [
      'Error creating: admission webhook "deny.example.com" denied the request: no',
      'failed',
      /^cannot create pods: admission webhook/,
    ],
    [
      'Error creating: pods "m-x" is forbidden: violates PodSecurity "restricted:latest": privileged',
      'failed',
      /PodSecurity/,
    ],
    [
      'Error creating: pods "m-x" is forbidden: status unknown for quota: q, resources: pods',
      'progressing',
      null,
    ],
    [
      'Error creating: pods "m-x" is forbidden: error looking up service account ns/default: serviceaccount "default" not found',
      'progressing',
      null,
    ],
  ]
  for (const [message, state, shown] of rows) {
    test(message, () => {
      const r = readiness(sts, { createFailure: message })
      expect(r.state).toBe(state)
      if (shown) expect(r.message).toMatch(shown)
    })
  }
  test('helpers', () => {
    expect(isLastingCreateFailure('exceeded quota')).toBe(true)
    expect(createFailureMessage('Error creating: x')).toBe('x')
  })
})
