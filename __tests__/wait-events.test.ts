// Which workload a FailedCreate event is about, and when it happened. Pure parts of the wait.
import { describe, expect, test } from '@jest/globals'
import { eventTime, eventWorkloadKey } from '../src/kube/wait/wait.js'
import type { KubeObject } from '../src/shared/kube-object.js'

const w = (kind: string, name: string, uid?: string) =>
  ({ apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, metadata: { name, uid } }) as KubeObject
const event = (kind: string, name: string, extra: object = {}) =>
  ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', creationTimestamp: '2026-01-01T00:00:00Z' },
    involvedObject: { kind, name },
    ...extra,
  }) as KubeObject

describe('FailedCreate events', () => {
  const workloads = [w('Deployment', 'web'), w('StatefulSet', 'db', 'u1'), w('Job', 'migrate-abc1234')]
  test.each([
    ['ReplicaSet', 'web-5f4495797b', 'apps/Deployment/web'],
    ['StatefulSet', 'db', 'apps/StatefulSet/db'],
    ['Job', 'migrate-abc1234', 'batch/Job/migrate-abc1234'],
    ['ReplicaSet', 'worker-5f4495797b', undefined],
    ['Pod', 'web-5f4495797b-x', undefined],
  ])('%s %s', (kind, name, key) => {
    expect(eventWorkloadKey(event(kind, name) as never, workloads)).toBe(key)
  })
  test('an event about an earlier object of the same name is not this one', () => {
    const e = event('StatefulSet', 'db', { involvedObject: { kind: 'StatefulSet', name: 'db', uid: 'u0' } })
    expect(eventWorkloadKey(e as never, workloads)).toBeUndefined()
  })
  test('the last time a repeated event happened', () => {
    expect(eventTime(event('Job', 'x', { lastTimestamp: '2026-01-01T00:00:05Z' }) as never)).toBe(
      Date.parse('2026-01-01T00:00:05Z'),
    )
    expect(
      eventTime(
        event('Job', 'x', {
          eventTime: '2026-01-01T00:00:01.5Z',
          series: { lastObservedTime: '2026-01-01T00:00:09Z' },
        }) as never,
      ),
    ).toBe(Date.parse('2026-01-01T00:00:09Z'))
    expect(eventTime(event('Job', 'x') as never)).toBe(Date.parse('2026-01-01T00:00:00Z'))
  })
})
