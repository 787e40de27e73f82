// Sleep and wake, pure (issue 25): when a preview is due to sleep or to get its TTL notice, whether it is kept, and
// what sleep and wake change on each workload.
import { describe, expect, test } from '@jest/globals'
import {
  asleep,
  asleepDescription,
  awake,
  isKept,
  jobToRunAgain,
  lastActive,
  sleepReason,
  ttlNoticeDue,
} from '../src/preview/idle.js'
import { ANNOTATION } from '../src/preview/ownership.js'
import type { KubeObject } from '../src/shared/kube-object.js'

const HOUR = 3_600_000
const ns = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'preview-x-pr-1', annotations, creationTimestamp: '2026-12-06T11:59:00Z' },
})
const deployment = (replicas: number | undefined, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', annotations },
  spec: replicas === undefined ? { template: {} } : { replicas, template: {} },
})

describe('when a preview sleeps', () => {
  const now = new Date('2026-12-06T12:00:00Z')
  test('idle longer than sleep-after since the last deploy or wake, whichever is later', () => {
    const deployed = ns({ [ANNOTATION.deployedAt]: '2026-12-06T09:00:00Z' })
    expect(sleepReason(deployed, { sleepAfterMs: 2 * HOUR, kept: false, now })).toBe(
      'idle for 3h (sleep-after 2h)',
    )
    expect(sleepReason(deployed, { sleepAfterMs: 4 * HOUR, kept: false, now })).toBeNull()
    const woken = ns({
      [ANNOTATION.deployedAt]: '2026-12-06T09:00:00Z',
      [ANNOTATION.wokenAt]: '2026-12-06T11:00:00Z',
    })
    expect(lastActive(woken)).toBe(Date.parse('2026-12-06T11:00:00Z'))
    expect(sleepReason(woken, { sleepAfterMs: 2 * HOUR, kept: false, now })).toBeNull()
  })

  test('never when kept, already asleep, or without sleep-after', () => {
    const old = { [ANNOTATION.deployedAt]: '2026-12-01T09:00:00Z' }
    expect(sleepReason(ns(old), { sleepAfterMs: HOUR, kept: true, now })).toBeNull()
    expect(
      sleepReason(ns({ ...old, [ANNOTATION.asleepSince]: '2026-12-02T00:00:00Z' }), {
        sleepAfterMs: HOUR,
        kept: false,
        now,
      }),
    ).toBeNull()
    expect(sleepReason(ns(old), { sleepAfterMs: null, kept: false, now })).toBeNull()
  })

  test('kept by the namespace annotation (/preview keep) or by the keep label', () => {
    expect(isKept(ns({ [ANNOTATION.keep]: 'true' }), [], 'preview-keep')).toBe(true)
    expect(isKept(ns({}), ['bug', 'preview-keep'], 'preview-keep')).toBe(true)
    expect(isKept(ns({}), ['bug'], 'preview-keep')).toBe(false)
  })

  test('the inactive description fits GitHub (140 characters) and says how to wake it', () => {
    const d = asleepDescription(now)
    expect(d.length).toBeLessThanOrEqual(140)
    expect(d).toContain('2026-12-06 12:00 UTC')
    expect(d).toContain('/preview wake')
  })
})

describe('the TTL notice', () => {
  const deployedAt = '2026-12-01T12:00:00Z'
  const o = (now: string, extra: Record<string, string> = {}, kept = false) =>
    ttlNoticeDue(ns({ [ANNOTATION.deployedAt]: deployedAt, ...extra }), {
      ttlMs: 7 * 24 * HOUR,
      warningMs: 24 * HOUR,
      kept,
      now: new Date(now),
    })
  test('due from ttl − ttl-warning until the TTL, saying when it goes', () => {
    expect(o('2026-12-07T11:59:00Z')).toBeNull()
    expect(o('2026-12-07T12:00:00Z')).toEqual(new Date('2026-12-08T12:00:00Z'))
    expect(o('2026-12-08T12:00:00Z')).toBeNull()
  })
  test('once per deploy, and never for a kept preview', () => {
    expect(o('2026-12-07T13:00:00Z', { [ANNOTATION.ttlWarnedFor]: deployedAt })).toBeNull()
    expect(o('2026-12-07T13:00:00Z', { [ANNOTATION.ttlWarnedFor]: '2026-11-20T00:00:00Z' })).not.toBeNull()
    expect(o('2026-12-07T13:00:00Z', {}, true)).toBeNull()
  })
})

