// The shape of a tenancy rule, and the small readers the rules share. Pure.
import type { ClaimProblem, ClaimRules } from '../claims.js'
import type { KubeObject } from '../../shared/kube-object.js'

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

export type Json = Record<string, unknown>
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
export const asObject = (v: unknown): Json =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {}
export const groupOf = (o: KubeObject) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '')
export const is = (o: KubeObject, group: string, ...kinds: string[]) =>
  groupOf(o) === group && kinds.includes(o.kind)
export type Path = ClaimProblem['path']
export const at = (path: Path, problem: string) => ({ path, problem })
export const dotted = (path: Path) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('')

/** An IPv4 or IPv6 address. */
export const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i
