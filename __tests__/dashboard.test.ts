// The fleet dashboard's text and the requested resources it adds up, pure (issue 25).
import { describe, expect, test } from '@jest/globals'
import { dashboardBody, dashboardMarker, type FleetRow } from '../src/github/dashboard.js'
import { ANNOTATION } from '../src/preview/ownership.js'
import { quantity, requestedBy } from '../src/preview/requests.js'
import type { KubeObject } from '../src/shared/kube-object.js'
import { tmpdir } from 'node:os'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { DEFAULT_LIMITS } from '../src/inputs/parse.js'
import { parseSettings } from '../src/inputs/settings.js'
import { planPreview } from '../src/preview/plan.js'
import { loadTemplates } from '../src/preview/templates.js'
import { pullRequestEvent } from './harness/events.js'

const workload = (
  kind: string,
  replicas: number,
  requests: Record<string, string>[],
  kept?: number,
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: {
    name: kind.toLowerCase(),
    annotations: kept === undefined ? {} : { [ANNOTATION.replicasBeforeSleep]: String(kept) },
  },
  spec: {
    replicas,
    template: { spec: { containers: requests.map((r) => ({ resources: { requests: r } })) } },
  },
})

describe('requested resources', () => {
  test('quantities', () => {
    expect(quantity('500m')).toBe(0.5)
    expect(quantity('1.5Gi')).toBe(1.5 * 1024 ** 3)
    expect(quantity('2e3')).toBe(2000)
    expect(quantity('128M')).toBe(128e6)
    expect(quantity('lots')).toBeNaN()
  })
  test('replicas × containers, now and if awake; defaults for containers without requests', () => {
    const r = requestedBy(
      [
        workload('Deployment', 2, [{ cpu: '100m', memory: '256Mi' }, {}]),
        workload('StatefulSet', 0, [{ cpu: '1', memory: '1Gi' }], 1),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      ],
      { cpu: '50m', memory: '64Mi' },
    )
    expect(r.now).toEqual({ cpu: 300, memory: 2 * (256 + 64) * 1024 ** 2 })
    expect(r.awake).toEqual({ cpu: 1300, memory: 2 * (256 + 64) * 1024 ** 2 + 1024 ** 3 })
  })
})

describe("the default stack's requests (the README: about 0.4 CPU and 2.1 GiB per awake preview, Kibana and the worker off)", () => {
  test('as a deploy renders it, with the LimitRange defaults', () => {
    const settings = parseSettings((n) => ({ domain: 'pr.example.com' })[n] ?? '')
    const event = parsePullRequestEvent(
      'pull_request',
      pullRequestEvent({ action: 'opened', number: 4, repository: 'acme/shop', sha: 'b'.repeat(40) }),
    )
    const plan = planPreview(event, settings, {
      serverUrl: 'https://github.com',
      runId: '1',
      runAttempt: '1',
    })
    const { objects } = renderPreview(
      plan,
      {
        templates: loadTemplates('', tmpdir(), ''),
        values: {},
        allowClusterScoped: [],
        guardrails: settings,
        registry: null,
      },
      {},
    )
    const r = requestedBy(objects, DEFAULT_LIMITS.defaultRequest)
    expect(r.now).toEqual(r.awake)
    expect(r.now.cpu).toBe(370)
    expect((r.now.memory / 1024 ** 3).toFixed(1)).toBe('2.1')
  })
})

describe('the dashboard', () => {
  const now = new Date('2026-12-06T12:00:00Z')
  const row = (pr: number, state: FleetRow['state'], kept = false): FleetRow => ({
    pr,
    title: `Feature | ${pr}`,
    author: 'mona',
    prUrl: `https://github.com/acme/shop/pull/${pr}`,
    state,
    kept,
    url: `http://pr-${pr}.example.test`,
    deployedAt: '2026-12-06T09:00:00Z',
    createdAt: '2026-12-04T12:00:00Z',
    requested: {
      now: state === 'asleep' ? { cpu: 0, memory: 0 } : { cpu: 500, memory: 4 * 1024 ** 3 },
      awake: { cpu: 500, memory: 4 * 1024 ** 3 },
    },
  })
  test('one row per preview (by PR), states, kept, and the totals now vs all awake', () => {
    const body = dashboardBody(
      'Acme/Shop',
      [row(9, 'asleep', true), row(3, 'ready'), row(5, 'failed')],
      now,
      'https://log',
    )
    expect(body.startsWith(dashboardMarker('acme/shop'))).toBe(true)
    expect(body).toContain(
      '**3 live** · 2 awake · 1 asleep · requested now 1.00 CPU, 8.0 GiB (if all were awake: 1.50 CPU, 12.0 GiB)',
    )
    const rows = body.split('\n').filter((l) => l.startsWith('| ['))
    expect(rows.map((l) => l.slice(0, 6))).toEqual(['| [#3]', '| [#5]', '| [#9]'])
    expect(rows[0]).toContain('Feature \\| 3')
    expect(rows[0]).toContain('✅ ready')
    expect(rows[1]).toContain('❌ failed')
    expect(rows[2]).toContain('💤 asleep · 📌 kept')
    expect(rows[0]).toContain('| 3h ago | 2d |')
  })
  test('no previews', () => {
    expect(dashboardBody('acme/shop', [], now, 'https://log')).toContain('No previews are live.')
  })
})
