// The front door through a real controller: the local cluster's Traefik reads the previews' Ingresses and
// HTTPRoutes, sets their status and proxies real HTTP requests. Backends on kwok pods answer nothing, so "routed"
// means Traefik did not answer 404 for the preview's host (its 502/503 for the unreachable pod is expected).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { eventually } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'

const { kube, run, namespaceExists, leaksOf } = previewHarness()
const HTTP = process.env.PREVIEW_TEST_CLUSTER_HTTP ?? ''
const GATEWAY = process.env.PREVIEW_TEST_CLUSTER_GATEWAY ?? ''

/** GET / for a host through the local Traefik: the status code. */
function get(host: string, auth?: string, base = HTTP): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host }
    if (auth) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`
    const req = request(`${base}/`, { headers, timeout: 10_000 }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.end()
  })
}

const host = (url: string) => new URL(url).host
const routed = (code: number) => code !== 404 && code !== 0

describe('the local cluster has a real front door', () => {
  test('cluster:up printed the Gateway and the HTTP address; unknown hosts get 404', async () => {
    expect(GATEWAY).toBe('preview-gateway/previews')
    expect(HTTP).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await get('nobody.preview.example.test')).toBe(404)
  })
})

describe('Ingress mode', () => {
  test("the cluster's default class; Traefik routes the preview's host, and 404 again after the PR closes", async () => {
    const pr = { repository: 'acme/ingress-door', number: 1 }
    const opened = await run(pr, { values: 'kibana: {enabled: true}' })
    expect(opened.code === 0 ? '' : opened.log).toBe('')
    const url = opened.outputs.url!
    expect(url).toMatch(/^http:\/\/ingress-door-.*\.preview\.example\.test$/)
    const ns = opened.outputs.namespace!
    const ingresses = (await kube.networking.listNamespacedIngress({ namespace: ns })).items
    expect(ingresses.map((i) => [i.metadata!.name, i.spec!.ingressClassName])).toEqual([['web', 'traefik']])
    expect(opened.summary).toContain('Ingress web: picked up by the traefik controller (address 127.0.0.1)')
    expect(opened.summary).toMatch(
      /kibana is internal.*kubectl port-forward -n preview-ingress-door-\w+-pr-1 svc\/kibana/,
    )
    expect(JSON.parse(opened.outputs.urls!)).toEqual({ web: url })
    await eventually('Traefik to route the preview host', () => get(host(url)), routed, 15_000)
    expect(await get(`kibana-${host(url)}`)).toBe(404)

    const closed = await run({ ...pr, action: 'closed' })
    expect(closed.outputs.status).toBe('destroyed')
    await eventually(
      'the host to be gone',
      () => get(host(url)),
      (c) => c === 404,
      30_000,
    )
  })

  test('a class the cluster does not have: nothing is applied, and the error lists the classes', async () => {
    const r = await run({ repository: 'acme/no-class', number: 2 }, { 'ingress-class': 'nginx' })
    expect(r.code).not.toBe(0)
    expect(r.log).toContain('the cluster has no IngressClass "nginx"; the cluster has: traefik.')
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
  })
})

describe('tls-secret', () => {
  test('copied into the preview, used by every Ingress, https URLs; kept in sync, and pruned when dropped', async () => {
    const certs = 'preview-certs'
    if (!(await namespaceExists(certs)))
      await kube.core.createNamespace({ body: { metadata: { name: certs } } })
    const secret = (crt: string) => ({
      metadata: { name: 'wildcard' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(crt).toString('base64'),
        'tls.key': Buffer.from('key').toString('base64'),
      },
    })
    await kube.core.createNamespacedSecret({ namespace: certs, body: secret('first') })
    const pr = { repository: 'acme/tls-door', number: 7 }
    const opened = await run(pr, {
      'tls-secret': `${certs}/wildcard`,
      values: 'kibana: {enabled: true, public: true}',
    })
    expect(opened.code === 0 ? '' : opened.log).toBe('')
    const ns = opened.outputs.namespace!
    expect(opened.outputs.url).toMatch(/^https:\/\//)
    const copy = await kube.core.readNamespacedSecret({ name: 'preview-tls', namespace: ns })
    expect(Buffer.from(copy.data!['tls.crt']!, 'base64').toString()).toBe('first')
    const ingresses = (await kube.networking.listNamespacedIngress({ namespace: ns })).items
    expect(ingresses.map((i) => [i.metadata!.name, i.spec!.tls]).sort()).toEqual([
      ['kibana', [{ hosts: [host(JSON.parse(opened.outputs.urls!).kibana)], secretName: 'preview-tls' }]],
      ['web', [{ hosts: [host(opened.outputs.url!)], secretName: 'preview-tls' }]],
    ])
    // A renewed certificate reaches the preview on its next deploy; without the input, the copy goes.
    await kube.core.replaceNamespacedSecret({ name: 'wildcard', namespace: certs, body: secret('renewed') })
    const again = await run({ ...pr, action: 'synchronize' }, { 'tls-secret': `${certs}/wildcard` })
    expect(again.code === 0 ? '' : again.log).toBe('')
    const renewed = await kube.core.readNamespacedSecret({ name: 'preview-tls', namespace: ns })
    expect(Buffer.from(renewed.data!['tls.crt']!, 'base64').toString()).toBe('renewed')
    const dropped = await run({ ...pr, action: 'synchronize' })
    expect(dropped.code === 0 ? '' : dropped.log).toBe('')
    expect(dropped.outputs.url).toMatch(/^http:\/\//)
    const secrets = (await kube.core.listNamespacedSecret({ namespace: ns })).items.map(
      (x) => x.metadata!.name,
    )
    expect(secrets).not.toContain('preview-tls')
  })
})

describe('Gateway mode', () => {
  test('HTTPRoutes on the shared Gateway: accepted, URLs from their hostnames, routed; 404 after close', async () => {
    const pr = { repository: 'acme/gateway-door', number: 3 }
    const opened = await run(pr, { gateway: GATEWAY, values: 'kibana: {enabled: true, public: true}' })
    expect(opened.code === 0 ? '' : opened.log).toBe('')
    const ns = opened.outputs.namespace!
    const urls = JSON.parse(opened.outputs.urls!) as Record<string, string>
    expect(Object.keys(urls).sort()).toEqual(['kibana', 'web'])
    expect(urls.web).toBe(opened.outputs.url)
    expect(opened.log).toMatch(/HTTPRoute web: accepted by Gateway preview-gateway\/previews/)
    expect((await kube.networking.listNamespacedIngress({ namespace: ns })).items).toEqual([])
    for (const url of Object.values(urls))
      await eventually(`Traefik to route ${url}`, () => get(host(url)), routed, 15_000)

    const closed = await run({ ...pr, action: 'closed' })
    expect(closed.outputs.status).toBe('destroyed')
    await eventually(
      'the host to be gone',
      () => get(host(urls.web!)),
      (c) => c === 404,
      30_000,
    )
  })

  test('with basic-auth, both routes go to the auth proxy and the Gateway resolves them', async () => {
    const r = await run(
      { repository: 'acme/gateway-locked', number: 8 },
      { gateway: GATEWAY, 'basic-auth': 'qa:pw', values: 'kibana: {enabled: true}' },
    )
    expect(r.code === 0 ? '' : r.log).toBe('')
    expect(Object.keys(JSON.parse(r.outputs.urls!) as object).sort()).toEqual(['kibana', 'web'])
    expect(r.log).toMatch(/HTTPRoute kibana: accepted by Gateway preview-gateway\/previews/)
    const routes = (await kube.objects.list(
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      r.outputs.namespace!,
    )) as unknown as {
      items: Array<{ spec: { rules: Array<{ backendRefs: Array<{ name: string; port: number }> }> } }>
    }
    expect(
      routes.items.map((x) => x.spec.rules[0]!.backendRefs[0]!).sort((a, b) => a.port - b.port),
    ).toMatchObject([
      { name: 'auth-proxy', port: 8080 },
      { name: 'auth-proxy', port: 8081 },
    ])
  })

  test("a host no listener takes: the run fails with the controller's own reason", async () => {
    const r = await run(
      { repository: 'acme/elsewhere', number: 4 },
      { gateway: GATEWAY, domain: 'elsewhere.example.test' },
    )
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    expect(r.log).toMatch(
      /HTTPRoute web: not accepted by Gateway preview-gateway\/previews: NoMatchingListenerHostname/,
    )
  })

  test('a Gateway that does not exist: nothing is applied', async () => {
    const r = await run({ repository: 'acme/nogw', number: 5 }, { gateway: 'preview-gateway/missing' })
    expect(r.code).not.toBe(0)
    expect(r.log).toContain('Input "gateway": the cluster has no Gateway preview-gateway/missing.')
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
  })
})

describe('basic-auth', () => {
  const started: Array<ChildProcess | Server> = []
  afterAll(() => {
    for (const s of started)
      if ('kill' in s) s.kill('SIGTERM')
      else s.close()
  })

  test('every host goes through the auth proxy; its nginx, run for real behind Traefik: 401 without, routed with', async () => {
    const pr = { repository: 'acme/locked', number: 6 }
    const opened = await run(pr, { 'basic-auth': 'qa:open sesame', values: 'kibana: {enabled: true}' })
    expect(opened.code === 0 ? '' : opened.log).toBe('')
    const shown = opened.log.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain('open sesame') // masked: the runner hides it in every later line
    const ns = opened.outputs.namespace!
    const urls = JSON.parse(opened.outputs.urls!) as Record<string, string>
    expect(Object.keys(urls).sort()).toEqual(['kibana', 'web'])
    const ingresses = (await kube.networking.listNamespacedIngress({ namespace: ns })).items
    expect(
      ingresses
        .map((i) => [i.metadata!.name, i.spec!.rules![0]!.http!.paths[0]!.backend.service!.name])
        .sort(),
    ).toEqual([
      ['kibana', 'auth-proxy'],
      ['web', 'auth-proxy'],
    ])
    // The proxy's pod cannot run on kwok's fake node: run the very nginx configuration and password file the
    // action applied on this machine, in front of a stand-in web app, and send Traefik's requests to it.
    const conf = (await kube.core.readNamespacedConfigMap({ name: 'auth-proxy', namespace: ns })).data![
      'default.conf'
    ]!
    const secret = (await kube.core.readNamespacedSecret({ name: 'auth-proxy', namespace: ns })).data!
    const nginx = spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' })
    expect(nginx.stdout.trim()).not.toBe('') // CI installs Debian's nginx-light
    const app = createServer((_req, res) => res.end('the preview')).listen(0, '127.0.0.1')
    started.push(app)
    await new Promise((r) => app.once('listening', r))
    const appPort = (app.address() as { port: number }).port
    const proxyPort = 20000 + Math.floor(Math.random() * 10000)
    const dir = mkdtempSync(join(tmpdir(), 'auth-proxy-'))
    chmodSync(dir, 0o755) // nginx's workers drop root and read the password file per request
    writeFileSync(join(dir, 'htpasswd'), Buffer.from(secret.htpasswd!, 'base64'), { mode: 0o644 })
    const local = conf
      .replace('/etc/nginx/auth/htpasswd', join(dir, 'htpasswd'))
      .replace('listen 8080;', `listen 127.0.0.1:${proxyPort};`)
      .replace('listen 8081;', `listen 127.0.0.1:${proxyPort + 1};`)
      .replace('listen 8090;', `listen 127.0.0.1:${proxyPort + 2};`)
      .replace(/proxy_pass http:\/\/(web|kibana):80;/g, `proxy_pass http://127.0.0.1:${appPort};`)
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log; events {} http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; ${local} }`,
    )
    const proc = spawn(nginx.stdout.trim().split('\n')[0]!, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
      stdio: 'inherit',
    })
    started.push(proc)
    await eventually(
      'nginx to listen',
      () => get('x', undefined, `http://127.0.0.1:${proxyPort}`),
      (c) => c === 401,
      10_000,
    )
    // Traefik reaches a process on this machine through an ExternalName Service (pods cannot have loopback IPs).
    const proofNs = 'auth-proof'
    if (!(await namespaceExists(proofNs)))
      await kube.core.createNamespace({ body: { metadata: { name: proofNs } } })
    await kube.core.createNamespacedService({
      namespace: proofNs,
      body: {
        metadata: { name: 'auth-proxy' },
        spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ name: 'web', port: proxyPort }] },
      },
    })
    const proofHost = 'auth-proof.preview.example.test'
    await kube.networking.createNamespacedIngress({
      namespace: proofNs,
      body: {
        metadata: { name: 'auth-proof' },
        spec: {
          ingressClassName: 'traefik',
          rules: [
            {
              host: proofHost,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'auth-proxy', port: { number: proxyPort } } },
                  },
                ],
              },
            },
          ],
        },
      },
    })
    await eventually(
      'Traefik to ask for the password',
      () => get(proofHost),
      (c) => c === 401,
      15_000,
    )
    expect(await get(proofHost, 'qa:wrong')).toBe(401)
    expect(await get(proofHost, 'qa:open sesame')).toBe(200)
    // Kibana's listener asks too.
    expect(await get('x', undefined, `http://127.0.0.1:${proxyPort + 1}`)).toBe(401)
    expect(await get('x', 'qa:open sesame', `http://127.0.0.1:${proxyPort + 1}`)).toBe(200)
    // And the preview's own hosts are routed by Traefik (to the proxy's pod, which kwok does not run).
    await eventually('Traefik to route the preview host', () => get(host(urls.web!)), routed, 15_000)

    // The password is in no output, summary, GitHub deployment, status or comment, and in no live object of the
    // preview (the Secret holds a salted hash).
    expect(leaksOf(opened, pr.repository, 'open sesame')).toEqual([])
    const live = [
      ...(await kube.core.listNamespacedSecret({ namespace: ns })).items.flatMap((x) =>
        Object.values(x.data ?? {}).map((v) => Buffer.from(v, 'base64').toString()),
      ),
      ...(await kube.core.listNamespacedConfigMap({ namespace: ns })).items.map((x) =>
        JSON.stringify(x.data),
      ),
      JSON.stringify((await kube.apps.listNamespacedDeployment({ namespace: ns })).items),
    ]
    expect(live.filter((text) => text.includes('open sesame'))).toEqual([])

    // A new password rolls the proxy (its pod template changes), and the old one no longer opens the door.
    const checksum = async () =>
      (await kube.apps.readNamespacedDeployment({ name: 'auth-proxy', namespace: ns })).spec!.template
        .metadata!.annotations!['kube-pr-preview.io/auth-checksum']
    const before = await checksum()
    const changed = await run({ ...pr, action: 'synchronize' }, { 'basic-auth': 'qa:new secret' })
    expect(changed.code === 0 ? '' : changed.log).toBe('')
    expect(await checksum()).not.toBe(before)
    const renewed = (await kube.core.readNamespacedSecret({ name: 'auth-proxy', namespace: ns })).data!
    writeFileSync(join(dir, 'htpasswd'), Buffer.from(renewed.htpasswd!, 'base64'), { mode: 0o644 })
    expect(await get(proofHost, 'qa:open sesame')).toBe(401)
    expect(await get(proofHost, 'qa:new secret')).toBe(200)
    expect(leaksOf(changed, pr.repository, 'new secret')).toEqual([])
  })
})
