// NetworkPolicy is really enforced on the local cluster's real node (kube-network-policies, see
// cluster/node/netpol/): plain manifests, no action. Without an enforcer a NetworkPolicy is only an object, and
// "one preview cannot reach another" would never have been tested.
//
// Each client pod loops over its targets once a second and prints `<target> REACHED` or `<target> BLOCKED`;
// the tests wait until the latest line for a target says what the policies mean (a policy takes effect when the
// enforcer has seen it, like on any cluster).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { V1NetworkPolicySpec } from '@kubernetes/client-node'
import { eventually, testKube } from './harness/kube.js'
import { realNode } from './harness/real-node.js'

const kube = testKube()
const suffix = `${process.pid}-${Date.now() % 100_000}`
const nsA = `np-a-${suffix}`
const nsB = `np-b-${suffix}`

const onRealNode = () => ({
  nodeSelector: { 'kubernetes.io/hostname': realNode().name },
  tolerations: [{ key: 'preview.local/real-node', operator: 'Exists', effect: 'NoSchedule' }],
  terminationGracePeriodSeconds: 0,
})

/** busybox httpd on a port, answering its own name. */
async function server(namespace: string, name: string, port: number): Promise<string> {
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { app: name } },
      spec: {
        ...onRealNode(),
        containers: [
          {
            name,
            image: realNode().toolsImage,
            command: [
              'sh',
              '-c',
              `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p ${port} -h /www`,
            ],
            readinessProbe: { tcpSocket: { port }, periodSeconds: 1 },
          },
        ],
      },
    },
  })
  const pod = await eventually(
    `${namespace}/${name} to be ready`,
    () => kube.core.readNamespacedPod({ namespace, name }),
    (p) => !!p.status?.podIP && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    90_000,
  )
  return `${pod.status!.podIP}:${port}`
}

/** A pod that tries every target once a second, forever. */
async function client(namespace: string, name: string, targets: string[]): Promise<void> {
  const loop = `while true; do for t in ${targets.join(' ')}; do
    if curl -s -o /dev/null --max-time 2 http://$t/; then echo "$t REACHED"; else echo "$t BLOCKED"; fi
  done; sleep 1; done`
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { app: name } },
      spec: {
        ...onRealNode(),
        containers: [{ name, image: realNode().toolsImage, command: ['sh', '-c', loop] }],
      },
    },
  })
}

/** Waits until the client's latest line for the target says `REACHED` or `BLOCKED`. */
async function expectReach(namespace: string, pod: string, target: string, want: 'REACHED' | 'BLOCKED') {
  const latest = await eventually(
    `${namespace}/${pod} to say ${target} ${want}`,
    async () => {
      const log = await kube.core.readNamespacedPodLog({ namespace, name: pod, tailLines: 40 })
      return log
        .split('\n')
        .filter((l) => l.startsWith(`${target} `))
        .at(-1)
    },
    (line) => line === `${target} ${want}`,
    45_000,
  )
  expect(latest).toBe(`${target} ${want}`)
}

// Typed: the client's models name an ingress rule's `from` `_from` and drop a `from` key without a word, which
// leaves `ingress: [{}]`, a rule that admits everyone.
async function policy(namespace: string, name: string, spec: V1NetworkPolicySpec) {
  await kube.networking.createNamespacedNetworkPolicy({ namespace, body: { metadata: { name }, spec } })
}

let serverB = ''
let otherB = ''
let thirdB = ''

beforeAll(async () => {
  for (const name of [nsA, nsB]) await kube.core.createNamespace({ body: { metadata: { name } } })
  serverB = await server(nsB, 'server', 8080)
  otherB = await server(nsB, 'other', 8081)
  thirdB = await server(nsB, 'third', 8082)
  await client(nsA, 'client', [serverB, otherB, thirdB])
  await client(nsB, 'client', [serverB])
}, 180_000)

afterAll(async () => {
  for (const name of [nsA, nsB])
    await kube.core.deleteNamespace({ name, gracePeriodSeconds: 0 }).catch(() => undefined)
})

describe('NetworkPolicy on the real node', () => {
  test('with no policy, a pod reaches a pod of another namespace (the checks below are not vacuous)', async () => {
    await expectReach(nsA, 'client', serverB, 'REACHED')
    await expectReach(nsB, 'client', serverB, 'REACHED')
  }, 120_000)

  test('a policy that admits only its own namespace refuses the other namespace and keeps its own', async () => {
    await policy(nsB, 'own-namespace-only', {
      podSelector: { matchLabels: { app: 'server' } },
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: {} }] }],
    })
    await expectReach(nsA, 'client', serverB, 'BLOCKED')
    await expectReach(nsB, 'client', serverB, 'REACHED')
    // The policy selects only `server`: the other pod of the namespace still answers everyone.
    await expectReach(nsA, 'client', otherB, 'REACHED')
  }, 120_000)

  test('an egress rule with an ipBlock exception refuses that address and allows the rest', async () => {
    const otherIp = otherB.split(':')[0]
    await policy(nsA, 'no-other', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [`${otherIp}/32`] } }] }],
    })
    await expectReach(nsA, 'client', otherB, 'BLOCKED')
    await expectReach(nsA, 'client', thirdB, 'REACHED')
  }, 120_000)
})
