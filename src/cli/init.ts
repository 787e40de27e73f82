// `kube-pr-preview init`: the cluster side of least privilege in one command (access-policy.ts says what each
// object is for). Prints kubectl-appliable YAML; --apply applies it through the current kubeconfig ($KUBECONFIG or
// ~/.kube/config); --check reports what is missing or too broad on a live cluster.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { parse, parseAllDocuments, stringify } from 'yaml'
import { parseObjectName } from '../inputs/frontdoor.js'
import { parseKinds } from '../inputs/parse.js'
import { createKube } from '../kube/client.js'
import type { Kube, Transport } from '../kube/port.js'
import { createHttp, DEFAULT_RETRY } from '../kube/transport/http.js'
import { knownResource } from '../kube/resources/resources.js'
import { kubeconfigPaths, mergeKubeconfigs } from '../kube/transport/kubeconfig-files.js'
import { transportFromKubeconfig } from '../kube/transport/kubeconfig.js'
import { repositoryHash, slug } from '../preview/naming.js'
import { LABEL, MANAGER } from '../preview/ownership.js'
import type { KubeObject } from '../shared/kube-object.js'
import {
  admissionPolicy,
  API_SERVER_NAMESPACE,
  API_SERVER_ROLE,
  apiServerRole,
  authenticationSnippet,
  clusterRoles,
  identityBindings,
  MAIN_ROLE,
  NAMESPACE_ROLE,
  POLICY,
  type AccessPlan,
  type ApiResource,
  type Subject,
  TLS_ROLE,
  tlsSecretRole,
} from './access-policy.js'

export const INIT_USAGE = `usage: kube-pr-preview init --repo owner/name [--repo owner/name …]
  [--identity serviceaccount|oidc|user:<name>] [--namespace-prefix P] [--pod-security baseline|restricted|privileged]
  [--allow-cluster-scoped KINDS] [--allow-service-types TYPES] [--templates DIR] [--extra-templates DIR]
  [--gateway NS/NAME] [--tls-secret NS/NAME] [--oidc-audience AUD] [--oidc-issuer URL]
  [--apply [--kubeconfig-out FILE] [--token-duration 720h]] [--check]`

const VALUE_FLAGS = [
  'repo',
  'identity',
  'namespace-prefix',
  'pod-security',
  'allow-cluster-scoped',
  'allow-service-types',
  'templates',
  'extra-templates',
  'gateway',
  'oidc-audience',
  'oidc-issuer',
  'kubeconfig-out',
  'token-duration',
  'tls-secret',
]
const SWITCHES = ['apply', 'check']

export const SERVICE_ACCOUNT = { namespace: 'kube-pr-preview', name: 'kube-pr-preview' }
export const INIT_MANAGER = 'kube-pr-preview-init'

export interface InitArgs {
  repos: string[]
  identity: { kind: 'serviceaccount' } | { kind: 'oidc' } | { kind: 'user'; name: string }
  prefix: string
  podSecurity: AccessPlan['podSecurity']
  allowClusterScoped: string[]
  serviceTypes: string[]
  templates: string
  extraTemplates: string
  gateway: string
  /** The tls-secret input: get on exactly that Secret. */
  tlsSecret: { namespace: string; name: string } | null
  audience: string
  issuer: string
  apply: boolean
  check: boolean
  kubeconfigOut: string
  tokenSeconds: number
}

