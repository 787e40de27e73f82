// Every input of the action, parsed once into one typed object. Pure: takes a reader of raw input strings and
// throws an error naming the input and what it expects.
import { InputError } from '../shared/errors.js'
import { parseClusterAccess, type ClusterAccess } from './access.js'
import { parseFrontDoor, type FrontDoorSettings } from './frontdoor.js'
import { parseRegistryLogin, type RegistryLogin } from './registry.js'
import type { InputReader } from './reader.js'
import { parseSmoke, type SmokeSettings } from './smoke.js'
import {
  DEFAULT_QUOTA,
  parseServiceTypes,
  serviceTypeQuota,
  type OptionalServiceType,
  decodeKubeconfig,
  list,
  parseBoolean,
  parseCount,
  parseDuration,
  parseIngressNamespace,
  parseKinds,
  parseLimitRange,
  parsePodSecurity,
  parseQuantities,
  parseValues,
  type PodSecurityLevel,
} from './parse.js'

export const MODES = ['auto', 'deploy', 'destroy', 'sweep', 'sleep', 'wake', 'command'] as const
export type Mode = (typeof MODES)[number]

export interface Settings extends FrontDoorSettings, SmokeSettings {
  /** The kubeconfig as YAML text (decoded when it was given as base64). Secret. */
  kubeconfig: string
  /** How the run reaches the cluster: the kubeconfig input, GitHub OIDC, or the runner's kubeconfig. */
  access: ClusterAccess
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
  /** With networkPolicy: pods may not open connections to the cloud metadata address or the API server. */
  egressGuard: boolean
  /** Service types templates may use besides ClusterIP and ExternalName (`allow-service-types`). */
  allowServiceTypes: OptionalServiceType[]
  /** Most objects one render may produce (`max-objects`). */
  maxObjects: number
  /** Namespace of the front door's pods, admitted by the NetworkPolicy; empty: found from the cluster. */
  ingressNamespace: string
  /** The Pod Security Standard enforced in preview namespaces (warn and audit are always restricted). */
  podSecurity: PodSecurityLevel
  /** Sweep: remove previews not deployed for this long; null: only closed PRs. */
  ttlMs: number | null
  /** Sweep: with ttl, comment once this long before a preview's TTL. */
  ttlWarningMs: number
  /** Sweep: put previews to sleep whose last deploy or wake is older than this; null: never. */
  sleepAfterMs: number | null
  /** Mode sleep / wake: the PR whose preview sleeps or wakes; null: not given. */
  pr: number | null
  /** A PR with this label is never put to sleep nor removed for its TTL (empty: no label keeps). */
  keepLabel: string
  /** Sweep: keep the dashboard issue up to date. */
  dashboard: boolean
  dashboardTitle: string
  dryRun: boolean
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
  const mode = (text('mode') || 'auto').toLowerCase() as Mode
  if (!MODES.includes(mode)) {
    throw new InputError(
      'mode',
      `"${mode}" is not a mode: use auto (from the event), deploy, destroy, sweep, sleep, wake or command.`,
    )
  }
  const pr = parseCount('pr', read('pr'))
  if ((mode === 'sleep' || mode === 'wake') && pr === null)
    throw new InputError('pr', `is required with mode: ${mode}: the number of the pull request, e.g. pr: 42.`)
  const keepLabel = text('keep-label') || 'preview-keep'
  if (keepLabel.length > 50)
    throw new InputError('keep-label', 'is longer than a GitHub label may be (50 characters).')
  const scheme = text('url-scheme').toLowerCase()
  if (scheme !== 'https' && scheme !== 'http' && scheme !== '')
    throw new InputError('url-scheme', 'use https or http (or leave it empty).')
  const environment = text('environment')
  if (environment.length > 255)
    throw new InputError('environment', 'is longer than GitHub allows (255 characters).')
  const allowServiceTypes = parseServiceTypes(read('allow-service-types'))
  const image = text('image')
  if (/\s/.test(image)) throw new InputError('image', `"${image}" is not an image reference (it has spaces).`)

  const kubeconfig = decodeKubeconfig(read('kubeconfig'))
  return {
    kubeconfig,
    access: parseClusterAccess(read, kubeconfig),
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
    resourceQuota: withServiceTypeQuota(
      parseQuantities('resource-quota', read('resource-quota'), DEFAULT_QUOTA),
      allowServiceTypes,
    ),
    limitRange: parseLimitRange(read('limit-range')),
    maxLivePreviews: parseCount('max-live-previews', read('max-live-previews')),
    networkPolicy: parseBoolean('network-policy', read('network-policy'), true),
    egressGuard: parseBoolean('egress-guard', read('egress-guard'), true),
    allowServiceTypes,
    maxObjects: parseCount('max-objects', read('max-objects')) ?? DEFAULT_MAX_OBJECTS,
    ingressNamespace: text('ingress-namespace') ? parseIngressNamespace(text('ingress-namespace')) : '',
    podSecurity: parsePodSecurity(text('pod-security')),
    ttlMs: text('ttl') ? parseDuration('ttl', text('ttl')) : null,
    ttlWarningMs: parseDuration('ttl-warning', text('ttl-warning') || '24h'),
    sleepAfterMs: text('sleep-after') ? parseDuration('sleep-after', text('sleep-after')) : null,
    pr,
    keepLabel,
    dashboard: parseBoolean('dashboard', read('dashboard'), false),
    dashboardTitle: text('dashboard-title') || 'Preview environments',
    dryRun: parseBoolean('dry-run', read('dry-run'), false),
    ...parseFrontDoor(read),
    ...parseSmoke(read),
  }
}

/** Zero LoadBalancers and NodePorts in the quota unless allowed; a quota that names them itself is kept. */
function withServiceTypeQuota(
  quota: Record<string, string> | null,
  allowed: OptionalServiceType[],
): Record<string, string> | null {
  return quota && { ...serviceTypeQuota(allowed), ...quota }
}

/** `max-objects` when the input is empty. */
export const DEFAULT_MAX_OBJECTS = 300
