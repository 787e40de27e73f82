// What a template may not render, because it would reach past its own preview: the action's own objects, quotas,
// NetworkPolicies that admit other namespaces, Services that reach outside the namespace, hosts and certificates
// on the shared front door, cluster-wide grants, cloud identities. Pure, checked at render, before anything is
// applied. RULES is also the README's claims table (a test compares the two).
import { isOwnHost, type ClaimProblem, type ClaimRules } from './claims.js'
import type { KubeObject } from '../shared/kube-object.js'

export interface TenancyRules extends ClaimRules {
  /** Service types the `allow-service-types` input allows besides ClusterIP and ExternalName. */
  allowServiceTypes?: ReadonlySet<string>
  /** The cluster's DNS domain (default cluster.local). */
  clusterDomain?: string
}

export interface RuleProblem extends ClaimProblem {
  rule: string
}

export interface Rule {
  id: string
  /** The README's claims table: what is refused… */
  refuses: string
  /** …and where (kinds and fields). */
  where: string
  check(o: KubeObject, r: TenancyRules): Array<Omit<RuleProblem, 'rule'>>
}

type Json = Record<string, unknown>
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})
const groupOf = (o: KubeObject) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '')
const is = (o: KubeObject, group: string, ...kinds: string[]) =>
  groupOf(o) === group && kinds.includes(o.kind)
type Path = ClaimProblem['path']
const at = (path: Path, problem: string) => ({ path, problem })
const dotted = (path: Path) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('')

/** The objects the action adds to every preview, by group/kind/name: a template may not define them. */
export const RESERVED: ReadonlyArray<{
  group: string
  kind: string
  name: string
  what: string
  prefix?: true
}> = [
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'preview-isolation',
    what: 'the guardrail NetworkPolicy',
  },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'preview-egress',
    what: 'the egress guard NetworkPolicy',
  },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'preview-front-door',
    prefix: true,
    what: 'a front door NetworkPolicy (its names start with preview-front-door)',
  },
  {
    group: '',
    kind: 'ServiceAccount',
    name: 'default',
    what: "the namespace's default ServiceAccount, which the action sets up",
  },
  { group: '', kind: 'ResourceQuota', name: 'preview-quota', what: 'the guardrail ResourceQuota' },
  { group: '', kind: 'LimitRange', name: 'preview-limits', what: 'the guardrail LimitRange' },
  { group: '', kind: 'Secret', name: 'preview-credentials', what: "the preview's generated credentials" },
  { group: '', kind: 'Secret', name: 'preview-tls', what: "the preview's copy of the TLS certificate" },
  { group: '', kind: 'Secret', name: 'preview-registry', what: 'the registry pull Secret' },
  { group: 'coordination.k8s.io', kind: 'Lease', name: 'kube-pr-preview-lock', what: "the preview's lock" },
]

