// Cluster access without a stored kubeconfig: which way in the inputs choose, the runner's kubeconfig files merged
// as kubectl merges them, exec credential plugins read without ever quoting their output, and a refused GitHub OIDC
// token explained from its claims.
import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
import { parseClusterAccess } from '../src/inputs/access.js'
import { parseExecCredential } from '../src/kube/transport/exec-credential.js'
import { kubeconfigPaths, mergeKubeconfigs } from '../src/kube/transport/kubeconfig-files.js'
import { explainRefusal, jwtClaims } from '../src/kube/transport/oidc-claims.js'

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`

describe('the way in, from the inputs', () => {
  test('OIDC: server, CA (PEM or base64 of it) and audience', () => {
    const oidc = { 'cluster-server': 'https://k8s.example.com:6443/', 'oidc-audience': 'k8s' }
    expect(parseClusterAccess(reader({ ...oidc, 'cluster-ca': PEM }), '')).toEqual({
      kind: 'oidc',
      server: 'https://k8s.example.com:6443',
      ca: PEM,
      audience: 'k8s',
    })
    expect(
      parseClusterAccess(reader({ ...oidc, 'cluster-ca': Buffer.from(PEM).toString('base64') }), ''),
    ).toMatchObject({ ca: PEM })
    expect(parseClusterAccess(reader(oidc), '')).toMatchObject({ ca: null })
  })
  test.each([
    [{ 'cluster-server': 'https://k' }, '', /Input "oidc-audience": is required/],
    [{ 'oidc-audience': 'k8s' }, '', /Input "cluster-server": is required/],
    [{ 'cluster-server': 'http://k', 'oidc-audience': 'a' }, '', /Input "cluster-server": .* must be https/],
    [{ 'cluster-server': 'https://k', 'oidc-audience': 'a', 'cluster-ca': 'nope' }, '', /Input "cluster-ca"/],
    [{ 'cluster-server': 'https://k', 'oidc-audience': 'a' }, 'clusters: []', /give one of the two/],
    [{ 'cluster-server': 'https://k', 'oidc-audience': 'a', context: 'c' }, '', /Input "context"/],
  ])('%j is refused naming the input', (inputs, kubeconfig, message) => {
    expect(() => parseClusterAccess(reader(inputs), kubeconfig)).toThrow(message)
  })
})

describe('kubeconfig files', () => {
  const a = [
    'current-context: a',
    'clusters: [{name: one, cluster: {server: "https://a", certificate-authority: ca.pem}}]',
    'users: [{name: u, user: {exec: {command: ./bin/plugin, args: [x]}}}]',
    'contexts: [{name: a, context: {cluster: one, user: u}}]',
  ].join('\n')
  const b = [
    'current-context: b',
    'clusters: [{name: one, cluster: {server: "https://b"}}, {name: two, cluster: {server: "https://c"}}]',
    'contexts: [{name: b, context: {cluster: two, user: u}}]',
  ].join('\n')
  test('the first file wins for the current context and each name; paths are relative to their file', () => {
    const merged = parse(
      mergeKubeconfigs([
        { path: '/home/r/a/config', text: a },
        { path: '/x/b', text: b },
      ]),
    )
    expect(merged['current-context']).toBe('a')
    expect(merged.clusters).toEqual([
      { name: 'one', cluster: { server: 'https://a', 'certificate-authority': '/home/r/a/ca.pem' } },
      { name: 'two', cluster: { server: 'https://c' } },
    ])
    expect(merged.users[0].user.exec).toEqual({ command: '/home/r/a/bin/plugin', args: ['x'] })
    expect(merged.contexts.map((c: { name: string }) => c.name)).toEqual(['a', 'b'])
  })
  test('a later file sets the current context when the first has none', () => {
    const merged = mergeKubeconfigs([
      { path: '/a', text: 'clusters: []' },
      { path: '/b', text: b },
    ])
    expect(parse(merged)['current-context']).toBe('b')
  })
  test('$KUBECONFIG is a list; without it, ~/.kube/config', () => {
    expect(kubeconfigPaths('/a::/b', '/home/r')).toEqual(['/a', '/b'])
    expect(kubeconfigPaths('', '/home/r')).toEqual(['/home/r/.kube/config'])
  })
})

describe('exec credentials', () => {
  test('a token and its expiry', () => {
    const out = JSON.stringify({ status: { token: 'tok', expirationTimestamp: '2030-01-01T00:00:00Z' } })
    expect(parseExecCredential(out, 'aws')).toMatchObject({
      token: 'tok',
      expiresAt: Date.parse('2030-01-01T00:00:00Z'),
    })
  })
  test('what the plugin printed is never quoted in an error', () => {
    for (const out of ['secret-token-value', JSON.stringify({ status: { nothing: 'secret-token-value' } })]) {
      let message = ''
      try {
        parseExecCredential(out, 'p')
      } catch (e) {
        message = (e as Error).message
      }
      expect(message).toMatch(/credential plugin "p"/)
      expect(message).not.toContain('secret-token-value')
    }
  })
})

describe('a refused OIDC token', () => {
  const expected = { audience: 'k8s', repository: 'o/r', nowSeconds: 1000 }
  const claims = {
    iss: 'https://issuer',
    aud: 'k8s',
    sub: 'repo:o/r:pull_request',
    repository: 'o/r',
    iat: 600,
    exp: 900,
  }
  test('expired', () => {
    expect(explainRefusal(401, jwtClaims(jwt(claims)), expected)).toMatch(
      /expired at 1970-01-01T00:15:00.000Z/,
    )
  })
  test('another audience', () => {
    expect(explainRefusal(401, { ...claims, exp: 2000, aud: 'other' }, expected)).toMatch(
      /audience other, not oidc-audience "k8s"/,
    )
  })
  test('another repository', () => {
    expect(explainRefusal(401, { ...claims, exp: 2000, repository: 'x/y' }, expected)).toMatch(
      /repository x\/y, not this workflow's o\/r/,
    )
  })
  test('otherwise: what the API server must trust, or which RBAC subject to bind', () => {
    expect(explainRefusal(401, { ...claims, exp: 2000 }, expected)).toMatch(
      /must trust the issuer https:\/\/issuer with the audience "k8s"/,
    )
    expect(explainRefusal(403, { ...claims, exp: 2000 }, expected)).toMatch(
      /init --identity oidc --repo o\/r/,
    )
  })
})
