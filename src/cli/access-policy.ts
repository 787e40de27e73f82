// The cluster side of least privilege, as `init` prints it: two ClusterRoles and a Role, the bindings of the action's identity,
// and a ValidatingAdmissionPolicy (with its binding) that confines that identity to its own previews. Pure.
//
// RBAC grants by resource and verb only, so the work is split:
// - ClusterRole `kube-pr-preview` (bound cluster-wide): namespaces; WRITE verbs (no reads) on the kinds a preview
//   renders and the action adds; `bind` on the second ClusterRole; the front door's reads. Every write is checked
//   by the admission policy, which refuses anything outside the identity's own preview namespaces.
// - ClusterRole `kube-pr-preview-namespace`: the READS (and the lock Lease) inside one preview. The action binds it
//   to itself with a RoleBinding in each preview namespace it creates, so it reads nothing anywhere else — no
//   Secret, pod or log of another namespace.
// - Role `kube-pr-preview-api-server` in `default`: get on the `kubernetes` Service and EndpointSlice only (the
//   addresses the egress guard keeps preview pods from).
// - With --tls-secret, Role `kube-pr-preview-tls` in that Secret's namespace: get on that one Secret.

import { NAMESPACE_ROLE } from '../kube/read-access.js'

export { NAMESPACE_ROLE }
export const MAIN_ROLE = 'kube-pr-preview'
export const POLICY = 'kube-pr-preview'
export const API_SERVER_ROLE = 'kube-pr-preview-api-server'
export const API_SERVER_NAMESPACE = 'default'
export const TLS_ROLE = 'kube-pr-preview-tls'

export interface ApiResource {
  group: string
  resource: string
}

export interface AccessPlan {
  /** `owner/name` → the repository hash the action labels its namespaces with. */
  repositories: Array<{ repository: string; hash: string }>
  /** slug(namespace-prefix): every preview namespace starts with `<prefix>-`. */
  prefix: string
  /** The username each identity has on the API server, and the repositories it deploys. */
  identities: Array<{ username: string; subject: Subject; hashes: string[] }>
  podSecurity: 'privileged' | 'baseline' | 'restricted'
  /** Namespaced kinds the action writes (templates and its own objects). */
  namespaced: ApiResource[]
  /** Cluster-scoped kinds of allow-cluster-scoped. */
  clusterScoped: ApiResource[]
  /** Service types allowed beyond ClusterIP and ExternalName (allow-service-types). */
  serviceTypes: string[]
  labels: { managedBy: string; manager: string; repositoryHash: string; preview: string }
}

export interface Subject {
  kind: 'User' | 'ServiceAccount'
  name: string
  namespace?: string
  apiGroup?: string
}

type Obj = Record<string, unknown>

const byGroup = (resources: ApiResource[]) => {
  const groups = new Map<string, Set<string>>()
  for (const r of resources) groups.set(r.group, (groups.get(r.group) ?? new Set()).add(r.resource))
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, rs]) => ({ group: g, resources: [...rs].sort() }))
}

/** Server-side apply (patch, and create for a new object) and prune (delete): the action never PUTs… */
const WRITE = ['create', 'patch', 'delete']
/** …but the lock Lease, which it replaces guarded by resourceVersion. */
const LOCK = { group: 'coordination.k8s.io', resource: 'leases' }
const READ = ['get', 'list', 'watch']

export function clusterRoles(p: AccessPlan): Obj[] {
  const main = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: MAIN_ROLE },
    rules: [
      { apiGroups: [''], resources: ['namespaces'], verbs: [...READ, ...WRITE] },
      ...byGroup([...p.namespaced, ...p.clusterScoped]).map((g) => ({
        apiGroups: [g.group],
        resources: g.resources,
        verbs:
          g.group === LOCK.group && g.resources.includes(LOCK.resource) ? [...WRITE, 'update'] : [...WRITE],
      })),
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create', 'patch'] },
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterroles'],
        verbs: ['bind'],
        resourceNames: [NAMESPACE_ROLE],
      },
      { apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list'] },
      // values.persistence.enabled: auto asks whether the cluster has a default StorageClass.
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list'] },
      { apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get'] },
    ],
  }
  const inPreview = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: NAMESPACE_ROLE },
    rules: [
      ...byGroup([
        ...p.namespaced,
        { group: '', resource: 'pods' },
        { group: '', resource: 'pods/log' },
        // The wait reads the ReplicaSets of Deployments (whose refusal belongs to the current one).
        { group: 'apps', resource: 'replicasets' },
        { group: '', resource: 'events' },
        { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
        { group: 'coordination.k8s.io', resource: 'leases' },
      ]).map((g) => ({ apiGroups: [g.group], resources: g.resources, verbs: [...READ] })),
    ],
  }
  return [main, inPreview]
}

