// The parsers behind settings.ts, one per kind of input value (durations, booleans, YAML values, lists,
// quantities). Pure; each throws an InputError that names the input.
import { parse as parseYaml } from 'yaml'
import { InputError } from '../shared/errors.js'

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted'

/**
 * Kubeconfig text, given as YAML or as base64 of YAML (what `base64 -w0 ~/.kube/config` prints). Empty stays
 * empty: runs that need no cluster (a skipped fork PR, whose workflow gets no secrets) must not fail on it.
 */
export function decodeKubeconfig(raw: string): string {
  const text = raw.trim()
  if (text === '') return ''
  if (/^[A-Za-z0-9+/=\s]+$/.test(text) && !text.includes(':')) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8')
    if (/clusters\s*:/.test(decoded)) return decoded
    throw new InputError('kubeconfig', 'looks like base64 but does not decode to a kubeconfig.')
  }
  if (!/clusters\s*:/.test(text)) {
    throw new InputError(
      'kubeconfig',
      'is not a kubeconfig: expected YAML with `clusters:`, or base64 of it.',
    )
  }
  return text
}

/** `10m`, `90s`, `1h30m`, `7d`, `600` (seconds) → milliseconds. */
export function parseDuration(input: string, raw: string): number {
  const text = raw.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text)
  if (!m || text === '')
    throw new InputError(input, `"${raw}" is not a duration: use e.g. 90s, 10m, 1h30m or 7d.`)
  const [days, hours, minutes, seconds] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
  ]
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000
  if (ms <= 0) throw new InputError(input, 'must be longer than zero.')
  return ms
}

export function parseBoolean(input: string, raw: string, fallback: boolean): boolean {
  const text = raw.trim().toLowerCase()
  if (text === '') return fallback
  if (['true', 'yes', 'on', '1'].includes(text)) return true
  if (['false', 'no', 'off', '0'].includes(text)) return false
  throw new InputError(input, `"${raw}" is not a boolean: use true or false.`)
}

export function parseValues(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = parseYaml(raw, { uniqueKeys: true })
  } catch (e) {
    throw new InputError('values', `is not valid YAML: ${(e as Error).message.split('\n')[0]}`)
  }
  if (parsed === null || parsed === undefined) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError('values', 'must be a YAML mapping (key: value lines), not a list or a single value.')
  }
  return parsed as Record<string, unknown>
}

/** Comma- or line-separated words. */
export const list = (raw: string) =>
  raw
    .split(/[\n,]+/)
    .map((x) => x.trim())
    .filter(Boolean)

export const DEFAULT_QUOTA = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.memory': '16Gi',
  // Container writable layers, logs and scratch volumes: one preview cannot fill a node's disk.
  'requests.ephemeral-storage': '4Gi',
  'limits.ephemeral-storage': '20Gi',
  pods: '40',
}
export const DEFAULT_LIMITS = {
  default: { memory: '512Mi', 'ephemeral-storage': '1Gi' },
  defaultRequest: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
}
const OFF = ['none', 'off', 'false']

/** A YAML mapping of resource names to quantities; `none` turns it off; empty means the defaults. */
export function parseQuantities(
  input: string,
  raw: string,
  fallback: Record<string, string>,
): Record<string, string> | null {
  if (OFF.includes(raw.trim().toLowerCase())) return null
  if (!raw.trim()) return fallback
  let parsed: unknown
  try {
    parsed = parseYaml(raw)
  } catch {
    parsed = null
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(input, 'must be a YAML mapping such as `{requests.cpu: "4", pods: "40"}`, or none.')
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(parsed)) {
    if (!/^[0-9]+(\.[0-9]+)?([mkMGTPE]i?|[eE][0-9]+)?$/.test(String(v)))
      throw new InputError(input, `${k}: "${String(v)}" is not a quantity.`)
    out[k] = String(v)
  }
  return out
}

export function parseLimitRange(
  raw: string,
): { default: Record<string, string>; defaultRequest: Record<string, string> } | null {
  if (OFF.includes(raw.trim().toLowerCase())) return null
  if (!raw.trim()) return DEFAULT_LIMITS
  const parsed = parseValues(raw) as { default?: unknown; defaultRequest?: unknown }
  const section = (name: 'default' | 'defaultRequest') =>
    parseQuantities('limit-range', parsed[name] === undefined ? 'none' : JSON.stringify(parsed[name]), {}) ??
    {}
  return { default: section('default'), defaultRequest: section('defaultRequest') }
}

export function parseCount(input: string, raw: string): number | null {
  if (!raw.trim()) return null
  const n = Number(raw.trim())
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InputError(input, `"${raw}" is not a positive whole number.`)
  return n
}

export function parseIngressNamespace(name: string): string {
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name))
    throw new InputError('ingress-namespace', `"${name}" is not a namespace name.`)
  return name
}

export function parsePodSecurity(raw: string): PodSecurityLevel {
  const level = (raw || 'baseline').toLowerCase()
  if (level !== 'baseline' && level !== 'restricted' && level !== 'privileged')
    throw new InputError(
      'pod-security',
      `"${raw}" is not a Pod Security Standard: use baseline, restricted or privileged.`,
    )
  return level
}

/** `ClusterRole, ClusterRoleBinding` or one per line → kinds. */
export function parseKinds(input: string, raw: string): string[] {
  const kinds = raw.split(/[\s,]+/).filter(Boolean)
  for (const kind of kinds) {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(kind))
      throw new InputError(input, `"${kind}" is not a Kubernetes kind (e.g. ClusterRole).`)
    if (kind === 'Namespace')
      throw new InputError(
        input,
        'Namespace cannot be allowed: the action creates the preview namespace itself.',
      )
  }
  return kinds
}
