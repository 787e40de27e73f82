// `kube-pr-preview render` prints exactly what a deploy applies (same objects, names, labels and specs) when it is
// given the same inputs and told what the deploy reads from the cluster.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { parseAllDocuments } from 'yaml'
import { createKube } from '../src/kube/client.js'
import { transportFromKubeconfig } from '../src/kube/transport/kubeconfig.js'
import { startGitHubDouble, type GitHubDouble } from './github-double/server.js'
import { sha, testKube } from './harness/kube.js'
import { runAction } from './harness/run-action.js'
import { testKubeconfigPath } from './setup/cluster.js'

const kube = testKube()
const CLI = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url))
let gh: GitHubDouble
beforeAll(async () => {
  gh = await startGitHubDouble()
})
afterAll(() => gh.close())

/** Every field of `expected` is in `actual` with the same value (the server adds defaults of its own). */
function subset(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected === null || typeof expected !== 'object')
    return Object.is(expected, actual)
      ? []
      : [`${path}: ${JSON.stringify(expected)} ≠ ${JSON.stringify(actual)}`]
  if (typeof actual !== 'object' || actual === null) return [`${path}: missing`]
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: list differs`]
    return expected.flatMap((e, i) => subset(e, actual[i], `${path}[${i}]`))
  }
  return Object.entries(expected).flatMap(([k, v]) =>
    subset(v, (actual as Record<string, unknown>)[k], `${path}.${k}`),
  )
}

/** A fact of the cluster, read with the README's kubectl command for it (the sh block after `marker`). */
function readmeCommand(marker: string): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const at = readme.indexOf(marker)
  expect(at).toBeGreaterThan(0)
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))![1]!.replace(/^ {2}/gm, '')
  return execFileSync('sh', ['-c', block], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: testKubeconfigPath() },
  }).trim()
}

type Rendered = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string }
  [k: string]: unknown
}

/** The front door a deploy admitted, as its log says it, as render's flags (README: "The front door"). */
function frontDoorFlags(log: string): Record<string, string> {
  const lines = [...log.matchAll(/^front door: admitting (.*)$/gm)].map((m) => m[1]!)
  const namespaces = lines.flatMap((l) => /^the pods of namespace (\S+) /.exec(l)?.[1] ?? [])
  const cidrs = lines.flatMap((l) => /^(\S+) to the routed pods /.exec(l)?.[1]?.split(', ') ?? [])
  expect(namespaces.length).toBeLessThanOrEqual(1)
  return {
    ...(namespaces.length ? { 'ingress-namespace': namespaces[0]! } : {}),
    ...(cidrs.length ? { 'front-door-cidrs': cidrs.join(',') } : {}),
  }
}

// The action and `render` get the same inputs. What a deploy reads from the cluster besides, render is told as the
// README says: the front door as the deploy's log names it, the API server's addresses and the default
// StorageClass with the README's kubectl commands.
const CASES: Array<{
  name: string
  number: number
  inputs: Record<string, string>
  /** What render says it was not told (stderr), or nothing. */
  notes: RegExp | null
}> = [
  {
    name: 'Ingresses, the front door found in the cluster and told to render as the log names it',
    number: 77,
    inputs: { values: 'web:\n  replicas: 2\n', domain: 'preview.example.test', 'ingress-class': 'traefik' },
    notes:
      /^kube-pr-preview render: [^\n]*\n {2}- the front door is not known: a deploy finds it in the cluster[^\n]*\n$/,
  },
  {
    name: 'a Gateway behind a password, the front door named, another prefix and quota',
    number: 78,
    inputs: {
      domain: 'preview.localhost',
      gateway: 'preview-gateway/previews',
      'url-scheme': 'http',
      'basic-auth': 'qa:render-equals-deploy-9f3c',
      'ingress-namespace': 'preview-gateway',
      'front-door-cidrs': '35.191.0.0/16,130.211.0.0/22',
      'namespace-prefix': 'rc',
      'resource-quota': 'requests.cpu: "6"\nrequests.memory: 12Gi\nlimits.memory: 16Gi\npods: "30"\n',
      values: 'kibana: {enabled: true}\n',
    },
    notes: null,
  },
]

test.each(CASES)('render prints what the deploy applied: $name', async (c) => {
  const raw = createKube(await transportFromKubeconfig(kube.kubeconfigText))
  const inputs = c.inputs
  const head = sha(`render-equals-deploy-${c.number}`)
  const deployed = await runAction({
    apiUrl: gh.url,
    event: {
      action: 'opened',
      number: c.number,
      repository: 'acme/rendered',
      branch: 'feat/render',
      sha: head,
      title: 'Render me',
    },
    inputs: { kubeconfig: kube.kubeconfigText, 'github-token': gh.token, ...inputs },
  })
  expect(deployed.log).not.toContain('::error')
  expect(deployed.outputs.status).toBe('deployed')
  const facts = {
    ...(inputs['ingress-namespace'] ? {} : frontDoorFlags(deployed.log)),
    'api-server-addresses': readmeCommand("**The API server's addresses**"),
    'default-storage-class': readmeCommand('**The default StorageClass**'),
  }
  expect(facts['api-server-addresses']).toMatch(/^\S+( \S+)*$/)
  const flags = Object.entries({ ...inputs, ...facts }).flatMap(([k, v]) => [`--${k}`, v])
  const cli = spawnSync(
    process.execPath,
    [
      CLI,
      'render',
      '--pr',
      String(c.number),
      '--repo',
      'acme/rendered',
      '--branch',
      'feat/render',
      '--sha',
      head,
      '--title',
      'Render me',
      ...flags,
    ],
    { encoding: 'utf8' },
  )
  expect(cli.status).toBe(0)
  if (c.notes) expect(cli.stderr).toMatch(c.notes)
  else expect(cli.stderr).toBe('')
  const rendered = parseAllDocuments(cli.stdout).map((d) => d.toJS() as Rendered)
  const ns = deployed.outputs.namespace!
  expect(rendered[0]).toMatchObject({ kind: 'Namespace', metadata: { name: ns } })

  const live = await kube.core.readNamespace({ name: ns })
  const inventory = live.metadata!.annotations!['kube-pr-preview.io/inventory']!.split('\n').sort()
  const names = rendered.slice(1).map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)
  expect(names.sort()).toEqual(inventory)
  // The front door's policies are there, and admit what the deploy admitted.
  expect(names.filter((n) => n.includes('NetworkPolicy preview-front-door-')).length).toBeGreaterThan(0)

  // The objects as the API serves them (client-node's typed models rename some fields).
  const problems: string[] = []
  for (const o of rendered) {
    const actual = await raw.get({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      namespace: o.metadata.namespace,
    })
    // Generated passwords are placeholders in the render; everything else must match.
    const usesCredentials =
      o.kind === 'Secret' &&
      (o.metadata.name === 'preview-credentials' ||
        Object.values((o as { data?: Record<string, string> }).data ?? {}).some((v) =>
          Buffer.from(v, 'base64').toString().includes('generated-'),
        ))
    const { data: _d, stringData: _s, ...rest } = o as Record<string, unknown>
    problems.push(
      ...subset(usesCredentials ? rest : o, actual, `${o.kind}/${o.metadata.name}`).filter(
        (p) => !p.includes('.stringData'),
      ),
    )
  }
  expect(problems).toEqual([])
})
