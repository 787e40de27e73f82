// The local OIDC issuer's claim set (cluster/oidc/claims.ts): GitHub's claims, overridden by the request token.
import { describe, expect, test } from '@jest/globals'
import { claimsFor, parseRequestToken, requestToken } from '../cluster/oidc/claims.js'

const at = (overrides: Record<string, unknown>, audience?: string) =>
  claimsFor({ issuer: 'https://127.0.0.1:1', audience, nowSeconds: 1000, overrides, jti: 'j' })

describe('local OIDC claims', () => {
  test('defaults: a pull_request run, five minutes', () => {
    expect(at({}, 'aud-1')).toMatchObject({
      iss: 'https://127.0.0.1:1',
      aud: 'aud-1',
      sub: 'repo:octo-org/octo-repo:pull_request',
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
      event_name: 'pull_request',
      iat: 1000,
      exp: 1300,
    })
  })
  test('without an audience, the owner URL (as GitHub does)', () => {
    expect(at({ repository: 'a/b' }).aud).toBe('https://github.com/a')
  })
  test('derived claims follow the repository; explicit ones win; lifetime sets exp', () => {
    const c = at({ repository: 'o/r', lifetime: 2, sub: 'custom' })
    expect(c).toMatchObject({ sub: 'custom', repository_owner: 'o', exp: 1002 })
    expect(c).not.toHaveProperty('lifetime')
    expect(at({ repository: 'o/r', event_name: 'schedule', ref: 'refs/heads/main' }).sub).toBe(
      'repo:o/r:ref:refs/heads/main',
    )
    expect(at({ exp: 5 }).exp).toBe(5)
  })
  test('request tokens round-trip; anything else is refused with a reason', () => {
    expect(parseRequestToken(requestToken({ repository: 'o/r', lifetime: 9 }))).toEqual({
      repository: 'o/r',
      lifetime: 9,
    })
    expect(parseRequestToken('e30')).toEqual({})
    expect(() => parseRequestToken('a b')).toThrow(/base64url/)
    expect(() => parseRequestToken(Buffer.from('[1]').toString('base64url'))).toThrow(/object/)
    expect(() => parseRequestToken(requestToken({ lifetime: 'long' }))).toThrow(/lifetime/)
  })
})
