// A preview's URL, through the local cluster's real controller, to a pod that really runs: the bundled web,
// Service and route templates, with the web Deployment placed on the real node (cluster/node/) running busybox
// httpd from the tools image. Traefik (cluster/gateway/) reads the route, proxies to the pod's IP (the real node's
// pod network is routed on this machine) and returns the page the pod wrote; after the PR closes, 404.
import { cpSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { eventually } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import { realNode, realNodeWorkspace } from './harness/real-node.js'

const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url))
const { kube, run } = previewHarness({ timeout: '90s' })
const HTTP = process.env.PREVIEW_TEST_CLUSTER_HTTP ?? ''
const GATEWAY = process.env.PREVIEW_TEST_CLUSTER_GATEWAY ?? ''

/** GET / for a host through the local Traefik (as `user:password`, when given): the status code and the body. */
function get(host: string, auth?: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${HTTP}/`, { headers: { host }, auth, timeout: 10_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.end()
  })
}

// The bundled web template runs `args` with the image's entrypoint; the tools image has none, so they are the
// command: write a page naming the pod, and serve it on the port the Service targets (web.port). httpd runs as a
// child, so that the shell ends on SIGTERM (as PID 1 httpd would ignore it, and the close would wait 30 s for
// the pod's grace period).
const page = [
  'mkdir -p /www && echo "served by $(hostname)" > /www/index.html',
  "trap 'exit 0' TERM",
  'httpd -f -p 3000 -h /www & wait',
].join('\n')
const values = `web:
  args: ${JSON.stringify(['sh', '-c', page])}
  healthPath: /index.html
  resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
`

/** Deploys (or closes) a PR whose web, Service and route are the bundled templates, the web pod on the real node. */
const deploy = (repository: string, number: number, inputs: Record<string, string> = {}, action?: 'closed') =>
  run(
    { repository, number, ...(action ? { action } : {}) },
    // The local front door (Traefik) is a process on the host, not a pod of a namespace: the real node enforces
    // NetworkPolicy (cluster/node/netpol/), and the guardrail admits the front door by namespace, so this test of
    // routing leaves the guardrail out. (An ipBlock peer for such a front door is the front-door-cidrs input.)
    { templates: 'preview', image: realNode().toolsImage, values, 'network-policy': 'false', ...inputs },
    {
      workspace: realNodeWorkspace(
        {},
        { dir: TEMPLATES, names: ['values.yaml', 'app-config.yaml', 'web.yaml', 'routes.yaml'] },
      ),
    },
  )

/** Opens a preview, checks Traefik serves the pod's own page on its host, closes it and checks the 404. */
async function routedToTheRealPod(
  repository: string,
  inputs: Record<string, string>,
  routes: (namespace: string) => Promise<unknown>,
) {
  const opened = await deploy(repository, 1, inputs)
  expect(opened.code === 0 ? '' : opened.log).toBe('')
  expect(opened.outputs.status).toBe('deployed')
  const ns = opened.outputs.namespace!
  await routes(ns)
  const [pod, ...others] = (
    await kube.core.listNamespacedPod({ namespace: ns, labelSelector: 'app.kubernetes.io/name=web' })
  ).items
  expect(others).toEqual([])
  expect(pod!.spec!.nodeName).toBe(realNode().name)
  const host = new URL(opened.outputs.url!).host
  const reply = await eventually(
    `Traefik to serve ${host} from the pod`,
    () => get(host),
    (r) => r.code === 200,
    20_000,
  )
  expect(reply.body).toBe(`served by ${pod!.metadata!.name}\n`)

  const closed = await deploy(repository, 1, inputs, 'closed')
  expect(closed.outputs.status).toBe('destroyed')
  await eventually(
    `${host} to be gone`,
    () => get(host),
    (r) => r.code === 404,
    30_000,
  )
  return opened
}

describe('a preview routed by the real controller to a pod on the real node', () => {
  test('Ingress mode: 200 with the page the pod serves, 404 after the PR closes', async () => {
    const opened = await routedToTheRealPod('acme/routed-ingress', {}, async (namespace) => {
      const ingresses = (await kube.networking.listNamespacedIngress({ namespace })).items
      expect(ingresses.map((i) => [i.metadata!.name, i.spec!.ingressClassName])).toEqual([['web', 'traefik']])
    })
    expect(opened.summary).toContain('Ingress web: picked up by the traefik controller')
  }, 240_000)

  test("Gateway mode: the HTTPRoute on the shared Gateway, 200 with the pod's page, 404 after close", async () => {
    expect(GATEWAY).toBe('preview-gateway/previews')
    const opened = await routedToTheRealPod(
      'acme/routed-gateway',
      { gateway: GATEWAY },
      async (namespace) => {
        expect((await kube.networking.listNamespacedIngress({ namespace })).items).toEqual([])
        const routes = await kube.objects.list('gateway.networking.k8s.io/v1', 'HTTPRoute', namespace)
        expect(routes.items.map((r) => r.metadata!.name)).toEqual(['web'])
      },
    )
    expect(opened.log).toMatch(/HTTPRoute web: accepted by Gateway preview-gateway\/previews/)
  }, 240_000)
})

// README "basic-auth": every host asks for the password at the auth proxy (templates/auth-proxy.yaml), whose nginx
// runs here for real on the real node (the stand-in nginx image of cluster/images/), in front of the real web pod
// and a Kibana stand-in (busybox httpd behind the Service the bundled kibana.yaml makes), behind Traefik, with the
// guardrails' NetworkPolicies on (the real node enforces them).
const kibanaStandIn = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: kibana
  labels: { app.kubernetes.io/name: kibana }
spec:
  selector: { matchLabels: { app.kubernetes.io/name: kibana } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: kibana }
    spec:
      automountServiceAccountToken: false
      containers:
        - name: kibana
          image: {{values.images.tools}}
          command: ${JSON.stringify(['sh', '-c', "mkdir -p /www && echo 'kibana stand-in' > /www/index.html\ntrap 'exit 0' TERM\nhttpd -f -p 5601 -h /www & wait"])}
          readinessProbe: { httpGet: { path: /index.html, port: 5601 }, periodSeconds: 2 }
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
---
apiVersion: v1
kind: Service
metadata:
  name: kibana
  labels: { app.kubernetes.io/name: kibana }
spec:
  selector: { app.kubernetes.io/name: kibana }
  ports: [{ name: http, port: 80, targetPort: 5601 }]
`

/** The workspace with the action's own auth-proxy.yaml, unchanged (basic-auth refuses any other). */
function ownProxy(workspace: string): string {
  cpSync(join(TEMPLATES, 'auth-proxy.yaml'), join(workspace, 'preview', 'auth-proxy.yaml'))
  return workspace
}

describe('basic-auth: the auth proxy, run for real', () => {
  test("through Traefik, on the web and Kibana hosts: 401 without the password or with a wrong one, the pod's page with it; a new password rolls the proxy and the old one stops opening", async () => {
    const repository = 'acme/routed-auth'
    const names = ['values.yaml', 'app-config.yaml', 'web.yaml', 'routes.yaml', 'auth-proxy.yaml']
    const kibanaValues = `kibana: { enabled: true }\nelasticsearch: { enabled: true }\nimages: { tools: ${realNode().toolsImage} }\n`
    const deployAuth = (password: string, action?: 'synchronize' | 'closed') =>
      run(
        { repository, number: 1, ...(action ? { action } : {}) },
        {
          templates: 'preview',
          image: realNode().toolsImage,
          values: values + kibanaValues,
          'basic-auth': `qa:${password}`,
        },
        {
          workspace: ownProxy(realNodeWorkspace({ 'kibana.yaml': kibanaStandIn }, { dir: TEMPLATES, names })),
        },
      )
    const opened = await deployAuth('open sesame')
    expect(opened.code === 0 ? '' : opened.log).toBe('')
    const ns = opened.outputs.namespace!
    const pods = async (name: string) =>
      (
        await kube.core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/name=${name}` })
      ).items.filter((p) => !p.metadata!.deletionTimestamp)
    // basic-auth reserves the action's own auth-proxy.yaml, unchanged: the test, not the template, moves the proxy
    // to the real node, with a patch of the live Deployment by another field manager (the action's later applies
    // leave those fields alone).
    await kube.apps.patchNamespacedDeployment({
      name: 'auth-proxy',
      namespace: ns,
      body: [
        {
          op: 'add',
          path: '/spec/template/spec/nodeSelector',
          value: { 'kubernetes.io/hostname': realNode().name },
        },
        {
          op: 'add',
          path: '/spec/template/spec/tolerations',
          value: [{ key: 'preview.local/real-node', operator: 'Exists', effect: 'NoSchedule' }],
        },
      ],
    })
    // Ready: nginx answered its readiness probe (/healthz on its own port) on the real node.
    const [proxy] = await eventually(
      'the auth proxy, ready on the real node',
      () => pods('auth-proxy'),
      (ps) =>
        ps.length === 1 &&
        ps[0]!.spec!.nodeName === realNode().name &&
        (ps[0]!.status?.containerStatuses ?? []).map((c) => c.ready).join() === 'true',
      90_000,
    )
    const [web] = await pods('web')
    const urls = JSON.parse(opened.outputs.urls!) as Record<string, string>
    const hosts = { web: new URL(urls.web!).host, kibana: new URL(urls.kibana!).host }
    const pages = { web: `served by ${web!.metadata!.name}\n`, kibana: 'kibana stand-in\n' }
    for (const [service, host] of Object.entries(hosts)) {
      const page = pages[service as keyof typeof pages]
      // Traefik may still send a request or two to the proxy's first pod (a fake one, before the move to the real
      // node), answering 502 itself: the wait is for the front door's endpoints. No answer ever shows the page
      // without the password.
      const seen: Array<{ code: number; body: string }> = []
      let streak = 0
      const last = await eventually(
        `the password to open ${host} through the proxy on the real node, three times in a row`,
        async () => {
          const round = {
            none: await get(host),
            wrong: await get(host, 'qa:wrong'),
            right: await get(host, 'qa:open sesame'),
          }
          seen.push(round.none, round.wrong)
          const settled = round.none.code === 401 && round.wrong.code === 401 && round.right.code === 200
          streak = settled ? streak + 1 : 0
          return round.right
        },
        () => streak >= 3,
        45_000,
      )
      expect(last).toEqual({ code: 200, body: page })
      expect(seen.filter((r) => r.code === 200 || r.body.includes(page.trim()))).toEqual([])
    }

    // A new password rolls the proxy: the old one no longer opens the door, the new one does.
    const changed = await deployAuth('new secret', 'synchronize')
    expect(changed.code === 0 ? '' : changed.log).toBe('')
    const [rolled, ...others] = await pods('auth-proxy')
    expect(others).toEqual([])
    expect(rolled!.metadata!.name).not.toBe(proxy!.metadata!.name)
    // Traefik may still send a request or two to the old proxy pod, which is shutting down (a 502 or 504 of its
    // own, seen in about one run of four): the wait is for the front door's endpoints, not for the action. The old
    // password opens nothing, before or after.
    for (const [service, host] of Object.entries(hosts)) {
      const seen: number[] = []
      const reply = await eventually(
        `the new password to open ${host}`,
        async () => {
          const [old, fresh] = [await get(host, 'qa:open sesame'), await get(host, 'qa:new secret')]
          seen.push(old.code)
          return fresh
        },
        (r) => r.code === 200,
        20_000,
      )
      expect(reply.body).toBe(pages[service as keyof typeof pages])
      expect(seen.filter((code) => code === 200)).toEqual([])
      expect(await get(host, 'qa:open sesame')).toMatchObject({ code: 401 })
    }

    const closed = await deployAuth('new secret', 'closed')
    expect(closed.outputs.status).toBe('destroyed')
  }, 240_000)
})
