// The smoke check's pure parts: which URL per service, what an answer means, and the retry loop over a probe
// that answers from a script (the real request is __tests__/smoke.e2e.test.ts's business).
import { describe, expect, test } from '@jest/globals'
import { smokeCheck, type HttpProbe, type ProbeRequest } from '../src/smoke/check.js'
import { declaredSmokePaths, smokeTargets } from '../src/smoke/targets.js'
import { parseSmokeConnect, parseSmokePaths } from '../src/inputs/smoke.js'
import { judgeAnswer, type Answer, type AnswerContext } from '../src/smoke/verdict.js'

const ok = (status: number, extra: Partial<Extract<Answer, { kind: 'response' }>> = {}): Answer => ({
  kind: 'response',
  status,
  statusText:
    {
      200: 'OK',
      301: 'Moved Permanently',
      401: 'Unauthorized',
      404: 'Not Found',
      500: 'Internal Server Error',
      503: 'Service Unavailable',
    }[status] ?? '',
  body: '',
  ms: 12,
  ...extra,
})
const ctx = (c: Partial<AnswerContext> = {}): AnswerContext => ({
  url: 'http://pr-7.preview.example.test/up',
  declared: true,
  hosts: new Set(['pr-7.preview.example.test', 'kibana-pr-7.preview.example.test']),
  scheme: 'http',
  ownAuth: false,
  ...c,
})

describe('targets', () => {
  const routes = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'web',
        annotations: { 'kube-pr-preview.io/service': 'web', 'kube-pr-preview.io/smoke-path': '/up' },
      },
    },
  ]
  const urls = { web: 'https://pr-7.example.test', api: 'https://api-pr-7.example.test' }
  test('declared by the templates, overridden by the input, else / (undeclared)', () => {
    expect(smokeTargets(urls, declaredSmokePaths(routes), {})).toEqual([
      { service: 'web', url: 'https://pr-7.example.test/up', declared: true },
      { service: 'api', url: 'https://api-pr-7.example.test/', declared: false },
    ])
    expect(smokeTargets(urls, declaredSmokePaths(routes), { web: '/health', api: '/v1/ping' })).toEqual([
      { service: 'web', url: 'https://pr-7.example.test/health', declared: true },
      { service: 'api', url: 'https://api-pr-7.example.test/v1/ping', declared: true },
    ])
  })
})

describe('what an answer means', () => {
  test('2xx works', () => {
    expect(judgeAnswer(ok(200), ctx())).toEqual({ outcome: 'ok', text: '200 OK in 12 ms' })
  })
  test('5xx and 404 are asked again (a controller picking up a route answers them for a moment)', () => {
    expect(judgeAnswer(ok(500, { body: 'boom' }), ctx()).outcome).toBe('retry')
    expect(judgeAnswer(ok(404), ctx()).outcome).toBe('retry')
  })
  test('a redirect within the preview is followed; to https on an http preview it fails and names force_ssl', () => {
    expect(judgeAnswer(ok(302, { location: '/login' }), ctx())).toEqual({
      outcome: 'follow',
      url: 'http://pr-7.preview.example.test/login',
    })
    const v = judgeAnswer(ok(301, { location: 'https://pr-7.preview.example.test/up' }), ctx())
    expect(v.outcome).toBe('fail')
    expect(v.outcome === 'fail' && v.text).toMatch(/which this preview does not serve.*force_ssl/)
    expect(judgeAnswer(ok(302, { location: 'https://accounts.example.com/' }), ctx()).outcome).toBe('fail')
  })
  test("401/403 of protection the action did not set up is a warning; a 401 behind the action's own password fails", () => {
    expect(judgeAnswer(ok(401), ctx()).outcome).toBe('warn')
    expect(judgeAnswer(ok(403), ctx({ ownAuth: true })).outcome).toBe('warn')
    expect(judgeAnswer(ok(401), ctx({ ownAuth: true })).outcome).toBe('fail')
  })
  test('a host that does not resolve from the runner is a warning; refused is asked again', () => {
    expect(
      judgeAnswer({ kind: 'error', code: 'unresolved', message: 'ENOTFOUND', ms: 3 }, ctx()).outcome,
    ).toBe('warn')
    expect(
      judgeAnswer({ kind: 'error', code: 'refused', message: 'ECONNREFUSED', ms: 3 }, ctx()).outcome,
    ).toBe('retry')
  })
})

