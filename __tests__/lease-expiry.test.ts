// The preview's lock (point 14): a Lease that claims to be renewed in the future, or for longer than the
// action's own duration, cannot hold a preview forever; the lock's name is reserved in templates.
import { expect, test } from '@jest/globals'
import { leaseExpiry, leaseWait, LOCK_NAME } from '../src/kube/lock.js'
import { render } from '../src/preview/render.js'

const now = Date.parse('2026-12-06T01:00:00Z')
const at = (ms: number) => new Date(now + ms).toISOString()

test('a lease renewed in the future, beyond its duration, or without a time counts as expired', () => {
  expect(
    leaseExpiry({ renewTime: '2099-01-01T00:00:00.000000Z', leaseDurationSeconds: 30 }, now),
  ).toBeLessThan(now)
  expect(leaseExpiry({ renewTime: 'soon', leaseDurationSeconds: 30 }, now)).toBeLessThan(now)
  expect(leaseExpiry({ leaseDurationSeconds: 30 }, now)).toBeLessThan(now)
  // A duration of a year counts as the action's 30 s.
  expect(leaseExpiry({ renewTime: at(-31_000), leaseDurationSeconds: 31_536_000 }, now)).toBeLessThan(now)
  expect(leaseExpiry({ renewTime: at(-1_000), leaseDurationSeconds: 0 }, now)).toBe(now + 29_000)
})

test("a lease renewed just now, or a little ahead (another runner's clock), still holds", () => {
  expect(leaseExpiry({ renewTime: at(-10_000), leaseDurationSeconds: 30 }, now)).toBe(now + 20_000)
  expect(leaseExpiry({ renewTime: at(5_000), leaseDurationSeconds: 30 }, now)).toBe(now + 35_000)
})

// Issue #22 point 11: the expiry is not judged by the runner's clock against a renewTime another machine wrote.
test("a lease that has not changed for its duration on this run's own clock is expired, whatever its renewTime says", () => {
  // Its holder's clock ran 25 s ahead: by renewTime it holds for 55 s more, but it has not been renewed for 30 s.
  const ahead = { renewTime: at(25_000), leaseDurationSeconds: 30 }
  expect(leaseWait(ahead, now, 0)).toBe(30_000)
  expect(leaseWait(ahead, now, 20_000)).toBe(10_000)
  expect(leaseWait(ahead, now, 30_000)).toBe(0)
  // A shorter duration counts from the same observation.
  expect(leaseWait({ renewTime: at(25_000), leaseDurationSeconds: 10 }, now, 10_000)).toBe(0)
})

test("a lease that is stale by the API server's clock is taken over at once; a fresh one waits for the earlier of the two", () => {
  // A run that died long ago: its renewTime (by the server's clock) is far behind the server's now.
  expect(leaseWait({ renewTime: at(-600_000), leaseDurationSeconds: 30 }, now, 0)).toBe(0)
  // Renewed 10 s ago (by the server's clock) and seen unchanged for 2 s: 20 s more by renewTime, 28 s by watching.
  expect(leaseWait({ renewTime: at(-10_000), leaseDurationSeconds: 30 }, now, 2_000)).toBe(20_000)
  // A renewTime written to hold the lock forever waits for nothing.
  expect(leaseWait({ renewTime: '2099-01-01T00:00:00.000000Z', leaseDurationSeconds: 30 }, now, 0)).toBe(0)
})

test('the lock Lease is reserved in templates', () => {
  expect(() =>
    render({
      templates: [
        {
          name: 'lock.yaml',
          text: `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: ${LOCK_NAME}\nspec:\n  holderIdentity: me\n  renewTime: "2099-01-01T00:00:00.000000Z"\n`,
        },
      ],
      context: {},
      owner: { repository: 'a/b', pr: 1, namespace: 'ns' },
      claims: { domain: 'example.com', unique: 'abc-pr-1', namespace: 'ns' },
    }),
  ).toThrow(/lock\.yaml:4: Lease "kube-pr-preview-lock" metadata\.name: .*\(rule reserved-object\)/)
})
