// `kube-pr-preview init`'s arguments, parsed into InitArgs (errors name the flag). Pure.
import { parseObjectName } from '../inputs/frontdoor.js'
import { parseKinds } from '../inputs/parse.js'
import { type AccessPlan } from './access-policy.js'

export const INIT_USAGE = `usage: kube-pr-preview init --repo owner/name [--repo owner/name …]
  [--identity serviceaccount|oidc|user:<name>] [--namespace-prefix P] [--pod-security baseline|restricted|privileged]
  [--allow-cluster-scoped KINDS] [--allow-service-types TYPES] [--templates DIR] [--extra-templates DIR]
  [--gateway NS/NAME] [--tls-secret NS/NAME] [--oidc-audience AUD] [--oidc-issuer URL]
  [--apply [--kubeconfig-out FILE] [--token-duration 720h]] [--check]`

const VALUE_FLAGS = [
  'repo',
  'identity',
  'namespace-prefix',
  'pod-security',
  'allow-cluster-scoped',
  'allow-service-types',
  'templates',
  'extra-templates',
  'gateway',
  'oidc-audience',
  'oidc-issuer',
  'kubeconfig-out',
  'token-duration',
  'tls-secret',
]
const SWITCHES = ['apply', 'check']

export const SERVICE_ACCOUNT = { namespace: 'kube-pr-preview', name: 'kube-pr-preview' }
export const INIT_MANAGER = 'kube-pr-preview-init'

export interface InitArgs {
  repos: string[]
  identity: { kind: 'serviceaccount' } | { kind: 'oidc' } | { kind: 'user'; name: string }
  prefix: string
  podSecurity: AccessPlan['podSecurity']
  allowClusterScoped: string[]
  serviceTypes: string[]
  templates: string
  extraTemplates: string
  gateway: string
  /** The tls-secret input: get on exactly that Secret. */
  tlsSecret: { namespace: string; name: string } | null
  audience: string
  issuer: string
  apply: boolean
  check: boolean
  kubeconfigOut: string
  tokenSeconds: number
}

export function parseInitArgs(argv: string[]): InitArgs {
  const values: Record<string, string[]> = {}
  const on = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s) : [undefined, undefined]
    if (flag && SWITCHES.includes(flag) && inline === undefined) {
      on.add(flag)
      continue
    }
    if (!flag || !VALUE_FLAGS.includes(flag)) throw new Error(`unknown argument "${arg}"\n${INIT_USAGE}`)
    const value = inline ?? argv[++i]
    if (value === undefined) throw new Error(`--${flag} needs a value\n${INIT_USAGE}`)
    ;(values[flag] ??= []).push(value)
  }
  const one = (flag: string, fallback = '') => values[flag]?.at(-1) ?? fallback
  const repos = (values.repo ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean)
  if (!repos.length) throw new Error(`--repo owner/name is required (repeat it for several)\n${INIT_USAGE}`)
  for (const r of repos) if (!/^[\w.-]+\/[\w.-]+$/.test(r)) throw new Error(`--repo "${r}" is not owner/name`)
  const id = one('identity', 'serviceaccount')
  const identity: InitArgs['identity'] | null =
    id === 'serviceaccount' || id === 'oidc'
      ? { kind: id }
      : id.startsWith('user:') && id.length > 5
        ? { kind: 'user' as const, name: id.slice(5) }
        : null
  if (!identity)
    throw new Error(
      '--identity must be serviceaccount, oidc or user:<name> (the Kubernetes user of a cloud login)',
    )
  const prefix = one('namespace-prefix', 'preview')
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(prefix) || prefix.length > 20)
    throw new Error(
      `--namespace-prefix "${prefix}": lowercase letters, digits and dashes, at most 20 characters`,
    )
  const podSecurity = one('pod-security', 'baseline')
  if (podSecurity !== 'baseline' && podSecurity !== 'restricted' && podSecurity !== 'privileged')
    throw new Error('--pod-security must be baseline, restricted or privileged (as the pod-security input)')
  const serviceTypes = one('allow-service-types')
    .split(/[\s,]+/)
    .filter(Boolean)
  for (const t of serviceTypes)
    if (t !== 'LoadBalancer' && t !== 'NodePort')
      throw new Error(`--allow-service-types "${t}": only LoadBalancer and NodePort can be allowed`)
  const duration = one('token-duration', '720h')
  const m = /^(\d+)(h|d)$/.exec(duration)
  if (!m) throw new Error('--token-duration: hours or days, e.g. 720h or 30d')
  const kubeconfigOut = one('kubeconfig-out')
  if (kubeconfigOut && (identity.kind !== 'serviceaccount' || !on.has('apply')))
    throw new Error(
      '--kubeconfig-out needs --identity serviceaccount and --apply (the token is made on the cluster)',
    )
  const tls = one('tls-secret')
  const tlsSecret = (() => {
    try {
      return parseObjectName('tls-secret', tls)
    } catch {
      throw new Error(`--tls-secret "${tls}" is not namespace/name (as the tls-secret input)`)
    }
  })()
  return {
    repos,
    identity,
    tlsSecret,
    prefix,
    podSecurity,
    allowClusterScoped: parseKinds('allow-cluster-scoped', one('allow-cluster-scoped')),
    serviceTypes,
    templates: one('templates'),
    extraTemplates: one('extra-templates'),
    gateway: one('gateway'),
    audience: one('oidc-audience'),
    issuer: one('oidc-issuer', 'https://token.actions.githubusercontent.com'),
    apply: on.has('apply'),
    check: on.has('check'),
    kubeconfigOut,
    tokenSeconds: Number(m[1]) * (m[2] === 'd' ? 86400 : 3600),
  }
}
