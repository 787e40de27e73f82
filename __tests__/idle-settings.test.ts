// The inputs of issue 25 (sleep-after, pr, keep-label, ttl-warning, dashboard, dashboard-title, the new modes):
// defaults, and errors that name the input.
import { describe, expect, test } from '@jest/globals'
import { parseSettings } from '../src/inputs/settings.js'

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('idle-preview inputs', () => {
  test('defaults: no sleep, a 24h TTL notice, the preview-keep label, no dashboard', () => {
    expect(parseSettings(reader({}))).toMatchObject({
      sleepAfterMs: null,
      ttlWarningMs: 24 * 3_600_000,
      keepLabel: 'preview-keep',
      dashboard: false,
      dashboardTitle: 'Preview environments',
      pr: null,
    })
  })

  test('given', () => {
    expect(
      parseSettings(
        reader({
          mode: 'wake',
          pr: '42',
          'sleep-after': '8h',
          'ttl-warning': '2d',
          'keep-label': 'keep me',
          dashboard: 'true',
          'dashboard-title': 'Our previews',
        }),
      ),
    ).toMatchObject({
      mode: 'wake',
      pr: 42,
      sleepAfterMs: 8 * 3_600_000,
      ttlWarningMs: 48 * 3_600_000,
      keepLabel: 'keep me',
      dashboard: true,
      dashboardTitle: 'Our previews',
    })
    expect(parseSettings(reader({ mode: 'Command' })).mode).toBe('command')
  })

  test.each([
    [{ mode: 'sleep' }, /^Input "pr": is required with mode: sleep/],
    [{ mode: 'wake', pr: 'forty-two' }, /^Input "pr": "forty-two" is not a positive whole number/],
    [{ 'sleep-after': 'soon' }, /^Input "sleep-after": "soon" is not a duration/],
    [{ 'ttl-warning': '0s' }, /^Input "ttl-warning": must be longer than zero/],
    [{ dashboard: 'sure' }, /^Input "dashboard": "sure" is not a boolean/],
    [{ mode: 'nap' }, /^Input "mode": "nap" is not a mode: .*sleep, wake or command/],
    [{ 'keep-label': 'x'.repeat(51) }, /^Input "keep-label": is longer than a GitHub label/],
  ])('%j', (inputs, error) => {
    expect(() => parseSettings(reader(inputs))).toThrow(error)
  })
})