/** CEL: the ownership of a Namespace object `ns` for the identity's repository hashes. */
function ownedNamespace(p: AccessPlan, ns: string): string {
  const l = `${ns}.metadata.labels`
  return (
    `${ns} != null && has(${l}) && ` +
    `'${p.labels.managedBy}' in ${l} && ${l}['${p.labels.managedBy}'] == '${p.labels.manager}' && ` +
    `'${p.labels.repositoryHash}' in ${l} && ${l}['${p.labels.repositoryHash}'] in variables.hashes && ` +
    `'${p.labels.preview}' in ${l} && ${l}['${p.labels.preview}'] == ${ns}.metadata.name && ` +
    `${ns}.metadata.name.matches('^${p.prefix}-([a-z0-9-]*-)?' + ${l}['${p.labels.repositoryHash}'] + '-pr-[1-9][0-9]*$')`
  )
}

const LEVELS = {
  privileged: ['privileged', 'baseline', 'restricted'],
  baseline: ['baseline', 'restricted'],
  restricted: ['restricted'],
}

export function admissionPolicy(p: AccessPlan): Obj[] {
  const identities = Object.fromEntries(p.identities.map((i) => [i.username, i.hashes]))
  const cel = (v: unknown) => JSON.stringify(v).replaceAll('"', "'")
  const psa = 'pod-security.kubernetes.io'
  const okLevels = cel(LEVELS[p.podSecurity])
  const serviceTypes = cel(['ClusterIP', 'ExternalName', ...p.serviceTypes])
  const clusterScoped = cel(p.clusterScoped.map((r) => `${r.group}/${r.resource}`))
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: POLICY },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ['*'],
            apiVersions: ['*'],
            resources: ['*'],
            operations: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'],
            scope: '*',
          },
        ],
        // Asking who it is and what it may do (SelfSubjectReview, SelfSubjectAccessReview) writes nothing.
        excludeResourceRules: [
          {
            apiGroups: ['authentication.k8s.io', 'authorization.k8s.io'],
            apiVersions: ['*'],
            resources: ['*'],
            operations: ['CREATE'],
          },
        ],
      },
      // Only the action's identities: everyone else is left to the cluster's own RBAC.
      matchConditions: [
        {
          name: 'the-preview-identity',
          expression: `request.userInfo.username in ${cel(Object.keys(identities))}`,
        },
      ],
      variables: [
        { name: 'hashes', expression: `${cel(identities)}[request.userInfo.username]` },
        {
          name: 'isNamespace',
          expression: "request.resource.group == '' && request.resource.resource == 'namespaces'",
        },
        { name: 'after', expression: "request.operation == 'DELETE' ? oldObject : object" },
        { name: 'ownedBefore', expression: ownedNamespace(p, 'oldObject') },
        { name: 'ownedAfter', expression: ownedNamespace(p, 'object') },
        { name: 'ownedHere', expression: ownedNamespace(p, 'namespaceObject') },
      ],
      validations: [
        {
          // Namespaces: only the identity's previews, named with the prefix and carrying its ownership labels, before
          // and after the change (no adopting kube-system by relabelling it, no deleting a namespace it did not make).
          expression:
            "!variables.isNamespace || (request.operation == 'CREATE' ? variables.ownedAfter : " +
            "request.operation == 'DELETE' ? variables.ownedBefore : variables.ownedBefore && variables.ownedAfter)",
          messageExpression: `'kube-pr-preview may only create, change and delete its own preview namespaces (named ${p.prefix}-…, with its ownership labels for its repository): not ' + request.name`,
          reason: 'Forbidden',
        },
        {
          expression:
            `!variables.isNamespace || request.operation == 'DELETE' || (has(object.metadata.labels) && ` +
            `'${psa}/enforce' in object.metadata.labels && object.metadata.labels['${psa}/enforce'] in ${okLevels} && ` +
            `(!('${psa}/enforce-version' in object.metadata.labels) || object.metadata.labels['${psa}/enforce-version'] == 'latest'))`,
          messageExpression: `'a preview namespace must enforce the pod security level ${p.podSecurity} or stricter (label ${psa}/enforce, version latest): ' + request.name`,
          reason: 'Forbidden',
        },
        {
          // Namespaced objects: only inside the identity's own preview namespaces.
          expression: `variables.isNamespace || request.namespace == '' || variables.ownedHere`,
          messageExpression: `'kube-pr-preview may only write inside its own preview namespaces (${p.prefix}-…): not in namespace ' + request.namespace`,
          reason: 'Forbidden',
        },
        {
          // Cluster-scoped objects other than namespaces: only the allow-cluster-scoped kinds, with its labels.
          expression:
            `variables.isNamespace || request.namespace != '' || ` +
            `((request.resource.group + '/' + request.resource.resource) in ${clusterScoped} && ` +
            `has(variables.after.metadata.labels) && '${p.labels.repositoryHash}' in variables.after.metadata.labels && ` +
            `variables.after.metadata.labels['${p.labels.repositoryHash}'] in variables.hashes)`,
          messageExpression:
            "'kube-pr-preview may not write the cluster-scoped ' + request.resource.resource + ' ' + request.name + ' (not in allow-cluster-scoped, or not its own)'",
          reason: 'Forbidden',
        },
        {
          // Services: the types and fields the action itself refuses.
          expression:
            "request.resource.resource != 'services' || request.operation == 'DELETE' || (has(request.subResource) && request.subResource != '') || " +
            `((!has(object.spec.type) || object.spec.type in ${serviceTypes}) && ` +
            '(!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0) && ' +
            "(!has(object.spec.type) || object.spec.type != 'ExternalName' || " +
            "(object.spec.externalName.contains('.') && !object.spec.externalName.matches('(^|\\\\.)(svc|cluster\\\\.local)\\\\.?$|\\\\.svc\\\\.|^[0-9.]+$|:'))))",
          messageExpression: `'kube-pr-preview may not create a Service of type ' + (has(object.spec.type) ? object.spec.type : 'ClusterIP') + ', with externalIPs, or an ExternalName into the cluster (allowed types: ${['ClusterIP', 'ExternalName', ...p.serviceTypes].join(', ')})'`,
          reason: 'Forbidden',
        },
        {
          // RoleBindings: its own read access in the preview (NAMESPACE_ROLE for itself), or bindings of the
          // preview's own ServiceAccounts (what templates may render).
          expression:
            "request.resource.resource != 'rolebindings' || request.operation == 'DELETE' || " +
            `(object.roleRef.kind == 'ClusterRole' && object.roleRef.name == '${NAMESPACE_ROLE}' && ` +
            `has(object.subjects) && size(object.subjects) == 1 && (object.subjects[0].kind == 'User' ? object.subjects[0].name : ` +
            `'system:serviceaccount:' + object.subjects[0].__namespace__ + ':' + object.subjects[0].name) == request.userInfo.username) || ` +
            `(object.roleRef.name != '${NAMESPACE_ROLE}' && (!has(object.subjects) || object.subjects.all(s, s.kind == 'ServiceAccount' && s.__namespace__ == request.namespace)))`,
          messageExpression: `'a RoleBinding of a preview may bind only the preview\\'s own ServiceAccounts (or ${NAMESPACE_ROLE} to kube-pr-preview itself)'`,
          reason: 'Forbidden',
        },
      ],
    },
  }
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: POLICY },
    spec: { policyName: POLICY, validationActions: ['Deny'] },
  }
  return [policy, binding]
}

