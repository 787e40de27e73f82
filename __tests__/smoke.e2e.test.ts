// The smoke check (issue #22): green means the URL answers. The bundled web, Service and route templates, the web
// pod on the real node running busybox httpd from the tools image, reached through the local Traefik at the
// cluster's HTTP address (smoke-connect, as a runner without the wildcard DNS record would): a page that answers,
// a 500, a 404 on the declared path, and a redirect to https on an http preview (Rails' force_ssl).
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { previewHarness } from './harness/preview.js'
import { realNode, realNodeWorkspace } from './harness/real-node.js'

const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url))
const { gh, run } = previewHarness({ timeout: '90s' })
const HTTP = new URL(process.env.PREVIEW_TEST_CLUSTER_HTTP || 'http://127.0.0.1:1')
const CONNECT = `${HTTP.hostname}:${HTTP.port || 80}`

/**
 * The web pod's shell: serves /www on the port the Service targets, with the given CGI script as
 * /cgi-bin/up (busybox httpd passes a script's output through as-is when it starts with a status line).
 */
const server = (cgi: string) =>
  [
    'mkdir -p /www/cgi-bin && echo "served by $(hostname)" > /www/index.html && echo ok > /www/up',
    // base64: the script's lines and escapes reach the file exactly as written, whatever the shell makes of quotes.
    `echo ${Buffer.from(`${cgi}\n`).toString('base64')} | base64 -d > /www/cgi-bin/up && chmod +x /www/cgi-bin/up`,
    "trap 'exit 0' TERM",
    'httpd -f -p 3000 -h /www & wait',
  ].join('\n')

// The readiness probe asks /up (a file); the smoke check asks what the test says (smoke-paths).
const values = (cgi = '#!/bin/sh\necho ok') => `web:
  args: ${JSON.stringify(['sh', '-c', server(cgi)])}
  healthPath: /up
  resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
`

/** Deploys a PR whose web pod runs `values`, with the smoke check through the local Traefik. */
const deploy = (repository: string, number: number, v: string, inputs: Record<string, string> = {}) =>
  run(
    { repository, number },
    {
      templates: 'preview',
      image: realNode().toolsImage,
      values: v,
      'smoke-connect': CONNECT,
      ...inputs,
    },
    {
      workspace: realNodeWorkspace(
        {},
        { dir: TEMPLATES, names: ['values.yaml', 'app-config.yaml', 'web.yaml', 'routes.yaml'] },
      ),
    },
  )

const lastStatus = (r: { outputs: Record<string, string> }) =>
  gh.statusesOf(Number(r.outputs['deployment-id'])).at(-1)

describe('the smoke check through the real front door', () => {
  test('the declared /up answers: 200 OK with its time, in the log, the summary and the comment', async () => {
    const r = await deploy('acme/smoke-ok', 1, values())
    expect(r.code === 0 ? '' : r.log).toBe('')
    expect(r.outputs.status).toBe('deployed')
    const host = new URL(r.outputs.url!).host
    expect(r.log).toMatch(new RegExp(`web: 200 OK in \\d+ ms \\(http://${host.replace(/\./g, '\\.')}/up\\)`))
    expect(r.summary).toMatch(/200 OK in \d+ ms/)
    expect(gh.comments.at(-1)?.body ?? '').toMatch(/200 OK in \d+ ms/)
    expect(lastStatus(r)?.state).toBe('success')
  }, 240_000)

  test('a 500 fails the run with its status line and the first bytes of its body', async () => {
    const cgi =
      '#!/bin/sh\nprintf "HTTP/1.0 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\n"\necho "PG::ConnectionBad: could not connect to server"'
    const r = await deploy('acme/smoke-500', 2, values(cgi), { 'smoke-paths': '{web: /cgi-bin/up}' })
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    for (const text of [r.log, r.summary]) {
      expect(text).toMatch(/500 Internal Server Error in \d+ ms/)
      expect(text).toContain('PG::ConnectionBad: could not connect to server')
    }
    expect(lastStatus(r)?.state).toBe('failure')
    expect(lastStatus(r)?.description).toMatch(/web.*500/)
  }, 240_000)

  test('a 404 on the declared path fails the run', async () => {
    const r = await deploy('acme/smoke-404', 3, values(), { 'smoke-paths': '{web: /healthz}' })
    expect(r.outputs.status).toBe('failed')
    expect(r.log).toMatch(/404 Not Found in \d+ ms.*declared path/)
    expect(lastStatus(r)?.state).toBe('failure')
  }, 240_000)

  test('a redirect to https on an http preview (force_ssl) fails the run and says why', async () => {
    const cgi =
      '#!/bin/sh\nprintf "HTTP/1.0 301 Moved Permanently\\r\\nLocation: https://%s/up\\r\\n\\r\\n" "$HTTP_HOST"'
    const r = await deploy('acme/smoke-force-ssl', 4, values(cgi), { 'smoke-paths': '{web: /cgi-bin/up}' })
    expect(r.outputs.status).toBe('failed')
    const host = new URL(r.outputs.url!).host
    expect(r.log).toContain(`301 Moved Permanently in`)
    expect(r.log).toContain(`https://${host}/up, which this preview does not serve`)
    expect(r.log).toMatch(/force_ssl/)
    expect(lastStatus(r)?.state).toBe('failure')
  }, 240_000)

  test('smoke-check: false leaves a broken page alone', async () => {
    const r = await deploy('acme/smoke-off', 5, values(), {
      'smoke-check': 'false',
      'smoke-paths': '{web: /healthz}',
    })
    expect(r.code === 0 ? '' : r.log).toBe('')
    expect(r.outputs.status).toBe('deployed')
    expect(r.log).not.toMatch(/404 Not Found/)
  }, 240_000)
})
