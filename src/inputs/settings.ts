// Every input of the action, parsed once into one typed object. Pure: takes a reader of raw input strings and
// throws an error naming the input and what it expects.
import { InputError } from '../shared/errors.js'
import { parseFrontDoor, type FrontDoorSettings } from './frontdoor.js'
import { parseRegistryLogin, type RegistryLogin } from './registry.js'
import type { InputReader } from './reader.js'
import {
  DEFAULT_QUOTA,
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

export type Mode = 'auto' | 'deploy' | 'destroy' | 'sweep'

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
  /** Namespace of the front door's pods, admitted by the NetworkPolicy; empty: found from the cluster. */
  ingressNamespace: string
  /** The Pod Security Standard enforced in preview namespaces (warn and audit are always restricted). */
  podSecurity: PodSecurityLevel
  /** Sweep: remove previews not deployed for this long; null: only closed PRs. */
  ttlMs: number | null
  dryRun: boolean
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
    ingressNamespace: text('ingress-namespace') ? parseIngressNamespace(text('ingress-namespace')) : '',
    podSecurity: parsePodSecurity(text('pod-security')),
    ttlMs: text('ttl') ? parseDuration('ttl', text('ttl')) : null,
    dryRun: parseBoolean('dry-run', read('dry-run'), false),
    ...parseFrontDoor(read),
  }
}