export function parseInitArgs(argv: string[]): InitArgs {
  const values: Record<string, string[]> = {}
  const on = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s) : [undefined, undefined]
    if (flag && SWITCHES.includes(flag) && inline === undefined) {
      on.add(flag)
      continue
    }
    if (!flag || !VALUE_FLAGS.includes(flag)) throw new Error(`unknown argument "${arg}"\n${INIT_USAGE}`)
    const value = inline ?? argv[++i]
    if (value === undefined) throw new Error(`--${flag} needs a value\n${INIT_USAGE}`)
    ;(values[flag] ??= []).push(value)
  }
  const one = (flag: string, fallback = '') => values[flag]?.at(-1) ?? fallback
  const repos = (values.repo ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean)
  if (!repos.length) throw new Error(`--repo owner/name is required (repeat it for several)\n${INIT_USAGE}`)
  for (const r of repos) if (!/^[\w.-]+\/[\w.-]+$/.test(r)) throw new Error(`--repo "${r}" is not owner/name`)
  const id = one('identity', 'serviceaccount')
  const identity: InitArgs['identity'] | null =
    id === 'serviceaccount' || id === 'oidc'
      ? { kind: id }
      : id.startsWith('user:') && id.length > 5
        ? { kind: 'user' as const, name: id.slice(5) }
        : null
  if (!identity)
    throw new Error(
      '--identity must be serviceaccount, oidc or user:<name> (the Kubernetes user of a cloud login)',
    )
  const prefix = one('namespace-prefix', 'preview')
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(prefix) || prefix.length > 20)
    throw new Error(
      `--namespace-prefix "${prefix}": lowercase letters, digits and dashes, at most 20 characters`,
    )
  const podSecurity = one('pod-security', 'baseline')
  if (podSecurity !== 'baseline' && podSecurity !== 'restricted' && podSecurity !== 'privileged')
    throw new Error('--pod-security must be baseline, restricted or privileged (as the pod-security input)')
  const serviceTypes = one('allow-service-types')
    .split(/[\s,]+/)
    .filter(Boolean)
  for (const t of serviceTypes)
    if (t !== 'LoadBalancer' && t !== 'NodePort')
      throw new Error(`--allow-service-types "${t}": only LoadBalancer and NodePort can be allowed`)
  const duration = one('token-duration', '720h')
  const m = /^(\d+)(h|d)$/.exec(duration)
  if (!m) throw new Error('--token-duration: hours or days, e.g. 720h or 30d')
  const kubeconfigOut = one('kubeconfig-out')
  if (kubeconfigOut && (identity.kind !== 'serviceaccount' || !on.has('apply')))
    throw new Error(
      '--kubeconfig-out needs --identity serviceaccount and --apply (the token is made on the cluster)',
    )
  const tls = one('tls-secret')
  const tlsSecret = (() => {
    try {
      return parseObjectName('tls-secret', tls)
    } catch {
      throw new Error(`--tls-secret "${tls}" is not namespace/name (as the tls-secret input)`)
    }
  })()
  return {
    repos,
    identity,
    tlsSecret,
    prefix,
    podSecurity,
    allowClusterScoped: parseKinds('allow-cluster-scoped', one('allow-cluster-scoped')),
    serviceTypes,
    templates: one('templates'),
    extraTemplates: one('extra-templates'),
    gateway: one('gateway'),
    audience: one('oidc-audience'),
    issuer: one('oidc-issuer', 'https://token.actions.githubusercontent.com'),
    apply: on.has('apply'),
    check: on.has('check'),
    kubeconfigOut,
    tokenSeconds: Number(m[1]) * (m[2] === 'd' ? 86400 : 3600),
  }
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '')

/** What the action itself writes in every preview, whatever the templates render. */
const ACTION_OWN: ApiResource[] = [
  { group: '', resource: 'secrets' }, // generated credentials, the registry pull secret, the TLS copy
  { group: '', resource: 'serviceaccounts' }, // the default ServiceAccount gets the pull secret
  { group: '', resource: 'resourcequotas' },
  { group: '', resource: 'limitranges' },
  { group: 'networking.k8s.io', resource: 'networkpolicies' },
  { group: 'coordination.k8s.io', resource: 'leases' }, // one run at a time per preview
]

/** The rendered kinds as API resources: namespaced and cluster-scoped, found by name or by discovery. */
export async function resourcesOf(
  rendered: string,
  discover?: (apiVersion: string, kind: string) => Promise<{ plural: string; namespaced: boolean }>,
): Promise<{ namespaced: ApiResource[]; clusterScoped: ApiResource[]; guessed: string[] }> {
  const namespaced: ApiResource[] = [...ACTION_OWN]
  const clusterScoped: ApiResource[] = []
  const guessed: string[] = []
  for (const doc of parseAllDocuments(rendered)) {
    const o = doc.toJS() as { apiVersion?: string; kind?: string } | null
    if (!o?.apiVersion || !o.kind || o.kind === 'Namespace') continue
    const known =
      knownResource(o.apiVersion, o.kind) ?? (await discover?.(o.apiVersion, o.kind).catch(() => undefined))
    const r = known ?? { plural: `${o.kind.toLowerCase()}s`, namespaced: true }
    if (!known) guessed.push(`${o.kind} (${o.apiVersion}) as ${r.plural}`)
    const entry = { group: groupOf(o.apiVersion), resource: r.plural }
    const list = r.namespaced ? namespaced : clusterScoped
    if (!list.some((e) => e.group === entry.group && e.resource === entry.resource)) list.push(entry)
  }
  return { namespaced, clusterScoped, guessed }
}

