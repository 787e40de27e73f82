// Rules that keep a preview's traffic inside it: NetworkPolicy peers and Services that reach outside. Pure.
import { asList, asObject, at, is, IP, type Path, type Rule } from './rule.js'

export const NETWORK_RULES: Rule[] = [
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
]