const ROUTING_GROUPS = new Map<string, string[]>([
  // group → the kinds the checks below understand; any other kind of the group is refused
  ['networking.k8s.io', ['Ingress', 'NetworkPolicy', 'IngressClass']],
  [
    'gateway.networking.k8s.io',
    ['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'ReferenceGrant', 'BackendTLSPolicy', 'ListenerSet'],
  ],
  ['gateway.networking.x-k8s.io', ['XListenerSet', 'ListenerSet']],
  [
    'traefik.io',
    [
      'IngressRoute',
      'IngressRouteTCP',
      'Middleware',
      'MiddlewareTCP',
      'TraefikService',
      'ServersTransport',
      'ServersTransportTCP',
    ],
  ],
  [
    'traefik.containo.us',
    ['IngressRoute', 'IngressRouteTCP', 'Middleware', 'MiddlewareTCP', 'TraefikService', 'ServersTransport'],
  ],
  ['networking.istio.io', ['VirtualService']],
  ['projectcontour.io', ['HTTPProxy']],
  ['route.openshift.io', ['Route']],
  ['cert-manager.io', ['Certificate', 'Issuer']],
  ['acme.cert-manager.io', []],
  ['getambassador.io', []],
  ['configuration.konghq.com', []],
  ['gateway.envoyproxy.io', []],
])

function hostCheck(r: TenancyRules, out: Array<{ path: Path; problem: string }>) {
  return (host: unknown, path: Path, what = 'host') => {
    if (typeof host === 'string' && host && isOwnHost(host, r)) return
    out.push(
      at(
        path,
        typeof host === 'string' && host
          ? `${what} ${JSON.stringify(host)} is not one of the preview's hosts (they end in -${r.unique}.${r.domain}; use {{preview.host}} or {{host "<service>"}})`
          : `no ${what}: it would claim every host; name one of the preview's ({{preview.host}})`,
      ),
    )
  }
}

/** Host(`a`, `b`) and HostSNI(`x`) of a Traefik rule; null when the rule has a matcher the check cannot read. */
function traefikHosts(match: string, fn: 'Host' | 'HostSNI'): string[] | null {
  if (/HostRegexp|HostSNIRegexp|HostHeader/.test(match)) return null
  const hosts: string[] = []
  for (const m of match.matchAll(new RegExp(`\\b${fn}\\(([^)]*)\\)`, 'g')))
    for (const h of m[1]!.split(',')) hosts.push(h.trim().replace(/^[`"']|[`"']$/g, ''))
  return hosts
}

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i

export const RULES: Rule[] = [
  {
    id: 'reserved-object',
    refuses:
      'an object with the kind and name of one the action adds (its NetworkPolicies, ResourceQuota and LimitRange, the credentials, TLS and registry Secrets, the default ServiceAccount, the lock Lease)',
    where: 'any template',
    check: (o) => {
      const hit = RESERVED.find(
        (x) =>
          x.group === groupOf(o) &&
          x.kind === o.kind &&
          (x.prefix ? o.metadata.name.startsWith(x.name) : x.name === o.metadata.name),
      )
      return hit
        ? [at(['metadata', 'name'], `is ${hit.what}, which the action adds itself; rename the object`)]
        : []
    },
  },
  {
    id: 'quota-objects',
    refuses: 'ResourceQuota and LimitRange (the `resource-quota` and `limit-range` inputs set them)',
    where: 'ResourceQuota, LimitRange',
    check: (o) =>
      is(o, '', 'ResourceQuota', 'LimitRange')
        ? [
            at(
              ['kind'],
              `a preview's ${o.kind} is set by the action's ${o.kind === 'ResourceQuota' ? 'resource-quota' : 'limit-range'} input, not by templates`,
            ),
          ]
        : [],
  },
  {
    id: 'network-policy-peers',
    refuses:
      'a NetworkPolicy rule that admits anything but pods of the same preview (`ipBlock`, a `namespaceSelector` other than the own namespace, a rule without peers)',
    where: 'NetworkPolicy spec.ingress[].from, spec.egress[].to',
    check: (o, r) => {
      if (!is(o, 'networking.k8s.io', 'NetworkPolicy')) return []
      const out: Array<{ path: Path; problem: string }> = []
      const spec = asObject(o.spec)
      for (const [dir, peers] of [
        ['ingress', 'from'],
        ['egress', 'to'],
      ] as const)
        asList(spec[dir]).forEach((rule, i) => {
          const list = asObject(rule)[peers]
          if (!Array.isArray(list) || list.length === 0) {
            out.push(
              at(
                ['spec', dir, i],
                `a rule without ${peers} admits every address; policies add up, so it would open the preview: list podSelector peers`,
              ),
            )
            return
          }
          list.forEach((p, j) => {
            const peer = asObject(p)
            if (peer.ipBlock !== undefined)
              out.push(
                at(
                  ['spec', dir, i, peers, j, 'ipBlock'],
                  "ipBlock admits addresses outside the preview; the action's own policy decides those",
                ),
              )
            if (peer.namespaceSelector !== undefined) {
              const sel = asObject(peer.namespaceSelector)
              const labels = asObject(sel.matchLabels)
              const own =
                Object.keys(labels).length === 1 &&
                labels['kubernetes.io/metadata.name'] === r.namespace &&
                asList(sel.matchExpressions).length === 0
              if (!own)
                out.push(
                  at(
                    ['spec', dir, i, peers, j, 'namespaceSelector'],
                    'namespaceSelector admits other namespaces; leave it out (a podSelector peer means pods of the same preview)',
                  ),
                )
            }
          })
        })
      return out
    },
  },
  {
    id: 'service-external-ips',
    refuses:
      'Service `spec.externalIPs` (CVE-2020-8554: it takes traffic for that address from every pod of the cluster)',
    where: 'Service spec.externalIPs',
    check: (o) =>
      is(o, '', 'Service') && asList(asObject(o.spec).externalIPs).length
        ? [
            at(
              ['spec', 'externalIPs'],
              "externalIPs would intercept the whole cluster's traffic to those addresses; remove it",
            ),
          ]
        : [],
  },
  {
    id: 'service-type',
    refuses: 'Service `type: LoadBalancer` and `NodePort`, unless named in `allow-service-types`',
    where: 'Service spec.type',
    check: (o, r) => {
      const type = asObject(o.spec).type
      if (
        !is(o, '', 'Service') ||
        (type !== 'LoadBalancer' && type !== 'NodePort') ||
        r.allowServiceTypes?.has(type)
      )
        return []
      return [
        at(
          ['spec', 'type'],
          `type ${type} opens the preview outside the front door (and its password); use the routes, or name ${type} in the allow-service-types input`,
        ),
      ]
    },
  },
  {
    id: 'service-external-name',
    refuses:
      'an `ExternalName` Service that points into the cluster (a name under `.svc` or the cluster domain, a single label, an IP): a confused deputy into other previews (CVE-2021-25740)',
    where: 'Service spec.externalName',
    check: (o, r) => {
      const spec = asObject(o.spec)
      if (!is(o, '', 'Service') || spec.type !== 'ExternalName') return []
      const name = String(spec.externalName ?? '')
        .toLowerCase()
        .replace(/\.$/, '')
      const domain = (r.clusterDomain ?? 'cluster.local').toLowerCase()
      const inside =
        !name.includes('.') ||
        IP.test(name) ||
        /(^|\.)svc$/.test(name) ||
        name.includes('.svc.') ||
        name === domain ||
        name.endsWith(`.${domain}`) ||
        name.endsWith('.cluster.local')
      return inside
        ? [
            at(
              ['spec', 'externalName'],
              `${JSON.stringify(name)} is inside the cluster; a shared ingress controller would serve another namespace's Service through it. Point only at names outside the cluster`,
            ),
          ]
        : []
    },
  },
  {
    id: 'ingress-annotations',
    refuses:
      "Ingress annotations that alias hosts or inject controller configuration (`server-alias`, every `*-snippet`, `auth-url`, `auth-signin`) or name another namespace's Secret",
    where: 'Ingress metadata.annotations',
    check: (o, r) => {
      if (!is(o, 'networking.k8s.io', 'Ingress')) return []
      const out: Array<{ path: Path; problem: string }> = []
      for (const [key, raw] of Object.entries(asObject(o.metadata.annotations))) {
        const name = key.toLowerCase().split('/').at(-1)!
        const value = String(raw ?? '')
        if (
          name === 'server-alias' ||
          name.endsWith('snippet') ||
          name === 'auth-url' ||
          name === 'auth-signin'
        )
          out.push(
            at(
              ['metadata', 'annotations', key],
              `${key} would ${name === 'server-alias' ? 'answer for other hosts' : name.endsWith('snippet') ? 'inject configuration into the shared controller' : 'send requests or credentials to an address outside the preview'}; remove it`,
            ),
          )
        else if (
          /secret/.test(name) &&
          /^[^/\s]+\/[^/\s]+$/.test(value) &&
          value.split('/')[0] !== r.namespace
        )
          out.push(
            at(
              ['metadata', 'annotations', key],
              `${key} names Secret ${JSON.stringify(value)} of another namespace; name a Secret of the preview's own`,
            ),
          )
      }
      return out
    },
  },
  {
    id: 'hosts',
    refuses:
      "a host or certificate name that is not one of the preview's own, in any routing or certificate kind the check knows; a route without a host",
    where:
      'Ingress rules/tls, Gateway and ListenerSet listeners, HTTPRoute/GRPCRoute/TLSRoute hostnames, Traefik IngressRoute(TCP) match and tls.domains, Istio VirtualService hosts, Contour HTTPProxy virtualhost.fqdn, OpenShift Route host, cert-manager Certificate dnsNames/commonName, Issuer ACME solver selectors',
    check: (o, r) => {
      const out: Array<{ path: Path; problem: string }> = []
      const check = hostCheck(r, out)
      const spec = asObject(o.spec)
      const g = groupOf(o)
      if (
        (g === 'gateway.networking.k8s.io' || g === 'gateway.networking.x-k8s.io') &&
        /ListenerSet$/.test(o.kind)
      )
        asList(spec.listeners).forEach((l, i) =>
          check(asObject(l).hostname, ['spec', 'listeners', i, 'hostname'], 'listener hostname'),
        )
      if (is(o, 'gateway.networking.k8s.io', 'Gateway'))
        asList(spec.listeners).forEach((l, i) => {
          const protocol = String(asObject(l).protocol ?? '')
          if (protocol === 'TCP' || protocol === 'UDP')
            out.push(
              at(
                ['spec', 'listeners', i, 'protocol'],
                `a ${protocol} listener takes a whole port, whatever the host; use HTTP, HTTPS or TLS listeners with the preview's hosts`,
              ),
            )
        })
      if (
        (g === 'traefik.io' || g === 'traefik.containo.us') &&
        (o.kind === 'IngressRoute' || o.kind === 'IngressRouteTCP')
      ) {
        const fn = o.kind === 'IngressRoute' ? 'Host' : 'HostSNI'
        asList(spec.routes).forEach((route, i) => {
          const match = String(asObject(route).match ?? '')
          const hosts = traefikHosts(match, fn)
          if (hosts === null)
            out.push(
              at(
                ['spec', 'routes', i, 'match'],
                `${JSON.stringify(match)} matches hosts by pattern; use ${fn}(\`{{preview.host}}\`)`,
              ),
            )
          else if (hosts.length === 0) check(undefined, ['spec', 'routes', i, 'match'], `${fn}(…) in match`)
          else hosts.forEach((h) => check(h === '*' ? '' : h, ['spec', 'routes', i, 'match'], `${fn}(…)`))
        })
        asList(asObject(spec.tls).domains).forEach((d, i) => {
          check(asObject(d).main, ['spec', 'tls', 'domains', i, 'main'], 'tls domain')
          asList(asObject(d).sans).forEach((h, j) =>
            check(h, ['spec', 'tls', 'domains', i, 'sans', j], 'tls domain'),
          )
        })
      }
      if (is(o, 'networking.istio.io', 'VirtualService')) {
        const hosts = asList(spec.hosts)
        if (!hosts.length) check(undefined, ['spec', 'hosts'], 'host')
        hosts.forEach((h, i) => check(h, ['spec', 'hosts', i]))
      }
      if (is(o, 'projectcontour.io', 'HTTPProxy') && spec.virtualhost !== undefined)
        check(asObject(spec.virtualhost).fqdn, ['spec', 'virtualhost', 'fqdn'], 'fqdn')
      if (is(o, 'route.openshift.io', 'Route')) check(spec.host, ['spec', 'host'])
      if (is(o, 'cert-manager.io', 'Certificate')) {
        if (spec.commonName !== undefined) check(spec.commonName, ['spec', 'commonName'], 'commonName')
        const names = asList(spec.dnsNames)
        names.forEach((h, i) => check(h, ['spec', 'dnsNames', i], 'dnsName'))
        for (const f of ['ipAddresses', 'uris', 'emailAddresses', 'otherNames'])
          if (asList(spec[f]).length)
            out.push(
              at(
                ['spec', f],
                `${f} in a preview's certificate names something that is not one of its hosts; use dnsNames`,
              ),
            )
        if (!names.length && spec.commonName === undefined) check(undefined, ['spec', 'dnsNames'], 'dnsName')
      }
      if (is(o, 'cert-manager.io', 'Issuer'))
        asList(asObject(spec.acme).solvers).forEach((s, i) => {
          const sel = asObject(asObject(s).selector)
          const names = [...asList(sel.dnsNames), ...asList(sel.dnsZones)]
          if (!names.length)
            out.push(
              at(
                ['spec', 'acme', 'solvers', i],
                "an ACME solver without selector.dnsNames would answer for any name; list the preview's hosts",
              ),
            )
          asList(sel.dnsNames).forEach((h, j) =>
            check(h, ['spec', 'acme', 'solvers', i, 'selector', 'dnsNames', j], 'dnsName'),
          )
          asList(sel.dnsZones).forEach((h, j) =>
            check(h, ['spec', 'acme', 'solvers', i, 'selector', 'dnsZones', j], 'dnsZone'),
          )
        })
      return out
    },
  },
  {
    id: 'routing-kinds',
    refuses:
      'TCPRoute, UDPRoute, IngressRouteUDP, and any kind of a known routing or certificate API group that the checks do not understand',
    where: `kinds of ${[...ROUTING_GROUPS.keys()].join(', ')}`,
    check: (o) => {
      const known = ROUTING_GROUPS.get(groupOf(o))
      if (!known || known.includes(o.kind)) return []
      return [
        at(
          ['kind'],
          `${o.kind} of ${groupOf(o)} can claim hosts, ports or certificates on the shared front door in ways the action does not check; it is refused`,
        ),
      ]
    },
  },
  {
    id: 'cluster-role-aggregation',
    refuses:
      'ClusterRole aggregation labels (`rbac.authorization.k8s.io/aggregate-to-*`) and `aggregationRule`',
    where: 'ClusterRole metadata.labels, aggregationRule',
    check: (o) => {
      if (!is(o, 'rbac.authorization.k8s.io', 'ClusterRole')) return []
      const out = Object.keys(asObject(o.metadata.labels))
        .filter((k) => k.startsWith('rbac.authorization.k8s.io/aggregate-to-'))
        .map((k) =>
          at(
            ['metadata', 'labels', k],
            `${k} adds these rules to the cluster's built-in roles, held by every admin, edit or view user; remove the label`,
          ),
        )
      if (o.aggregationRule !== undefined)
        out.push(
          at(
            ['aggregationRule'],
            'aggregationRule gathers the rules of other ClusterRoles; list the rules the preview needs',
          ),
        )
      return out
    },
  },
  {
    id: 'persistent-volume-host',
    refuses: "a PersistentVolume with `hostPath` or `local` (the node's files, past pod security)",
    where: 'PersistentVolume spec.hostPath, spec.local',
    check: (o) => {
      if (!is(o, '', 'PersistentVolume')) return []
      const spec = asObject(o.spec)
      return (['hostPath', 'local'] as const)
        .filter((f) => spec[f] !== undefined)
        .map((f) =>
          at(
            ['spec', f],
            `${f} gives the preview's pods a node's files, which pod security forbids in pods; use a StorageClass`,
          ),
        )
    },
  },
  {
    id: 'cloud-identity',
    refuses:
      'a ServiceAccount annotation that grants a cloud identity (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`)',
    where: 'ServiceAccount metadata.annotations',
    check: (o) =>
      is(o, '', 'ServiceAccount')
        ? Object.keys(asObject(o.metadata.annotations))
            .filter((k) =>
              [
                'eks.amazonaws.com/role-arn',
                'iam.gke.io/gcp-service-account',
                'azure.workload.identity/client-id',
              ].includes(k),
            )
            .map((k) =>
              at(['metadata', 'annotations', k], `${k} would give the PR's code a cloud identity; remove it`),
            )
        : [],
  },
]

/** Every rule the object breaks, each with the field and the rule's id. */
export function tenancyProblems(o: KubeObject, r: TenancyRules): RuleProblem[] {
  return RULES.flatMap((rule) =>
    rule.check(o, r).map((p) => ({
      rule: rule.id,
      path: p.path,
      problem: `${o.kind} "${o.metadata.name}" ${dotted(p.path)}: ${p.problem} (rule ${rule.id})`,
    })),
  )
}

/**
 * Checks across the objects of one render: a ClusterRoleBinding's roleRef must be a ClusterRole the same preview
 * renders.
 */
export function crossObjectProblems(objects: KubeObject[]): Array<{ object: KubeObject } & RuleProblem> {
  const roles = new Set(
    objects.filter((o) => is(o, 'rbac.authorization.k8s.io', 'ClusterRole')).map((o) => o.metadata.name),
  )
  return objects
    .filter((o) => is(o, 'rbac.authorization.k8s.io', 'ClusterRoleBinding'))
    .filter((o) => {
      const ref = asObject(o.roleRef)
      return ref.kind !== 'ClusterRole' || !roles.has(String(ref.name))
    })
    .map((o) => ({
      object: o,
      rule: 'cluster-role-binding-ref',
      path: ['roleRef', 'name'],
      problem: `${o.kind} "${o.metadata.name}" roleRef.name: ${JSON.stringify(asObject(o.roleRef).name)} is not a ClusterRole this preview renders; a preview may grant only roles it defines (rule cluster-role-binding-ref)`,
    }))
}

/** The README's claims table, from the rules. */
export function claimsTable(): string {
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.refuses} | ${r.where} |`)
  rows.push(
    '| `cluster-role-binding-ref` | a ClusterRoleBinding whose `roleRef` is not a ClusterRole the same preview renders | ClusterRoleBinding roleRef |',
  )
  return ['| Rule | Refused | Where |', '| --- | --- | --- |', ...rows].join('\n')
}
