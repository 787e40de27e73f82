// `kube-pr-preview init`: the cluster side of least privilege in one command (access-policy.ts says what each
// object is for). Prints kubectl-appliable YAML; --apply applies it through the current kubeconfig ($KUBECONFIG or
// ~/.kube/config); --check reports what is missing or too broad on a live cluster.
import { chmodSync, writeFileSync } from 'node:fs'
import { parseAllDocuments, stringify } from 'yaml'
import { createKube } from '../kube/client.js'
import type { Kube } from '../kube/port.js'
import { knownResource } from '../kube/resources/resources.js'
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
import { INIT_MANAGER, parseInitArgs, SERVICE_ACCOUNT, type InitArgs } from './init-args.js'
import { checkInit } from './init-check.js'

import { currentKubeconfig, serviceAccountKubeconfig } from './init-kubeconfig.js'
export { currentKubeconfig, serviceAccountKubeconfig } from './init-kubeconfig.js'
export * from './init-args.js'
export { checkInit } from './init-check.js'

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
export async function applyInit(kube: Kube, objects: KubeObject[], say: (m: string) => void): Promise<void> {
  for (const o of objects) {
    await kube.apply(o, { fieldManager: INIT_MANAGER })
    say(`applied ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`)
  }
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
