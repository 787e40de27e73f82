// Which workload a FailedCreate event is about, and when it happened. Pure parts of the wait.
import { describe, expect, test } from '@jest/globals'
import { eventTime, refusalOf } from '../src/kube/wait/wait.js'
import type { KubeObject } from '../src/shared/kube-object.js'

const event = (kind: string, name: string, extra: object = {}) =>
  ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', creationTimestamp: '2026-01-01T00:00:00Z' },
    involvedObject: { kind, name },
    ...extra,
  }) as KubeObject

describe('FailedCreate events', () => {
  const from = Date.parse('2026-01-01T00:00:00Z')
  const failed = (extra: object) =>
    event('ReplicaSet', 'web-5f4495797b', { reason: 'FailedCreate', message: 'Error creating: no', ...extra })
  test('the refused controller is named by its uid, whatever its name', () => {
    const e = failed({ involvedObject: { kind: 'ReplicaSet', name: 'web-5f4495797b', uid: 'rs2' } })
    expect(refusalOf(e, from)).toEqual({ uid: 'rs2', message: 'Error creating: no' })
  })
  test("an event without a uid, of another reason, or from before this run is not this run's refusal", () => {
    expect(refusalOf(failed({}), from)).toBeNull()
    const old = {
      involvedObject: { kind: 'ReplicaSet', name: 'x', uid: 'rs1' },
      lastTimestamp: '2025-12-31T23:59:00Z',
    }
    expect(refusalOf(failed(old), from)).toBeNull()
    expect(refusalOf(failed({ reason: 'SuccessfulCreate', involvedObject: { uid: 'rs1' } }), from)).toBeNull()
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