/** A probe that answers each URL from a list, one answer per request (the last one repeats). */
function scripted(answers: Record<string, Answer[]>): HttpProbe & { seen: ProbeRequest[] } {
  const seen: ProbeRequest[] = []
  return {
    seen,
    async request(r) {
      seen.push(r)
      const list = answers[r.url]!
      return list.length > 1 ? list.shift()! : list[0]!
    },
  }
}

describe('the check', () => {
  let clock = 0
  const options = {
    scheme: 'http',
    connectTo: { host: '127.0.0.1', port: 8080 },
    basicAuth: { user: 'u', password: 'p' },
    retryMs: 20_000,
    deadline: Infinity,
    now: () => clock,
    sleep: async (ms: number) => void (clock += ms),
  }
  const web = { service: 'web', url: 'http://pr-7.preview.example.test/up', declared: true }
  const root = { service: 'api', url: 'http://api-pr-7.preview.example.test/', declared: false }

  test('a 503 while the route is picked up, then 200: ok, with connect-to and the credentials sent', async () => {
    clock = 0
    const probe = scripted({ [web.url]: [ok(503), ok(503), ok(200)] })
    expect(await smokeCheck(probe, [web], options)).toEqual([
      { service: 'web', url: web.url, outcome: 'ok', text: '200 OK in 12 ms' },
    ])
    expect(probe.seen[0]).toMatchObject({
      connectTo: { host: '127.0.0.1', port: 8080 },
      basicAuth: { user: 'u' },
    })
  })

  test('a 404 that stays: fails on a declared path, a warning on /', async () => {
    clock = 0
    const probe = scripted({ [web.url]: [ok(404)], [root.url]: [ok(404)] })
    const [a, b] = await smokeCheck(probe, [web, root], options)
    expect(a).toMatchObject({
      outcome: 'fail',
      text: expect.stringMatching(/404 Not Found in 12 ms.*declared path/),
    })
    expect(b).toMatchObject({ outcome: 'warn' })
    expect(clock).toBeGreaterThanOrEqual(20_000)
  })

  test('a 500 that stays fails with the first bytes of the body', async () => {
    clock = 0
    const probe = scripted({ [web.url]: [ok(500, { body: 'PG::ConnectionBad: could not connect' })] })
    const [a] = await smokeCheck(probe, [web], options)
    expect(a).toMatchObject({
      outcome: 'fail',
      text: '500 Internal Server Error in 12 ms: PG::ConnectionBad: could not connect',
    })
  })
})

describe('inputs', () => {
  test('smoke-paths: a mapping of service to path; errors name the input', () => {
    expect(parseSmokePaths('{web: /up, api: /v1/health}')).toEqual({ web: '/up', api: '/v1/health' })
    expect(parseSmokePaths('')).toEqual({})
    expect(() => parseSmokePaths('web: up')).toThrow(/smoke-paths.*web: "up" is not a path/)
    expect(() => parseSmokePaths('[/up]')).toThrow(/smoke-paths.*YAML mapping/)
  })
  test('smoke-connect: host:port', () => {
    expect(parseSmokeConnect('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 })
    expect(parseSmokeConnect('[::1]:80')).toEqual({ host: '::1', port: 80 })
    expect(parseSmokeConnect('')).toBeNull()
    expect(() => parseSmokeConnect('ingress.internal')).toThrow(/smoke-connect.*host:port/)
  })
})
