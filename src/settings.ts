// Every input of the action, parsed once into one typed object. Pure: takes a reader of raw input strings and
// throws an error naming the input and what it expects.
import { parse as parseYaml } from 'yaml'
import { parseFrontDoor, type FrontDoorSettings } from './frontdoor.js'
import { parseRegistryLogin, type RegistryLogin } from './registry.js'

export type Mode = 'auto' | 'deploy' | 'destroy' | 'sweep'
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted'

export interface Settings extends FrontDoorSettings {
  /** The kubeconfig as YAML text (decoded when it was given as base64). Secret. */
  kubeconfig: string
  githubToken: string
  /** Base domain of preview host names; empty means "not given". */
  domain: string
  /** Folder of the user's templates; empty means the bundled stack. */
  templates: string
  /** Folder rendered with the templates; a file of the same name replaces one of theirs. Empty: none. */
  extraTemplates: string
  /** Login for the registry of `image` (inputs registry-username / registry-password); null: none. Secret. */
  registry: RegistryLogin | null
  values: Record<string, unknown>
  /** The app image; empty means `ghcr.io/<owner>/<repo>:<head sha>`. */
  image: string
  namespacePrefix: string
  /** GitHub environment name; empty means `preview/pr-<number>`. */
  environment: string
  wait: boolean
  timeoutMs: number
  mode: Mode
  /** Empty: https with a TLS certificate (tls-secret, or the Gateway listener's), else http. */
  urlScheme: 'https' | 'http' | ''
  /** On teardown, also delete the GitHub environment (needs a token with administration rights). */
  deleteEnvironment: boolean
  /** Deploy PRs whose head branch lives in a fork (their code then runs with the cluster credentials). */
  allowForks: boolean
  /** Cluster-wide kinds templates may create (named, e.g. ClusterRole); never Namespace. */
  allowClusterScoped: string[]
  /** Deploy only PRs carrying one of these labels (empty: every PR). */
  onlyLabels: string[]
  skipDrafts: boolean
  /** Deploy only PRs into these base branches (`*` wildcards; empty: every branch). */
  baseBranches: string[]
  /** The sticky PR comment with the preview's URLs. */
  comment: boolean
  /** Per-preview ResourceQuota `hard` limits; null: none. */
  resourceQuota: Record<string, string> | null
  /** Per-preview LimitRange container defaults; null: none. */
  limitRange: { default: Record<string, string>; defaultRequest: Record<string, string> } | null
  maxLivePreviews: number | null
  networkPolicy: boolean
  /** Namespace of the ingress controller, allowed in by the NetworkPolicy. */
  ingressNamespace: string
  /** The Pod Security Standard enforced in preview namespaces (warn and audit are always restricted). */
  podSecurity: PodSecurityLevel
  /** Sweep: remove previews not deployed for this long; null: only closed PRs. */
  ttlMs: number | null
  dryRun: boolean
}

export type InputReader = (name: string) => string

export class InputError extends Error {
  constructor(input: string, problem: string) {
    super(`Input "${input}": ${problem}`)
    this.name = 'InputError'
  }
}

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
const list = (raw: string) =>
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
function parseQuantities(
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

function parseLimitRange(raw: string): Settings['limitRange'] {
  if (OFF.includes(raw.trim().toLowerCase())) return null
  if (!raw.trim()) return DEFAULT_LIMITS
  const parsed = parseValues(raw) as { default?: unknown; defaultRequest?: unknown }
  const section = (name: 'default' | 'defaultRequest') =>
    parseQuantities('limit-range', parsed[name] === undefined ? 'none' : JSON.stringify(parsed[name]), {}) ??
    {}
  return { default: section('default'), defaultRequest: section('defaultRequest') }
}

function parseCount(input: string, raw: string): number | null {
  if (!raw.trim()) return null
  const n = Number(raw.trim())
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InputError(input, `"${raw}" is not a positive whole number.`)
  return n
}

function parseIngressNamespace(name: string): string {
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name))
    throw new InputError('ingress-namespace', `"${name}" is not a namespace name.`)
  return name
}