/**
 * Role `kube-pr-preview-api-server` in `default`: get on the `kubernetes` Service and its EndpointSlice (both named
 * `kubernetes`), the API server's addresses that the egress guard keeps preview pods from. Nothing else there.
 */
export function apiServerRole(): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: API_SERVER_ROLE, namespace: API_SERVER_NAMESPACE },
    rules: [
      { apiGroups: [''], resources: ['services'], verbs: ['get'], resourceNames: ['kubernetes'] },
      {
        apiGroups: ['discovery.k8s.io'],
        resources: ['endpointslices'],
        verbs: ['get'],
        resourceNames: ['kubernetes'],
      },
    ],
  }
}

/**
 * Role `kube-pr-preview-tls` in the namespace of the `tls-secret` input: get on that one Secret (the wildcard
 * certificate the action copies into each preview), nothing else there.
 */
export function tlsSecretRole(secret: { namespace: string; name: string }): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: TLS_ROLE, namespace: secret.namespace },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [secret.name] }],
  }
}

const roleBinding = (name: string, namespace: string, subjects: Subject[]): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
  subjects,
})

export function identityBindings(p: AccessPlan, tlsSecret?: { namespace: string } | null): Obj[] {
  const subjects = p.identities.map((i) => i.subject)
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: MAIN_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: MAIN_ROLE },
      subjects,
    },
    roleBinding(API_SERVER_ROLE, API_SERVER_NAMESPACE, subjects),
    ...(tlsSecret ? [roleBinding(TLS_ROLE, tlsSecret.namespace, subjects)] : []),
  ]
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

/** The API server's structured authentication configuration that trusts GitHub's issuer for these repositories. */
export function authenticationSnippet(repositories: string[], audience: string, issuer = GITHUB_ISSUER): Obj {
  const cel = (v: unknown) => JSON.stringify(v).replaceAll('"', "'")
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: { url: issuer, audiences: [audience] },
        claimValidationRules: [
          {
            expression: `claims.repository in ${cel(repositories)}`,
            message: 'only the repositories kube-pr-preview init was given',
          },
          {
            expression:
              "claims.event_name in ['pull_request', 'pull_request_target', 'schedule', 'workflow_dispatch']",
            message: 'only preview runs (pull requests, the sweep)',
          },
        ],
        claimMappings: { username: { expression: "'github:' + claims.repository" } },
        userValidationRules: [
          { expression: "!user.username.startsWith('system:')", message: 'no system users' },
        ],
      },
    ],
  }
}
