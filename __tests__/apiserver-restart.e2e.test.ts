// A kube-apiserver that restarts in the middle of a deploy is ridden out (README: "a restarting kube-apiserver is
// ridden out"), and what is left is exactly what `render` prints. The restart needs a control plane of its own
// (restarting the shared one would disturb the suites running alongside): a light one, without the real node and
// the gateway, started by this file so that its start overlaps the other suites.
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { parseAllDocuments } from 'yaml'
import { eventually, sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'

const { gh, run } = previewHarness({ action: 'opened', timeout: '2m' })
const cli = fileURLToPath(new URL('../cluster/cli.ts', import.meta.url))
const renderCli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url))
const name = `restart-${process.pid}`
let kubeconfigPath = ''
let kubeconfig = ''
const light = { ...process.env, PREVIEW_REAL_NODE: '0', PREVIEW_CLUSTER_GATEWAY: 'off' }

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'up', '--name', name], { env: light })
  kubeconfigPath = stdout.trim().split('\n').at(-1)!.slice('KUBECONFIG='.length)
  kubeconfig = readFileSync(kubeconfigPath, 'utf8')
  // Without the gateway the cluster has no IngressClass: a default one (no controller needs to serve it here).
  execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, 'apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: 'none',
        annotations: {
          'ingressclass.kubernetes.io/is-default-class': 'true',
          // No controller runs for it: the front door is said outright, as a platform team does once.
          'kube-pr-preview.io/front-door-namespaces': 'kube-system',
        },
      },
      spec: { controller: 'example.test/none' },
    }),
  })
}, 300_000)
afterAll(async () => {
  await promisify(execFile)(process.execPath, [cli, 'down', '--name', name], { env: light })
}, 60_000)

/** Whether kube-apiserver refuses connections (it is down), rather than answering anything at all. */
function apiserverDown(): Promise<boolean> {
  const server = /server: (\S+)/.exec(kubeconfig)![1]!
  return new Promise((resolve) => {
    // Down, or back but not ready yet (readyz is 500 while it starts): a restart on a busy machine can be back
    // listening between two looks, but not ready.
    const req = request(`${server}/readyz`, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode !== 200)
    })
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve(['ECONNREFUSED', 'ECONNRESET'].includes(e.code ?? '')),
    )
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

const kubectl = (...args: string[]) =>
  execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, ...args], { encoding: 'utf8' })

test('killed after the run started and before it applies: the run rides it out, and leaves exactly the rendered set', async () => {
  const repo = 'acme/apiserver-restart'
  const head = sha('restart')
  const title = 'Restart me'
  // The run is held at its "in progress" report (just before it applies) until kube-apiserver is really down.
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  const inProgress = (q: { path: string; operationId: string | null; body: unknown }) =>
    q.operationId === 'repos/create-deployment-status' &&
    q.path.startsWith(`/repos/${repo}/`) &&
    (q.body as { state?: string }).state === 'in_progress'
  gh.faults.push({ operationId: 'repos/create-deployment-status', match: inProgress, hold: held, times: 1 })
  // The same inputs go to the action and to `render` (the front door named, as render cannot find it).
  const inputs = {
    domain: 'preview.example.test',
    'ingress-class': 'none',
    'ingress-namespace': 'kube-system',
  }
  const deploying = run({ repository: repo, number: 16, sha: head, title }, { kubeconfig, ...inputs })
  try {
    await eventually(
      'the run to report its deploy in progress',
      async () => gh.requests,
      (rs) => rs.some(inProgress),
    )
    await promisify(execFile)(process.execPath, [cli, 'restart-apiserver', '--name', name], { env: light })
    await eventually('kube-apiserver to be down or restarting', apiserverDown, (down) => down, 10_000)
  } finally {
    release()
  }
  const r = await deploying
  expect(r.log).not.toContain('::error')
  expect(r.outputs.status).toBe('deployed')

  // The oracle is `render` for the same inputs, not the action's own inventory.
  const out = execFileSync(
    process.execPath,
    [
      renderCli,
      'render',
      '--pr',
      '16',
      '--repo',
      repo,
      '--branch',
      'changes',
      '--sha',
      head,
      '--title',
      title,
      ...Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v]),
    ],
    { encoding: 'utf8' },
  )
  const rendered = parseAllDocuments(out)
    .map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string } })
    .filter((o) => o.kind !== 'Namespace')
    .map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)
  const ns = r.outputs.namespace!
  // Everything of ours in the namespace, of every kind the API serves, except what controllers made from it
  // (objects with an owner, and the Endpoints the endpoints controller names after each Service).
  const kinds = kubectl('api-resources', '--namespaced', '--verbs=list', '-o', 'name')
    .trim()
    .split('\n')
    .filter((k) => k !== 'endpoints') // deprecated; the endpoints controller's anyway
  const live = (
    JSON.parse(
      kubectl(
        'get',
        kinds.join(','),
        '-n',
        ns,
        '-l',
        'app.kubernetes.io/managed-by=kube-pr-preview',
        '-o',
        'json',
      ),
    ) as {
      items: Array<{
        apiVersion: string
        kind: string
        metadata: { name: string; ownerReferences?: unknown[] }
      }>
    }
  ).items
    .filter((o) => !o.metadata.ownerReferences?.length && o.kind !== 'Endpoints')
    .map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)
  expect([...new Set(live)].sort()).toEqual(rendered.sort())
}, 240_000)
