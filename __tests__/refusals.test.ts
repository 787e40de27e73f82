// Which refused pod creations fail the run at once (they cannot heal without a change) and which wait.
import { describe, expect, test } from '@jest/globals'
import { missingServiceAccount, quotaExceededForGood, refusalKind } from '../src/kube/wait/refusals.js'
import { quantity } from '../src/preview/requests.js'

describe('refusalKind', () => {
  test.each([
    [
      'pods "web-7d4b9-x2" is forbidden: violates PodSecurity "baseline:latest": privileged (container "web" must not set securityContext.privileged=true)',
      'lasting',
    ],
    [
      'admission webhook "validate.kyverno.svc" denied the request: image tag latest is not allowed',
      'lasting',
    ],
    ['pods "web-1" is forbidden: maximum cpu usage per Container is 2, but limit is 4', 'lasting'],
    [
      'pods "web-1" is forbidden: failed quota: preview-quota: must specify limits.memory for: web',
      'lasting',
    ],
    [
      'pods "web-1" is forbidden: exceeded quota: preview-quota, requested: pods=1, used: pods=4, limited: pods=4',
      'quota',
    ],
    [
      'pods "web-1" is forbidden: error looking up service account preview-x/app: serviceaccount "app" not found',
      'missing-service-account',
    ],
    [
      'Internal error occurred: failed calling webhook "sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject": dial tcp 10.96.0.12:443: connect: connection refused',
      'transient',
    ],
    ['Timeout: request did not complete within requested timeout - context deadline exceeded', 'transient'],
    ['etcdserver: leader changed', 'transient'],
    ['the server has received too many requests and has asked us to try again later', 'transient'],
    ['pods "web-1" is forbidden: status unknown for quota: preview-quota, resource: pods', 'transient'],
    [
      'pods "web-1" is forbidden: unable to create new content in namespace preview-x because it is being terminated',
      'transient',
    ],
  ])('%s → %s', (message, kind) => {
    expect(refusalKind(message)).toBe(kind)
  })

  test('the missing ServiceAccount is named', () => {
    expect(
      missingServiceAccount('error looking up service account preview-x/app: serviceaccount "app" not found'),
    ).toBe('app')
  })
})

describe('a quota refusal is lasting only when the steady state exceeds the quota', () => {
  const surge = 'exceeded quota: preview-quota, requested: pods=1, used: pods=4, limited: pods=4'
  test('the surge pod of 4 replicas under pods=4 waits', () => {
    expect(quotaExceededForGood(surge, 4)).toBe(false)
  })
  test('3 replicas under pods=2 fail at once', () => {
    expect(
      quotaExceededForGood(
        'exceeded quota: preview-quota, requested: pods=1, used: pods=2, limited: pods=2',
        3,
      ),
    ).toBe(true)
  })
  test('the whole preview counts for pods', () => {
    expect(quotaExceededForGood(surge, 2, 5)).toBe(true)
  })
  test('cpu: 3 replicas of 2 cores under 4 cores', () => {
    const m = 'exceeded quota: q, requested: requests.cpu=2, used: requests.cpu=2, limited: requests.cpu=4'
    expect(quotaExceededForGood(m, 3)).toBe(true)
    expect(quotaExceededForGood(m, 2)).toBe(false)
  })
  test('quantities', () => {
    expect(quantity('50m')).toBeCloseTo(0.05)
    expect(quantity('64Mi')).toBe(64 * 2 ** 20)
    expect(quantity('1G')).toBe(1e9)
    expect(quantity('x')).toBeNaN()
  })
})