describe('what sleep and wake change', () => {
  test('a Deployment goes to 0 with its replicas kept on it, and comes back to them', () => {
    const slept = asleep(deployment(3))!
    expect((slept.spec as { replicas: number }).replicas).toBe(0)
    expect(slept.metadata.annotations![ANNOTATION.replicasBeforeSleep]).toBe('3')
    const woken = awake(slept)!
    expect((woken.spec as { replicas: number }).replicas).toBe(3)
    expect(woken.metadata.annotations![ANNOTATION.replicasBeforeSleep]).toBeUndefined()
  })
  test('no replicas field means 1 (the API default)', () => {
    expect(asleep(deployment(undefined))!.metadata.annotations![ANNOTATION.replicasBeforeSleep]).toBe('1')
  })
  test('a second sleep never records 0; a workload at 0 by its template stays untouched; waking an awake one is a no-op', () => {
    const slept = asleep(deployment(2))!
    expect(asleep(slept)).toBeNull()
    // Scaled up meanwhile (half-woken): back to 0, the kept count unchanged.
    const half = deployment(2, { [ANNOTATION.replicasBeforeSleep]: '4' })
    expect(asleep(half)!.metadata.annotations![ANNOTATION.replicasBeforeSleep]).toBe('4')
    expect(asleep(deployment(0))).toBeNull()
    expect(awake(deployment(2))).toBeNull()
  })
  test('a CronJob is suspended and marked; one the user suspended stays theirs', () => {
    const cron: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { suspend: false },
    }
    const slept = asleep(cron)!
    expect((slept.spec as { suspend: boolean }).suspend).toBe(true)
    expect((awake(slept)!.spec as { suspend: boolean }).suspend).toBe(false)
    expect(asleep({ ...cron, spec: { suspend: true } })).toBeNull()
    expect(awake({ ...cron, spec: { suspend: true } })).toBeNull()
  })
  test('Services, Secrets, Jobs and the rest are not touched', () => {
    for (const kind of ['Service', 'Secret', 'Job', 'PersistentVolumeClaim', 'Ingress'])
      expect(asleep({ apiVersion: 'v1', kind, metadata: { name: 'x' }, spec: { replicas: 1 } })).toBeNull()
  })
  test('the input object is never changed', () => {
    const d = deployment(3)
    asleep(d)
    expect(d).toEqual(deployment(3))
  })
})

describe('a Job run again', () => {
  test('loses what the job controller generated, keeps the rest', () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'migrate-abc1234',
        namespace: 'ns',
        uid: 'u',
        resourceVersion: '5',
        labels: {
          'app.kubernetes.io/name': 'migrate',
          'batch.kubernetes.io/controller-uid': 'u',
          'controller-uid': 'u',
        },
        annotations: { [ANNOTATION.pr]: '1' },
      },
      spec: {
        backoffLimit: 2,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } },
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': 'migrate',
              'job-name': 'migrate-abc1234',
              'batch.kubernetes.io/job-name': 'migrate-abc1234',
            },
          },
          spec: {},
        },
      },
      status: { succeeded: 1 },
    }
    const again = jobToRunAgain(job)
    expect(again.metadata).toEqual({
      name: 'migrate-abc1234',
      namespace: 'ns',
      labels: { 'app.kubernetes.io/name': 'migrate' },
      annotations: { [ANNOTATION.pr]: '1' },
    })
    expect(again.spec).toEqual({
      backoffLimit: 2,
      template: { metadata: { labels: { 'app.kubernetes.io/name': 'migrate' } }, spec: {} },
    })
    expect(again.status).toBeUndefined()
  })
})
