// `kube-pr-preview init` without a cluster: what it prints for a repository and identity, and the arguments it
// refuses. What the printed objects do on a cluster: least-privilege.e2e.test.ts.
import { describe, expect, test } from '@jest/globals'
import { parseAllDocuments } from 'yaml'
import { renderCommand } from '../src/cli/index.js'
import { initCommand, parseInitArgs } from '../src/cli/init.js'

type Obj = {
  kind: string
  metadata: { name: string; namespace?: string }
  rules?: Array<{ resources: string[]; verbs: string[] }>
}
const print = async (...argv: string[]) => {
  const r = await initCommand(argv, process.cwd(), renderCommand)
  return { ...r, objects: parseAllDocuments(r.out).map((d) => d.toJS() as Obj) }
}

describe('init', () => {
  test('oidc: the roles, the policy and its binding, the binding of github:<repo>, and the API server snippet', async () => {
    const r = await print('--repo', 'octo-org/shop', '--identity', 'oidc', '--oidc-audience', 'k8s')
    expect(r.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'ClusterRole kube-pr-preview',
      'ClusterRole kube-pr-preview-namespace',
      'Role kube-pr-preview-api-server',
      'ClusterRoleBinding kube-pr-preview',
      'RoleBinding kube-pr-preview-api-server',
      'ValidatingAdmissionPolicy kube-pr-preview',
      'ValidatingAdmissionPolicyBinding kube-pr-preview',
    ])
    expect(r.out).toContain("#         - expression: claims.repository in ['octo-org/shop']")
    expect(r.out).toContain('name: github:octo-org/shop')
    const main = r.objects[0]!.rules!
    // The cluster-wide role reads nothing but namespaces, the front door and StorageClasses: no pod, no Service.
    const reads = main.filter((rule) => rule.verbs.some((v) => ['get', 'list', 'watch'].includes(v)))
    expect(reads.flatMap((rule) => rule.resources).sort()).toEqual([
      'gateways',
      'ingressclasses',
      'namespaces',
      'storageclasses',
    ])
    // The egress guard's reads: the Service and EndpointSlice `kubernetes` in default, by name, get only.
    const apiServer = r.objects.find((o) => o.kind === 'Role')!
    expect(apiServer.metadata).toEqual({ name: 'kube-pr-preview-api-server', namespace: 'default' })
    expect(apiServer.rules).toEqual([
      { apiGroups: [''], resources: ['services'], verbs: ['get'], resourceNames: ['kubernetes'] },
      {
        apiGroups: ['discovery.k8s.io'],
        resources: ['endpointslices'],
        verbs: ['get'],
        resourceNames: ['kubernetes'],
      },
    ])
    const bound = r.objects.find((o) => o.kind === 'RoleBinding') as unknown as {
      metadata: { namespace: string }
      roleRef: { kind: string; name: string }
      subjects: Array<{ name: string }>
    }
    expect(bound.metadata.namespace).toBe('default')
    expect(bound.roleRef).toMatchObject({ kind: 'Role', name: 'kube-pr-preview-api-server' })
    expect(bound.subjects.map((s) => s.name)).toEqual(['github:octo-org/shop'])
    expect(main.flatMap((rule) => rule.resources)).toEqual(
      expect.arrayContaining(['deployments', 'statefulsets', 'secrets']),
    )
  })
  test('--tls-secret: get on that one Secret, in its namespace, for the identity', async () => {
    const r = await print('--repo', 'octo-org/shop', '--identity', 'oidc', '--tls-secret', 'certs/wildcard')
    const tls = r.objects.filter((o) => o.metadata.name === 'kube-pr-preview-tls')
    expect(tls.map((o) => `${o.kind} ${o.metadata.namespace}`)).toEqual(['Role certs', 'RoleBinding certs'])
    expect(tls[0]!.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['wildcard'] },
    ])
    expect(JSON.stringify(tls[1])).toContain('github:octo-org/shop')
    const without = await print('--repo', 'octo-org/shop', '--identity', 'oidc')
    expect(without.objects.some((o) => o.metadata.name === 'kube-pr-preview-tls')).toBe(false)
  })
  test('serviceaccount: its namespace and ServiceAccount come first', async () => {
    const r = await print('--repo', 'a/b', '--repo', 'c/d')
    expect(r.objects.slice(0, 2).map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount'])
  })
  test('allow-service-types reaches the policy', async () => {
    const r = await print('--repo', 'a/b', '--allow-service-types', 'LoadBalancer')
    expect(r.out).toContain("object.spec.type in ['ClusterIP','ExternalName','LoadBalancer']")
  })
  test.each([
    [[], /--repo owner\/name is required/],
    [['--repo', 'nope'], /is not owner\/name/],
    [['--repo', 'a/b', '--identity', 'root'], /--identity must be/],
    [['--repo', 'a/b', '--allow-service-types', 'ExternalIP'], /only LoadBalancer and NodePort/],
    [['--repo', 'a/b', '--kubeconfig-out', 'f'], /--kubeconfig-out needs/],
    [['--repo', 'a/b', '--pod-security', 'none'], /--pod-security/],
    [['--repo', 'a/b', '--tls-secret', 'wildcard'], /--tls-secret "wildcard" is not namespace\/name/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseInitArgs(argv as string[])).toThrow(message)
  })
})
