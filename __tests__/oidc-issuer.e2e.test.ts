// The local cluster trusts a local OIDC issuer that stands in for GitHub's: its token URL answers like the runner's
// ACTIONS_ID_TOKEN_REQUEST_URL, and kube-apiserver authenticates its tokens as `github:<owner>/<repo>` — while
// tokens that expired or were issued for another audience are refused.
import { describe, expect, test } from '@jest/globals'
import * as core from '@actions/core'
import * as k8s from '@kubernetes/client-node'
import { oidcRequestToken, testKubeconfigPath, testOidc } from './setup/cluster.js'

const repository = `octo-org/oidc-${process.pid}`

/** What the token URL answers, asked the way @actions/core asks (the URL already has a query string). */
async function idToken(requestToken: string, audience = testOidc().audience) {
  const res = await fetch(`${testOidc().tokenUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${requestToken}` },
  })
  return { status: res.status, body: (await res.json()) as { value?: string; message?: string } }
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>

/** Who the API server says the bearer of this token is: its username, or the HTTP status it refused with. */
async function whoAmI(jwt: string): Promise<string | number> {
  const admin = new k8s.KubeConfig()
  admin.loadFromFile(testKubeconfigPath())
  const cluster = admin.getCurrentCluster()!
  const kc = new k8s.KubeConfig()
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'oidc', token: jwt }],
    contexts: [{ name: 'oidc', cluster: cluster.name, user: 'oidc' }],
    currentContext: 'oidc',
  })
  try {
    const review = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    })
    return review.status?.userInfo?.username ?? ''
  } catch (e) {
    return (e as { code?: number }).code ?? String(e)
  }
}

describe('the local OIDC issuer', () => {
  test('a token authenticates to the API server as the username its repository maps to', async () => {
    const { status, body } = await idToken(oidcRequestToken({ repository }))
    expect(status).toBe(200)
    const claims = claimsOf(body.value!)
    expect(claims).toMatchObject({
      aud: testOidc().audience,
      sub: `repo:${repository}:pull_request`,
      repository,
      repository_owner: 'octo-org',
      event_name: 'pull_request',
    })
    expect(String(claims.iss)).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    expect(claims.ref).toEqual(expect.any(String))
    expect(claims.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(await whoAmI(body.value!)).toBe(`github:${repository}`)
  })

  test('@actions/core gets its tokens from the token URL as it gets them from the runner', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = testOidc().tokenUrl
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidcRequestToken({ repository, ref: 'refs/pull/7/merge' })
    try {
      const jwt = await core.getIDToken(testOidc().audience)
      expect(claimsOf(jwt)).toMatchObject({ aud: testOidc().audience, ref: 'refs/pull/7/merge' })
      expect(await whoAmI(jwt)).toBe(`github:${repository}`)
    } finally {
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
    }
  })

  test('an expired token is refused (401)', async () => {
    const { body } = await idToken(oidcRequestToken({ repository, lifetime: -60 }))
    expect(await whoAmI(body.value!)).toBe(401)
  })

  test('a token for another audience is refused (401)', async () => {
    const { body } = await idToken(oidcRequestToken({ repository }), 'https://github.com/octo-org')
    expect(claimsOf(body.value!).aud).toBe('https://github.com/octo-org')
    expect(await whoAmI(body.value!)).toBe(401)
  })

  test('tokens expire for real: one that lives 3 s works, then is refused', async () => {
    const { body } = await idToken(oidcRequestToken({ repository, lifetime: 3 }))
    expect(await whoAmI(body.value!)).toBe(`github:${repository}`)
    // kube-apiserver caches a successful authentication for 10 s, so the refusal comes at most that much later.
    const exp = Number(claimsOf(body.value!).exp) * 1000
    await new Promise((r) => setTimeout(r, exp + 11_000 - Date.now()))
    expect(await whoAmI(body.value!)).toBe(401)
  }, 30_000)

  test('claims are overridden one by one; derived ones follow the repository', async () => {
    const { body } = await idToken(
      oidcRequestToken({ repository: 'other-org/app', event_name: 'schedule', ref: 'refs/heads/main' }),
    )
    expect(claimsOf(body.value!)).toMatchObject({
      sub: 'repo:other-org/app:ref:refs/heads/main',
      repository_owner: 'other-org',
      event_name: 'schedule',
    })
    expect(await whoAmI(body.value!)).toBe('github:other-org/app')
  })

  test('a request without a request token, or with one that is not base64url JSON, gets a 401', async () => {
    const bare = await fetch(`${testOidc().tokenUrl}&audience=x`)
    expect(bare.status).toBe(401)
    const bad = await idToken('not json!')
    expect(bad.status).toBe(401)
    expect(bad.body.message).toMatch(/base64url/)
  })
})