export function identitiesOf(a: InitArgs): AccessPlan['identities'] {
  const hashes = a.repos.map(repositoryHash)
  const user = (name: string): Subject => ({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' })
  switch (a.identity.kind) {
    case 'serviceaccount':
      return [
        {
          username: `system:serviceaccount:${SERVICE_ACCOUNT.namespace}:${SERVICE_ACCOUNT.name}`,
          subject: { kind: 'ServiceAccount', ...SERVICE_ACCOUNT },
          hashes,
        },
      ]
    case 'oidc':
      return a.repos.map((r) => ({
        username: `github:${r}`,
        subject: user(`github:${r}`),
        hashes: [repositoryHash(r)],
      }))
    case 'user':
      return [{ username: a.identity.name, subject: user(a.identity.name), hashes }]
  }
}

export function accessPlan(
  a: InitArgs,
  resources: { namespaced: ApiResource[]; clusterScoped: ApiResource[] },
): AccessPlan {
  return {
    repositories: a.repos.map((repository) => ({ repository, hash: repositoryHash(repository) })),
    prefix: slug(a.prefix),
    identities: identitiesOf(a),
    podSecurity: a.podSecurity,
    namespaced: [
      ...resources.namespaced,
      a.gateway
        ? { group: 'gateway.networking.k8s.io', resource: 'httproutes' }
        : { group: 'networking.k8s.io', resource: 'ingresses' },
    ].filter((r, i, all) => all.findIndex((x) => x.group === r.group && x.resource === r.resource) === i),
    clusterScoped: resources.clusterScoped,
    serviceTypes: a.serviceTypes,
    labels: {
      managedBy: LABEL.managedBy,
      manager: MANAGER,
      repositoryHash: LABEL.repository,
      preview: LABEL.preview,
    },
  }
}

/** Every object init applies, in order. */
export function initObjects(a: InitArgs, plan: AccessPlan): KubeObject[] {
  const sa =
    a.identity.kind === 'serviceaccount'
      ? [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SERVICE_ACCOUNT.namespace } },
          {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: SERVICE_ACCOUNT.name, namespace: SERVICE_ACCOUNT.namespace },
          },
        ]
      : []
  return [
    ...sa,
    ...clusterRoles(plan),
    apiServerRole(),
    ...(a.tlsSecret ? [tlsSecretRole(a.tlsSecret)] : []),
    ...identityBindings(plan, a.tlsSecret),
    ...admissionPolicy(plan),
  ] as KubeObject[]
}

const yamlOf = (objects: object[]) =>
  objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')

export function initYaml(a: InitArgs, plan: AccessPlan, guessed: string[]): string {
  const head = [
    `# kube-pr-preview init for ${a.repos.join(', ')} (identity: ${plan.identities.map((i) => i.username).join(', ')})`,
    `# ClusterRole ${MAIN_ROLE}: write (no read) the kinds a preview holds, and its namespaces; every write is checked`,
    `#   by the ValidatingAdmissionPolicy ${POLICY}: only namespaces ${plan.prefix}-… with the ownership labels of these`,
    `#   repositories, pod security ${a.podSecurity} or stricter, no other namespace, no cluster-scoped object outside`,
    `#   allow-cluster-scoped, no Service the action refuses.`,
    `# ClusterRole ${NAMESPACE_ROLE}: the reads inside one preview; the action binds it to itself in each preview`,
    '#   namespace (RoleBinding kube-pr-preview-reads), so it reads nothing elsewhere.',
    `# Role ${API_SERVER_NAMESPACE}/${API_SERVER_ROLE}: get on the Service and EndpointSlice "kubernetes" only, the API`,
    "#   server's addresses that the egress guard keeps preview pods from.",
    ...(a.tlsSecret
      ? [
          `# Role ${a.tlsSecret.namespace}/${TLS_ROLE}: get on the Secret ${a.tlsSecret.name} only (tls-secret), which the action`,
          '#   copies into each preview.',
        ]
      : []),
    ...guessed.map(
      (g) => `# NOTE: ${g} is a guess: apply with --apply (which asks the cluster) or check its plural.`,
    ),
  ]
  if (a.identity.kind === 'oidc') {
    const snippet = stringify(authenticationSnippet(a.repos, a.audience || '<oidc-audience>', a.issuer), {
      lineWidth: 0,
    })
    head.push(
      '#',
      "# The API server trusts GitHub's issuer with this structured authentication configuration",
      '# (--authentication-config; merge it into yours, one jwt entry per issuer):',
      ...snippet
        .trimEnd()
        .split('\n')
        .map((l) => `#   ${l}`),
    )
  }
  return `${head.join('\n')}\n${yamlOf(initObjects(a, plan))}`
}

