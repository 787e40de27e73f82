// Decides what a run does for a pull_request event and names everything it touches. Pure.
import type { PullRequestEvent } from '../inputs/event.js'
import { hostName, previewNames, type PreviewNames } from './naming.js'
import type { Settings } from '../inputs/settings.js'

export type Action = 'deploy' | 'destroy' | 'skip'

export interface RunInfo {
  serverUrl: string
  runId: string
  runAttempt: string
}

export interface Plan {
  action: Action
  /** Why: shown in the log and, for skips, in the summary. */
  reason: string
  pr: PullRequestEvent
  names: PreviewNames
  namespace: string
  environment: string
  domain: string
  /** Host name of the web app; other services get `<service>-<host>` (see hostFor). */
  host: string
  url: string
  image: string
  /** The deployment's ref: the PR head commit, so the PR shows the deployment. */
  ref: string
  logUrl: string
  scheme: 'https' | 'http'
  /** GITHUB_RUN_ID: later events of a PR get later runs. */
  runId: string
}

export interface RunOrder {
  updatedAt: string
  runId: string
}

/**
 * Whether the deployed run is newer than this one: by pull_request.updated_at (a push moves it), and when that
 * is the same or unknown, by the workflow run id. Pure.
 */
export function isNewer(deployed: RunOrder, ours: RunOrder): boolean {
  const [a, b] = [Date.parse(deployed.updatedAt), Date.parse(ours.updatedAt)]
  if (Number.isFinite(a) && Number.isFinite(b) && a !== b) return a > b
  const [x, y] = [Number(deployed.runId), Number(ours.runId)]
  return Number.isFinite(x) && Number.isFinite(y) && x > y
}

/** Used when the `domain` input is empty: resolves to this machine only, so the summary says so. */
export const FALLBACK_DOMAIN = 'preview.localhost'

const DEPLOY_ACTIONS = ['opened', 'synchronize', 'reopened']

export function decideAction(
  mode: Settings['mode'],
  eventAction: string,
  onlyLabels: string[] = [],
  labels: string[] = [],
): { action: Action; reason: string } {
  if (mode === 'deploy') return { action: 'deploy', reason: 'the mode input is deploy' }
  if (mode === 'destroy') return { action: 'destroy', reason: 'the mode input is destroy' }
  if (DEPLOY_ACTIONS.includes(eventAction))
    return { action: 'deploy', reason: `the pull request was ${eventAction}` }
  // The label that opts a PR in, added later, deploys it then; a draft marked ready likewise.
  if (eventAction === 'labeled' && onlyLabels.some((l) => labels.includes(l)))
    return { action: 'deploy', reason: 'the pull request got its preview label' }
  if (eventAction === 'ready_for_review')
    return { action: 'deploy', reason: 'the pull request is ready for review' }
  if (eventAction === 'closed') return { action: 'destroy', reason: 'the pull request was closed' }
  return {
    action: 'skip',
    reason: `nothing to do for the "${eventAction}" event (deploys on opened, synchronize and reopened; removes on closed)`,
  }
}

export const FORK_REFUSED =
  "PRs from forks are not deployed: their code would run with this workflow's cluster credentials. " +
  'Set allow-forks: true only if you trust every fork (see the README on forks).'

export function planPreview(pr: PullRequestEvent, settings: Settings, run: RunInfo): Plan {
  let { action, reason } = decideAction(settings.mode, pr.action, settings.onlyLabels, pr.labels)
  // Removing a preview is always allowed; deploying is subject to the filters.
  const filtered = action === 'deploy' ? filterReason(pr, settings) : null
  if (filtered) ({ action, reason } = { action: 'skip', reason: filtered })
  const names = previewNames(settings.namespacePrefix, pr.repository.fullName, pr.number)
  const domain = settings.domain || FALLBACK_DOMAIN
  const host = hostName(names, domain)
  const image = settings.image || `ghcr.io/${pr.repository.fullName.toLowerCase()}:${pr.head.sha}`
  const scheme = schemeOf(settings)
  return {
    action,
    reason,
    pr,
    names,
    namespace: names.namespace,
    environment: settings.environment || `preview/pr-${pr.number}`,
    domain,
    host,
    url: `${scheme}://${host}`,
    image,
    ref: pr.head.sha,
    logUrl: `${run.serverUrl}/${pr.repository.fullName}/actions/runs/${run.runId}/attempts/${run.runAttempt}`,
    runId: run.runId,
    scheme,
  }
}

/** The URLs' scheme before the cluster is read: https with a certificate to copy (a Gateway's may change it). */
const schemeOf = (s: Settings) => s.urlScheme || (s.tlsSecret ? 'https' : 'http')

/** `*` matches any run of characters: `release/*`. */
function branchMatches(pattern: string, branch: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )
  return re.test(branch)
}

/** Why a PR is not deployed, when the inputs say so: forks, drafts, labels, base branches. */
export function filterReason(pr: PullRequestEvent, settings: Settings): string | null {
  if (pr.fork && !settings.allowForks) return FORK_REFUSED
  if (settings.skipDrafts && pr.draft)
    return 'the pull request is a draft (skip-drafts is on); mark it ready for review to deploy it'
  if (settings.onlyLabels.length && !settings.onlyLabels.some((l) => pr.labels.includes(l))) {
    return `the pull request has none of the labels ${settings.onlyLabels.join(', ')} (only-labels)`
  }
  if (settings.baseBranches.length && !settings.baseBranches.some((b) => branchMatches(b, pr.base.ref))) {
    return `the base branch ${pr.base.ref} is not one of ${settings.baseBranches.join(', ')} (base-branches)`
  }
  return null
}

export function hostFor(plan: Plan, service: string): string {
  return hostName(plan.names, plan.domain, service)
}
