#!/usr/bin/env node
// `kube-pr-preview init` (init.ts): the cluster side of least privilege for the action's identity.
// `kube-pr-preview render`: prints exactly the manifests the action would apply for a PR — the same names,
// labels, namespace and scope checks — without a cluster or GitHub. Its flags are the action's inputs, read by
// the same settings parser; what a deploy reads from the cluster (the front door, the API server's addresses, the
// default IngressClass and StorageClass) it is told by flags, and it says on stderr what it was not told
// (render-notes.ts). Generated passwords and the certificate's copy are shown as placeholders (the action keeps
// the real ones in the cluster).
//   npx kube-pr-preview render --pr 123 --branch feat/x --templates ./preview [--repo owner/name] [--sha SHA]
//     [--values file.yaml | --values 'web: {replicas: 2}'] [--domain D] [--image I] [--namespace-prefix P]
import { existsSync, readFileSync } from 'node:fs'
import { stringify } from 'yaml'
import { ownerOf, renderPreview } from '../modes/deploy/deploy.js'
import type { PullRequestEvent } from '../inputs/event.js'
import { frontDoorContext } from '../preview/frontdoor.js'
import { tlsCopy } from '../kube/frontdoor.js'
import { namespaceObject } from '../kube/apply/apply.js'
import { podSecurityLabels } from '../kube/apply/pod-security.js'
import { planPreview } from '../preview/plan.js'
import { credentialNames } from '../preview/render.js'
import { parseSettings } from '../inputs/settings.js'
import { loadTemplates } from '../preview/templates.js'
import { mergeValues } from '../preview/context.js'
import type { KubeObject } from '../shared/kube-object.js'
import { TemplateError, InputError } from '../shared/errors.js'
import { INIT_USAGE, initCommand } from './init.js'
import { parseAddresses, renderNotes } from './render-notes.js'

const USAGE = `usage: kube-pr-preview render --pr N [--branch B] [--sha SHA] [--repo owner/name] [--title T]
  [--base BRANCH] [--templates DIR] [--extra-templates DIR] [--values FILE|YAML] [--domain D] [--image I]
  [--namespace-prefix P] [--environment E] [--url-scheme https|http] [--allow-cluster-scoped KINDS]
  [--gateway NS/NAME] [--ingress-class CLASS] [--tls-secret NS/NAME] [--basic-auth USER:PASSWORD]
  [--ingress-namespace NS] [--front-door-cidrs CIDRS] [--network-policy true|false] [--egress-guard true|false]
  [--resource-quota Q] [--limit-range L] [--allow-service-types T] [--max-objects N] [--pod-security LEVEL]
  (the action's inputs of the same names) and what a deploy reads from the cluster:
  [--default-storage-class NAME]      (the cluster's default StorageClass, for values.persistence.enabled: auto;
                                       empty: it has none)
  [--api-server-addresses IP,IP]      (the kubernetes Service's cluster IP and endpoints, for the egress guard)`

export const RENDER_FLAGS = [
  'pr',
  'branch',
  'sha',
  'repo',
  'title',
  'base',
  'templates',
  'extra-templates',
  'values',
  'domain',
  'image',
  'namespace-prefix',
  'environment',
  'url-scheme',
  'allow-cluster-scoped',
  'gateway',
  'ingress-class',
  'tls-secret',
  'basic-auth',
  'ingress-namespace',
  'front-door-cidrs',
  'network-policy',
  'egress-guard',
  'resource-quota',
  'limit-range',
  'allow-service-types',
  'max-objects',
  'pod-security',
  'default-storage-class',
  'api-server-addresses',
]

export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s) : [undefined, undefined]
    if (!flag || !RENDER_FLAGS.includes(flag)) throw new Error(`unknown argument "${arg}"\n${USAGE}`)
    const value = inline ?? argv[++i]
    if (value === undefined) throw new Error(`--${flag} needs a value\n${USAGE}`)
    out[flag] = value
  }
  return out
}

/**
 * The manifests, as one multi-document YAML text. `note` hears what a deploy may render differently because the
 * render was not told a fact of the cluster (see render-notes.ts).
 */