/** The runner's or the admin's current kubeconfig, for --apply and --check. */
export function currentKubeconfig(): string {
  const paths = kubeconfigPaths(process.env.KUBECONFIG, homedir()).filter((p) => existsSync(p))
  if (!paths.length)
    throw new Error('--apply and --check need a kubeconfig: set KUBECONFIG or create ~/.kube/config')
  return mergeKubeconfigs(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })))
}

export async function applyInit(kube: Kube, objects: KubeObject[], say: (m: string) => void): Promise<void> {
  for (const o of objects) {
    await kube.apply(o, { fieldManager: INIT_MANAGER })
    say(`applied ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`)
  }
}

/** A kubeconfig for the ServiceAccount with a token from the TokenRequest API (expires; run init again to rotate). */
export async function serviceAccountKubeconfig(
  transport: Transport,
  kubeconfigText: string,
  seconds: number,
): Promise<{ text: string; expires: string }> {
  const http = createHttp(transport, DEFAULT_RETRY)
  const what = `requesting a token for ServiceAccount ${SERVICE_ACCOUNT.namespace}/${SERVICE_ACCOUNT.name}`
  const res = await http.call(
    'POST',
    `/api/v1/namespaces/${SERVICE_ACCOUNT.namespace}/serviceaccounts/${SERVICE_ACCOUNT.name}/token`,
    what,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: seconds } },
  )
  const review = http.ok(res, what) as { status?: { token?: string; expirationTimestamp?: string } }
  const token = review.status?.token
  if (!token) throw new Error('the API server made no token for the ServiceAccount')
  const config = parse(kubeconfigText) as {
    'current-context'?: string
    contexts?: Array<{ name: string; context: { cluster: string } }>
    clusters?: Array<{ name: string; cluster: Record<string, unknown> }>
  }
  const ctx = config.contexts?.find((c) => c.name === config['current-context'])
  const cluster = config.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster ?? {}
  const caFile = cluster['certificate-authority']
  const ca =
    (cluster['certificate-authority-data'] as string | undefined) ??
    (typeof caFile === 'string' ? readFileSync(caFile).toString('base64') : undefined)
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'previews',
        cluster: { server: cluster.server, ...(ca ? { 'certificate-authority-data': ca } : {}) },
      },
    ],
    users: [{ name: 'kube-pr-preview', user: { token } }],
    contexts: [{ name: 'previews', context: { cluster: 'previews', user: 'kube-pr-preview' } }],
    'current-context': 'previews',
  })
  return { text, expires: review.status?.expirationTimestamp ?? `in ${seconds} s` }
}