function parsePodSecurity(raw: string): PodSecurityLevel {
  const level = (raw || 'baseline').toLowerCase()
  if (level !== 'baseline' && level !== 'restricted' && level !== 'privileged')
    throw new InputError(
      'pod-security',
      `"${raw}" is not a Pod Security Standard: use baseline, restricted or privileged.`,
    )
  return level
}

/** The kubeconfig, for runs that talk to the cluster. */
export function requireKubeconfig(settings: Settings): string {
  if (!settings.kubeconfig) {
    throw new InputError(
      'kubeconfig',
      'is required: pass a secret, e.g. `kubeconfig: ${{ secrets.KUBECONFIG }}` (an empty value also means the secret is not set, or not available to this workflow run).',
    )
  }
  return settings.kubeconfig
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

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const DOMAIN = /^(?=.{1,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/

export function parseSettings(read: InputReader): Settings {
  const text = (name: string) => read(name).trim()

  const prefix = text('namespace-prefix') || 'preview'
  if (!DNS_LABEL.test(prefix) || prefix.length > 20) {
    throw new InputError(
      'namespace-prefix',
      `"${prefix}" must be lowercase letters, digits and dashes, at most 20 characters.`,
    )
  }
  const domain = text('domain').toLowerCase().replace(/\.$/, '')
  if (domain && !DOMAIN.test(domain)) {
    throw new InputError(
      'domain',
      `"${domain}" is not a DNS name: give a base domain such as preview.example.com.`,
    )
  }
  const mode = (text('mode') || 'auto').toLowerCase()
  if (mode !== 'auto' && mode !== 'deploy' && mode !== 'destroy' && mode !== 'sweep') {
    throw new InputError(
      'mode',
      `"${mode}" is not a mode: use auto (from the event), deploy, destroy or sweep.`,
    )
  }
  const scheme = text('url-scheme').toLowerCase()
  if (scheme !== 'https' && scheme !== 'http' && scheme !== '')
    throw new InputError('url-scheme', 'use https or http (or leave it empty).')
  const environment = text('environment')
  if (environment.length > 255)
    throw new InputError('environment', 'is longer than GitHub allows (255 characters).')
  const image = text('image')
  if (/\s/.test(image)) throw new InputError('image', `"${image}" is not an image reference (it has spaces).`)

  return {
    kubeconfig: decodeKubeconfig(read('kubeconfig')),
    githubToken: text('github-token'),
    domain,
    templates: text('templates'),
    extraTemplates: text('extra-templates'),
    registry: parseRegistryLogin(text('registry-username'), read('registry-password')),
    values: parseValues(read('values')),
    image,
    namespacePrefix: prefix,
    environment,
    wait: parseBoolean('wait', read('wait'), true),
    timeoutMs: parseDuration('timeout', text('timeout') || '10m'),
    mode,
    urlScheme: scheme,
    deleteEnvironment: parseBoolean('delete-environment', read('delete-environment'), false),
    allowForks: parseBoolean('allow-forks', read('allow-forks'), false),
    allowClusterScoped: parseKinds('allow-cluster-scoped', read('allow-cluster-scoped')),
    onlyLabels: list(read('only-labels')),
    skipDrafts: parseBoolean('skip-drafts', read('skip-drafts'), false),
    baseBranches: list(read('base-branches')),
    comment: parseBoolean('comment', read('comment'), true),
    resourceQuota: parseQuantities('resource-quota', read('resource-quota'), DEFAULT_QUOTA),
    limitRange: parseLimitRange(read('limit-range')),
    maxLivePreviews: parseCount('max-live-previews', read('max-live-previews')),
    networkPolicy: parseBoolean('network-policy', read('network-policy'), true),
    ingressNamespace: parseIngressNamespace(text('ingress-namespace') || 'ingress-nginx'),
    podSecurity: parsePodSecurity(text('pod-security')),
    ttlMs: text('ttl') ? parseDuration('ttl', text('ttl')) : null,
    dryRun: parseBoolean('dry-run', read('dry-run'), false),
    ...parseFrontDoor(read),
  }
}
