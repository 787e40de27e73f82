// The action's own NetworkPolicies, proven with traffic on the real node (which enforces NetworkPolicy): a pod of
// one preview cannot reach another preview's pods; the front door's namespace reaches only the routed pods, on
// their ports; the egress guard keeps pods from the API server while other addresses stay reachable.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { eventually } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import { realNode, realNodeWorkspace } from './harness/real-node.js'

const { kube, run } = previewHarness({ timeout: '120s' })
const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)

const server = (name: string, port: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name} }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: ${name}
          image: ${realNode().toolsImage}
          command: ['sh', '-c', 'mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p ${port} -h /www']
          ports: [{ name: http, containerPort: ${port} }]
          readinessProbe: { tcpSocket: { port: ${port} }, periodSeconds: 1 }
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app.kubernetes.io/name: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]
`

const route = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: {{preview.host}}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: web, port: { name: http } } }
`

/** A preview with a routed `web` (port 8080) and an internal `search` (9200), like the bundled stack's. */
const deploy = (repository: string, number: number) =>
  run(
    { repository, number },
    // No controller runs for the test's class: the front door is the namespace its probe stands in.
    { templates: 'preview', 'ingress-class': INGRESS_CLASS, 'ingress-namespace': frontDoor },
    {
      workspace: realNodeWorkspace({
        'web.yaml': server('web', 8080),
        'search.yaml': server('search', 9200),
        'route.yaml': route,
      }),
    },
  )

const podIp = async (namespace: string, name: string) => {
  const pods = await eventually(
    `a ready ${name} pod in ${namespace}`,
    async () =>
      (await kube.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${name}` }))
        .items,
    (items) => items.some((p) => !!p.status?.podIP),
  )
  return pods.find((p) => p.status?.podIP)!.status!.podIP!
}

/** A pod that tries every target once a second and prints `<target> REACHED|BLOCKED`. */
async function client(namespace: string, targets: string[]) {
  const loop = `while true; do for t in ${targets.join(' ')}; do
    if curl -sk -o /dev/null --max-time 2 $t; then echo "$t REACHED"; else echo "$t BLOCKED"; fi
  done; sleep 1; done`
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'probe', labels: { app: 'probe' } },
      spec: {
        nodeSelector: { 'kubernetes.io/hostname': realNode().name },
        tolerations: [{ key: 'preview.local/real-node', operator: 'Exists', effect: 'NoSchedule' }],
        terminationGracePeriodSeconds: 0,
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'probe',
            image: realNode().toolsImage,
            command: ['sh', '-c', loop],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
          },
        ],
      },
    },
  })
}

async function expectReach(namespace: string, target: string, want: 'REACHED' | 'BLOCKED') {
  const last = await eventually(
    `${namespace}/probe to say ${target} ${want}`,
    async () =>
      (await kube.core.readNamespacedPodLog({ namespace, name: 'probe', tailLines: 60 }))
        .split('\n')
        .filter((l) => l.startsWith(`${target} `))
        .at(-1),
    (line) => line === `${target} ${want}`,
    45_000,
  )
  expect(last).toBe(`${target} ${want}`)
}

// An IngressClass of the test's own: the policies are about who reaches which pod, not about a controller.
const INGRESS_CLASS = 'tenancy-test'
let nsA = ''
let nsB = ''
let web = ''
let search = ''
const frontDoor = 'ingress-nginx'

beforeAll(async () => {
  await kube.networking
    .createIngressClass({
      body: { metadata: { name: INGRESS_CLASS }, spec: { controller: 'example.com/none' } },
    })
    .catch(() => undefined)
  await kube.core.createNamespace({ body: { metadata: { name: frontDoor } } }).catch(() => undefined)
  const a = await deploy('acme/tenant-a', 1)
  expect(explain(a)).toBe('')
  const b = await deploy('acme/tenant-b', 2)
  expect(explain(b)).toBe('')
  nsA = a.outputs.namespace!
  nsB = b.outputs.namespace!
  web = `http://${await podIp(nsA, 'web')}:8080/`
  search = `http://${await podIp(nsA, 'search')}:9200/`
  await client(nsA, [search])
  await client(nsB, [web, search, 'https://10.96.0.1:443/'])
  await client(frontDoor, [web, search, 'https://10.96.0.1:443/'])
}, 300_000)

afterAll(async () => {
  await kube.core.deleteNamespace({ name: frontDoor }).catch(() => undefined)
  for (const [repository, number] of [
    ['acme/tenant-a', 1],
    ['acme/tenant-b', 2],
  ] as const)
    await run({ repository, number, action: 'closed' })
}, 300_000)

describe("the action's NetworkPolicies, with real traffic", () => {
  test("a preview's own pods reach each other", async () => {
    await expectReach(nsA, search, 'REACHED')
  }, 90_000)

  test("a pod of another preview reaches none of the preview's pods", async () => {
    await expectReach(nsB, web, 'BLOCKED')
    await expectReach(nsB, search, 'BLOCKED')
  }, 90_000)

  test("the front door's namespace reaches the routed web pod on its port, and not the search pod", async () => {
    await expectReach(frontDoor, web, 'REACHED')
    await expectReach(frontDoor, search, 'BLOCKED')
  }, 90_000)

  test("the egress guard keeps the preview's pods from the API server (a pod without it reaches it)", async () => {
    await expectReach(frontDoor, 'https://10.96.0.1:443/', 'REACHED')
    await expectReach(nsB, 'https://10.96.0.1:443/', 'BLOCKED')
  }, 90_000)
})
