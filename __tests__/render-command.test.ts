// The render command: its flags are the action's inputs (README, "Try it: the demo and the render command"), and
// it says what it was not told of the cluster. The field-for-field comparison with a deploy is
// render-cli.e2e.test.ts.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { parse, parseAllDocuments } from 'yaml'
import { parseArgs, RENDER_FLAGS, renderCommand } from '../src/cli/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
/** The flags of the PR itself; every other flag is an input of the action. */
const PR_FLAGS = ['pr', 'branch', 'repo', 'sha', 'title', 'base']
/** What a deploy reads from the cluster, told to render by flags of its own. */
const FACT_FLAGS = ['default-storage-class', 'api-server-addresses']

function render(args: Record<string, string>) {
  const notes: string[] = []
  const text = renderCommand({ pr: '5', ...args }, root, (n) => notes.push(n))
  const objects = parseAllDocuments(text).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: Record<string, unknown> },
  )
  return { notes, objects }
}

describe('the render section of the README', () => {
  const section = (() => {
    const readme = read('README.md')
    const at = readme.indexOf('`render` prints exactly the manifests')
    return readme.slice(at, readme.indexOf('\n### ', at))
  })()

  test('names every flag render takes, and only those; the inputs among them are the action’s', () => {
    const named = new Set([...section.matchAll(/`--([a-z-]+)/g)].map((m) => m[1]!))
    expect([...named].sort()).toEqual([...RENDER_FLAGS].sort())
    const inputs = Object.keys((parse(read('action.yml')) as { inputs: Record<string, unknown> }).inputs)
    for (const flag of RENDER_FLAGS.filter((f) => !PR_FLAGS.includes(f) && !FACT_FLAGS.includes(f)))
      expect(inputs).toContain(flag)
    for (const flag of RENDER_FLAGS) expect(parseArgs([`--${flag}`, 'x'])).toEqual({ [flag]: 'x' })
  })

  test('every fact it says render must be told has its flag in render, and a note when it is not told', () => {
    const { notes } = render({})
    for (const flag of [
      '--ingress-namespace',
      '--api-server-addresses',
      '--ingress-class',
      '--default-storage-class',
    ])
      expect(notes.some((n) => n.includes(flag))).toBe(true)
    expect(render({ gateway: 'gw/previews' }).notes.some((n) => n.includes('--url-scheme'))).toBe(true)
  })
})

describe('what render was not told of the cluster', () => {
  const told = {
    'ingress-class': 'traefik',
    'ingress-namespace': 'ingress',
    'api-server-addresses': '10.96.0.1 172.18.0.2',
    'default-storage-class': 'standard',
  }

  test('told everything a deploy reads, it says nothing', () => {
    expect(render(told).notes).toEqual([])
    expect(
      render({ ...told, 'ingress-class': '', gateway: 'gw/previews', 'url-scheme': 'https' }).notes,
    ).toEqual([])
  })

  test('without the front door, it says what it admits and how to tell it', () => {
    const { notes, objects } = render({ ...told, 'ingress-namespace': '', 'front-door-cidrs': '10.1.0.0/16' })
    expect(notes).toEqual([
      expect.stringMatching(/^the front door is not known: .*this render admits 10\.1\.0\.0\/16/),
    ])
    expect(notes[0]).toContain('--ingress-namespace')
    const door = objects.find((o) => o.metadata.name === 'preview-front-door-web')!
    expect(door.spec!.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ protocol: 'TCP', port: 'http' }] },
    ])
    // Told nothing of it, render prints no front-door policy, and says so.
    const bare = render({ ...told, 'ingress-namespace': '' })
    expect(bare.notes[0]).toMatch(/this render admits nothing/)
    expect(bare.objects.filter((o) => o.metadata.name.startsWith('preview-front-door-'))).toEqual([])
  })

  test('no front door to know with network-policy false: no note', () => {
    expect(render({ ...told, 'ingress-namespace': '', 'network-policy': 'false' }).notes).toEqual([])
  })

  test("the API server's addresses go into the egress guard as the deploy puts them, sorted and unique", () => {
    const { objects } = render({ ...told, 'api-server-addresses': '172.18.0.2, 10.96.0.1,10.96.0.1 fd00::1' })
    const egress = objects.find((o) => o.metadata.name === 'preview-egress')!
    const blocks = (egress.spec!.egress as Array<{ to: Array<{ ipBlock?: { except: string[] } }> }>)[0]!.to
      .filter((p) => p.ipBlock)
      .map((p) => p.ipBlock!.except)
    expect(blocks).toEqual([
      ['169.254.169.254/32', '10.96.0.1/32', '172.18.0.2/32'],
      ['fd00:ec2::254/128', 'fd00::1/128'],
    ])
    expect(() => render({ ...told, 'api-server-addresses': 'kubernetes.default' })).toThrow(
      /--api-server-addresses: "kubernetes.default" is not an IP address/,
    )
  })

  test("tls-secret: the certificate's copy is in the render, with placeholders for the key pair", () => {
    const { objects } = render({ ...told, 'tls-secret': 'certs/wildcard' })
    const copy = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'preview-tls') as unknown as {
      type: string
      metadata: { annotations: Record<string, string> }
      data: Record<string, string>
    }
    expect(copy.type).toBe('kubernetes.io/tls')
    expect(copy.metadata.annotations['kube-pr-preview.io/copied-from']).toBe('certs/wildcard')
    expect(Buffer.from(copy.data['tls.key']!, 'base64').toString()).toBe(
      '(tls.key of Secret certs/wildcard, copied at deploy)',
    )
  })
})
