// Rules for the shared front door: only the preview's own hosts, certificates and routing kinds. Pure.
import { isOwnHost } from '../claims.js'
import { asList, asObject, at, is, groupOf, type Path, type Rule, type TenancyRules } from './rule.js'

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

export const ROUTING_RULES: Rule[] = [
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
]
