// What a preview's templates may claim outside its own objects. Pure, checked at render, before anything is applied:
// - host names (Ingress rules and TLS hosts, HTTPRoute/GRPCRoute/TLSRoute hostnames, Gateway listener hostnames)
//   must be the preview's own, under `domain`, so a pull request cannot take over shop.example.com (or every
//   host) on the shared ingress controller or gateway;
// - RoleBindings (and allowed ClusterRoleBindings) may bind only subjects of the preview's own namespace.
import type { KubeObject } from '../shared/kube-object.js'

export interface ClaimRules {
  /** The base domain of preview hosts (the `domain` input, or the fallback). */
  domain: string
  /** The unique tail of every host label of this preview (`<hash>-pr-<n>`). */
  unique: string
  namespace: string
}

export interface ClaimProblem {
  /** Where in the object, for the line number (e.g. ['spec', 'rules', 0, 'host']). */
  path: Array<string | number>
  problem: string
}

/** The preview's hosts: one DNS label ending in its unique part, then `.<domain>`. */
export function isOwnHost(host: string, rules: ClaimRules): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  const suffix = `.${rules.domain.toLowerCase()}`
  if (!h.endsWith(suffix)) return false
  const label = h.slice(0, -suffix.length)
  return (
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label) &&
    (label === rules.unique || label.endsWith(`-${rules.unique}`))
  )
}

const ownHostsHint = (rules: ClaimRules) =>
  `use {{preview.host}}, or {{host "<service>"}} for another service (hosts of this preview end in -${rules.unique}.${rules.domain})`

type Json = Record<string, unknown>
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})

function hostProblems(o: KubeObject, rules: ClaimRules): ClaimProblem[] {
  const out: ClaimProblem[] = []
  const spec = asObject(o.spec)
  const what = `${o.kind} "${o.metadata.name}"`
  const check = (host: unknown, path: ClaimProblem['path'], where: string) => {
    if (typeof host === 'string' && host && isOwnHost(host, rules)) return
    const shown = typeof host === 'string' && host ? `claims host ${JSON.stringify(host)}` : 'has no host'
    const why =
      typeof host === 'string' && host
        ? 'a preview may only use its own host names'
        : 'without one it would answer for every host on the shared ingress controller'
    out.push({ path, problem: `${what} ${where} ${shown}: ${why}; ${ownHostsHint(rules)}` })
  }
  if (o.kind === 'Ingress' && o.apiVersion.startsWith('networking.k8s.io/')) {
    if (spec.defaultBackend !== undefined)
      out.push({
        path: ['spec', 'defaultBackend'],
        problem: `${what} sets spec.defaultBackend, which would take traffic for hosts that are not the preview's; put the backend under a rule with host {{preview.host}}`,
      })
    asList(spec.rules).forEach((r, i) =>
      check(asObject(r).host, ['spec', 'rules', i, 'host'], `rule ${i + 1}`),
    )
    asList(spec.tls).forEach((t, i) =>
      asList(asObject(t).hosts).forEach((h, j) => check(h, ['spec', 'tls', i, 'hosts', j], `tls ${i + 1}`)),
    )
  }
  if (o.apiVersion.startsWith('gateway.networking.k8s.io/') && o.kind === 'Gateway') {
    // A Gateway of its own may listen only for the preview's hosts (a listener without one takes every host).
    asList(spec.listeners).forEach((l, i) =>
      check(asObject(l).hostname, ['spec', 'listeners', i, 'hostname'], `listener ${i + 1}`),
    )
  }
  if (
    o.apiVersion.startsWith('gateway.networking.k8s.io/') &&
    /Route$/.test(o.kind) &&
    o.kind !== 'TCPRoute'
  ) {
    const hostnames = asList(spec.hostnames)
    if (hostnames.length === 0 && ['HTTPRoute', 'GRPCRoute', 'TLSRoute'].includes(o.kind))
      check(undefined, ['spec'], 'spec.hostnames')
    hostnames.forEach((h, i) => check(h, ['spec', 'hostnames', i], 'hostname'))
  }
  return out
}

function subjectProblems(o: KubeObject, rules: ClaimRules): ClaimProblem[] {
  if (o.apiVersion !== 'rbac.authorization.k8s.io/v1' || !/^(Cluster)?RoleBinding$/.test(o.kind)) return []
  const out: ClaimProblem[] = []
  asList(o.subjects).forEach((raw, i) => {
    const s = asObject(raw)
    const kind = String(s.kind ?? '')
    const name = String(s.name ?? '')
    const ns = s.namespace === undefined || s.namespace === '' ? undefined : String(s.namespace)
    const own =
      kind === 'ServiceAccount'
        ? (ns ?? (o.kind === 'RoleBinding' ? rules.namespace : undefined)) === rules.namespace
        : (kind === 'Group' && name === `system:serviceaccounts:${rules.namespace}`) ||
          (kind === 'User' && name.startsWith(`system:serviceaccount:${rules.namespace}:`))
    if (own) return
    const who = `${kind || 'subject'} ${JSON.stringify(name)}${ns ? ` of namespace ${JSON.stringify(ns)}` : ''}`
    out.push({
      path: ['subjects', i],
      problem: `${o.kind} "${o.metadata.name}" binds ${who}: a preview may bind only service accounts of its own namespace (leave subjects[].namespace out, or use {{preview.namespace}})`,
    })
  })
  return out
}

/** Every claim of the object that is not the preview's to make; empty when it claims nothing foreign. */
export function claimProblems(o: KubeObject, rules: ClaimRules): ClaimProblem[] {
  return [...hostProblems(o, rules), ...subjectProblems(o, rules)]
}
