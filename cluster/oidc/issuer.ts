// The local cluster's OIDC issuer, standing in for GitHub's (https://token.actions.githubusercontent.com):
// - HTTPS on a loopback port: the discovery document and the signing keys, which kube-apiserver reads because its
//   authentication configuration (authentication.ts) trusts this issuer;
// - plain HTTP on another loopback port: the token URL, which answers like the runner's
//   ACTIONS_ID_TOKEN_REQUEST_URL (`GET <url>&audience=<aud>` with `Authorization: Bearer <request token>` gives
//   `{"value": "<JWT>"}`). The request token is base64url of JSON claim overrides (claims.ts, CONTRIBUTING.md).
// Runs inside the supervisor; its certificate is made with openssl into the cluster's pki folder.
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { join } from 'node:path'
import { claimsFor, parseRequestToken } from './claims.ts'

export interface Issuer {
  /** `https://127.0.0.1:<port>`: the `iss` of its tokens. */
  url: string
  /** The PEM of the certificate its HTTPS port serves (self-signed), for the API server's configuration. */
  caPem: string
  /** `http://127.0.0.1:<port>/token?api-version=2.0`: ACTIONS_ID_TOKEN_REQUEST_URL for tests. */
  tokenUrl: string
  close: () => void
}

const KEY_ID = 'preview-local-1'

/** A self-signed certificate for 127.0.0.1 and localhost, valid for 30 days (a cluster lives for a test run). */
function certificate(pki: string): { cert: string; key: string } {
  const cert = join(pki, 'oidc-issuer.crt')
  const key = join(pki, 'oidc-issuer.key')
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=preview-local-oidc-issuer',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  )
  if (r.error || r.status !== 0)
    throw new Error(`openssl could not make the OIDC issuer's certificate: ${r.error?.message ?? r.stderr}`)
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') }
}

function jwt(claims: object, key: KeyObject): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })}.${part(claims)}`
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

const listen = (server: { listen: (port: number, host: string, cb: () => void) => void }, port: number) =>
  new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))

export async function startIssuer(o: {
  pki: string
  issuerPort: number
  tokenPort: number
  log: (message: string) => void
}): Promise<Issuer> {
  const url = `https://127.0.0.1:${o.issuerPort}`
  const { cert, key } = certificate(o.pki)
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' }] }
  const discovery = {
    issuer: url,
    jwks_uri: `${url}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'sha', 'repository'],
    scopes_supported: ['openid'],
  }
  const keys = createHttpsServer({ cert, key }, (req, res) => {
    if (req.url === '/.well-known/openid-configuration') return answer(res, 200, discovery)
    if (req.url === '/.well-known/jwks') return answer(res, 200, jwks)
    answer(res, 404, { message: 'not found' })
  })
  const tokens = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' || u.pathname !== '/token') return answer(res, 404, { message: 'not found' })
    const bearer = /^Bearer (.*)$/i.exec(req.headers.authorization ?? '')?.[1]
    if (bearer === undefined) return answer(res, 401, { message: 'no Authorization: Bearer <request token>' })
    let overrides: Record<string, unknown>
    try {
      overrides = parseRequestToken(bearer)
    } catch (e) {
      return answer(res, 401, { message: (e as Error).message })
    }
    const claims = claimsFor({
      issuer: url,
      audience: u.searchParams.get('audience') ?? undefined,
      nowSeconds: Math.floor(Date.now() / 1000),
      overrides,
      jti: randomUUID(),
    })
    o.log(`OIDC token for ${claims.sub} (aud ${claims.aud}, lives ${claims.exp - claims.iat} s)`)
    answer(res, 200, { value: jwt(claims, privateKey) })
  })
  await Promise.all([listen(keys, o.issuerPort), listen(tokens, o.tokenPort)])
  return {
    url,
    caPem: cert,
    tokenUrl: `http://127.0.0.1:${o.tokenPort}/token?api-version=2.0`,
    close: () => {
      keys.close()
      tokens.close()
    },
  }
}