export function renderCommand(
  args: Record<string, string>,
  cwd: string,
  note: (line: string) => void = () => {},
): string {
  const number = Number(args.pr)
  if (!Number.isSafeInteger(number) || number <= 0) throw new Error(`--pr must be a PR number\n${USAGE}`)
  const repo = args.repo ?? 'owner/repo'
  const [owner, name] = repo.split('/')
  if (!owner || !name) throw new Error('--repo must be owner/name')
  const sha = (args.sha ?? '0'.repeat(40)).toLowerCase()
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error('--sha must be a 40-character commit SHA')
  const values =
    args.values && existsSync(args.values) ? readFileSync(args.values, 'utf8') : (args.values ?? '')
  const settings = parseSettings((input) => (input === 'values' ? values : (args[input] ?? '')))
  const facts = {
    apiServerAddresses:
      args['api-server-addresses'] !== undefined ? parseAddresses(args['api-server-addresses']) : null,
    // Given empty: the cluster has no default StorageClass (told, not unknown).
    defaultStorageClass: args['default-storage-class'] ?? null,
  }
  const event: PullRequestEvent = {
    action: 'opened',
    number,
    title: args.title ?? '',
    htmlUrl: `https://github.com/${repo}/pull/${number}`,
    repository: { owner, name, fullName: repo },
    head: { ref: args.branch ?? 'main', sha, repository: repo },
    base: { ref: args.base ?? 'main' },
    fork: false,
    draft: false,
    merged: false,
    labels: [],
    updatedAt: '',
  }
  const plan = planPreview(event, settings, { serverUrl: 'https://github.com', runId: '0', runAttempt: '1' })
  const templates = loadTemplates(settings.templates, cwd, settings.extraTemplates)
  const placeholders = Object.fromEntries(
    credentialNames(templates.files).map((n) => [n, `generated-${n.replace(/[^A-Za-z0-9]/g, '-')}`]),
  )
  const { objects } = renderPreview(
    plan,
    {
      templates,
      values: settings.values,
      allowClusterScoped: settings.allowClusterScoped,
      guardrails: settings,
      frontDoor: {
        context: frontDoorContext(settings, settings.ingressClass, plan.namespace),
        // The preview's copy of the certificate, with placeholders for what the cluster's Secret holds.
        objects: settings.tlsSecret ? [tlsCopy(certificatePlaceholder(settings.tlsSecret))] : [],
        scheme: plan.scheme,
        ingressProblem: null,
      },
      apiServerAddresses: facts.apiServerAddresses ?? [],
      defaultStorageClass: facts.defaultStorageClass || null,
    },
    placeholders,
  )
  const merged = mergeValues(templates.defaults, settings.values)
  for (const line of renderNotes(settings, facts, objects, merged)) note(line)
  const namespace = namespaceObject(ownerOf(plan), {})
  Object.assign(namespace.metadata.labels!, podSecurityLabels(settings.podSecurity))
  // YAML 1.1, as kubectl reads it: a string such as `no` is quoted, or kubectl would send the boolean false.
  return [namespace, ...objects].map((o) => stringify(o, { lineWidth: 0, version: '1.1' })).join('---\n')
}

/** The wildcard certificate Secret as the render shows it: its name, and placeholders for its key pair. */
function certificatePlaceholder(ref: { namespace: string; name: string }): KubeObject {
  const placeholder = (key: string) =>
    Buffer.from(`(${key} of Secret ${ref.namespace}/${ref.name}, copied at deploy)`).toString('base64')
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: ref,
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': placeholder('tls.crt'), 'tls.key': placeholder('tls.key') },
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2)
  try {
    if (command === 'init') {
      const r = await initCommand(rest, process.cwd(), renderCommand)
      process.stdout.write(r.out)
      process.stderr.write(r.err)
      process.exitCode = r.code
      return
    }
    if (command !== 'render') throw new Error(`${USAGE}\n${INIT_USAGE}`)
    const notes: string[] = []
    process.stdout.write(renderCommand(parseArgs(rest), process.cwd(), (line) => notes.push(line)))
    if (notes.length)
      process.stderr.write(
        `kube-pr-preview render: a deploy reads these from the cluster, so its objects may differ from this render:\n${notes.map((n) => `  - ${n}\n`).join('')}`,
      )
  } catch (e) {
    const message = e instanceof TemplateError || e instanceof InputError ? e.message : (e as Error).message
    process.stderr.write(`kube-pr-preview: ${message}\n`)
    process.exitCode = 1
  }
}

if (process.argv[1] && /cli(\/index)?\.[jt]s$/.test(process.argv[1])) void main()