export async function initCommand(
  argv: string[],
  cwd: string,
  render: (args: Record<string, string>, cwd: string) => string,
): Promise<{ out: string; err: string; code: number }> {
  const a = parseInitArgs(argv)
  const err: string[] = []
  const live = a.apply || a.check
  const kubeconfigText = live ? currentKubeconfig() : ''
  const transport = live
    ? await transportFromKubeconfig(kubeconfigText, '', 'the current kubeconfig')
    : undefined
  const kube = transport ? createKube(transport) : undefined
  const rendered = a.repos
    .map((repo) =>
      render(
        {
          pr: '1',
          repo,
          templates: a.templates,
          'extra-templates': a.extraTemplates,
          'namespace-prefix': a.prefix,
          'allow-cluster-scoped': a.allowClusterScoped.join(','),
          gateway: a.gateway,
        },
        cwd,
      ),
    )
    .join('---\n')
  const resources = await resourcesOf(rendered, kube ? (v, k) => kube.resource(v, k) : undefined)
  const plan = accessPlan(a, resources)
  const objects = initObjects(a, plan)
  if (a.check) {
    const problems = await checkInit(kube!, objects, plan)
    return {
      out: problems.length
        ? problems.map((p) => `- ${p}\n`).join('')
        : 'ok: everything init applies is in place, and nothing broader\n',
      err: '',
      code: problems.length ? 1 : 0,
    }
  }
  if (!a.apply) return { out: initYaml(a, plan, resources.guessed), err: '', code: 0 }
  await applyInit(kube!, objects, (m) => err.push(m))
  if (a.kubeconfigOut) {
    const { text, expires } = await serviceAccountKubeconfig(transport!, kubeconfigText, a.tokenSeconds)
    writeFileSync(a.kubeconfigOut, text, { mode: 0o600 })
    chmodSync(a.kubeconfigOut, 0o600)
    err.push(
      `wrote ${a.kubeconfigOut}: a kubeconfig for ServiceAccount ${SERVICE_ACCOUNT.namespace}/${SERVICE_ACCOUNT.name}; ` +
        `its token expires ${expires}. Store it as the repository secret KUBECONFIG, and rotate it before then by ` +
        'running this command again and replacing the secret (or use a keyless login: README, "Cluster access").',
    )
  }
  if (a.identity.kind === 'oidc')
    err.push(
      "the API server must trust GitHub's issuer: see the authentication configuration printed by init without --apply",
    )
  return { out: '', err: err.map((m) => `${m}\n`).join(''), code: 0 }
}

/** What is missing or broader than init's objects on a live cluster. */
export async function checkInit(kube: Kube, objects: KubeObject[], plan: AccessPlan): Promise<string[]> {
  const problems: string[] = []
  for (const want of objects) {
    const ref = {
      apiVersion: want.apiVersion,
      kind: want.kind,
      name: want.metadata.name,
      namespace: want.metadata.namespace,
    }
    const have = await kube.get(ref)
    const name = `${want.kind} ${want.metadata.namespace ? `${want.metadata.namespace}/` : ''}${want.metadata.name}`
    if (!have) {
      problems.push(`missing: ${name}`)
      continue
    }
    const w = want as Record<string, unknown>
    const h = have as Record<string, unknown>
    for (const field of ['rules', 'spec', 'subjects', 'roleRef'] as const) {
      if (!(field in w)) continue
      if (!contains(h[field], w[field])) problems.push(`missing or different: ${name} ${field}`)
      else if (longer(h[field], w[field]))
        problems.push(`too broad: ${name} ${field} has more than init gives`)
    }
  }
  const bindings = (await kube.list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined))
    .items as Array<KubeObject & { subjects?: Subject[]; roleRef?: { name: string } }>
  for (const b of bindings) {
    if (b.metadata.name === MAIN_ROLE) continue
    for (const id of plan.identities)
      if (
        b.subjects?.some(
          (s) =>
            s.kind === id.subject.kind &&
            s.name === id.subject.name &&
            (s.namespace ?? '') === (id.subject.namespace ?? ''),
        )
      )
        problems.push(
          `too broad: ClusterRoleBinding ${b.metadata.name} also binds ${id.username} to ClusterRole ${b.roleRef?.name}`,
        )
  }
  return problems
}

/** True when every field and list item of `want` is in `have` (the server adds defaults). */
function contains(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.every((w) => have.some((h) => contains(h, w)))
  if (want && typeof want === 'object')
    return (
      Boolean(have) &&
      typeof have === 'object' &&
      Object.entries(want).every(([k, v]) => contains((have as Record<string, unknown>)[k], v))
    )
  return have === want
}

/** True when a list in `have` has more items than the same list in `want` (a rule or subject more). */
function longer(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && have.length > want.length
  if (want && typeof want === 'object' && have && typeof have === 'object')
    return Object.entries(want).some(([k, v]) => longer((have as Record<string, unknown>)[k], v))
  return false
}
