// The GitHub port: deployments and their statuses. Built once per run from @actions/github's Octokit (which
// follows GITHUB_API_URL) and passed in.
import { randomUUID } from 'node:crypto'
import { getOctokit } from '@actions/github'
import { GITHUB_PARALLEL, mapLimit } from '../shared/limit.js'

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive'

export interface DeploymentRequest {
  ref: string
  environment: string
  description: string
  payload: Record<string, unknown>
}

export interface StatusRequest {
  state: DeploymentState
  description: string
  environmentUrl?: string
  logUrl: string
}

export interface DeploymentSummary {
  id: number
  latestState: string | null
}

export interface PullRequestState {
  state: 'open' | 'closed'
  headSha: string
}

export interface GitHub {
  /** The PR as GitHub has it now; null when the token may not read it. */
  pullRequest(number: number): Promise<PullRequestState | null>
  createDeployment(d: DeploymentRequest): Promise<number>
  setStatus(id: number, s: StatusRequest): Promise<void>
  /** Deployments of an environment, newest first, with their latest state; `recent` limits it to the newest few. */
  listDeployments(environment: string, recent?: number): Promise<DeploymentSummary[]>
  /**
   * Updates the PR comment holding the marker, or creates one when `create` is set; returns its id, or null when
   * there was none to update.
   */
  upsertComment(number: number, marker: string, body: string, create: boolean): Promise<number | null>
  /** Deletes a GitHub environment; 'forbidden' when the token lacks administration rights. */
  deleteEnvironment(name: string): Promise<'deleted' | 'absent' | 'forbidden'>
}

/** GitHub refuses status descriptions over 140 characters. */
export function shortDescription(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length <= 140 ? one : `${one.slice(0, 139)}…`
}

export interface GitHubRetry {
  attempts: number
  /** Longest single wait, also for a rate limit's reset time (not for secondary rate limits: see retryDelay). */
  maxWaitMs: number
  /** No wait may end after this time (epoch ms): the run's timeout. */
  deadline?: number
}

export const GITHUB_RETRY: GitHubRetry = { attempts: 5, maxWaitMs: 60_000 }

/** GitHub's rule for secondary rate limits without retry-after: wait at least a minute, longer on each repeat. */
export const SECONDARY_WAIT_MS = 60_000

export const isSecondaryRateLimit = (
  status: number,
  headers: Record<string, string | undefined>,
  message: string,
) =>
  (status === 403 || status === 429) &&
  headers['retry-after'] === undefined &&
  headers['x-ratelimit-remaining'] !== '0' &&
  /secondary rate limit/i.test(message)

/** Whether a failed GitHub request is worth repeating, and after how long. */
export function retryDelay(
  status: number,
  headers: Record<string, string | undefined>,
  attempt: number,
  policy: GitHubRetry,
  message = '',
): number | null {
  // The long wait must end within the run's timeout; the short backoffs of other retries are always made.
  const fits = (ms: number) =>
    policy.deadline === undefined || Date.now() + ms < policy.deadline ? ms : null
  if (isSecondaryRateLimit(status, headers, message)) return fits(SECONDARY_WAIT_MS * 2 ** attempt)
  const rateLimited =
    status === 429 ||
    (status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined))
  if (!rateLimited && status !== 0 && status < 500) return null // 0: the connection failed
  const retryAfter = Number(headers['retry-after'])
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter * 1000, policy.maxWaitMs)
  const reset = Number(headers['x-ratelimit-reset'])
  if (rateLimited && Number.isFinite(reset))
    return Math.min(Math.max(0, reset * 1000 - Date.now()), policy.maxWaitMs)
  return Math.min(policy.maxWaitMs, 500 * 2 ** attempt)
}

interface RequestFailure {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined>; data?: unknown }
}

/** How long to wait before repeating a failed request, or null to give up (with the error said plainly). */
function waitBefore(e: unknown, attempt: number, retry: GitHubRetry): number | null {
  const err = e as RequestFailure
  const data = err.response?.data as { message?: string } | undefined
  const message = `${data?.message ?? ''} ${err.message ?? ''}`
  const headers = err.response?.headers ?? {}
  const wait =
    attempt + 1 < retry.attempts ? retryDelay(err.status ?? 0, headers, attempt, retry, message) : null
  if (wait === null && isSecondaryRateLimit(err.status ?? 0, headers, message) && e instanceof Error) {
    e.message = `GitHub's secondary rate limit: ${e.message} (waiting longer would pass the run's timeout; run again later)`
  }
  return wait
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The one POST that creates something: retried only after looking whether the failed attempt created it. */
const isCreateDeployment = (options: { method?: string; url?: string }) =>
  options.method === 'POST' && /\/repos\/[^/]+\/[^/]+\/deployments$/.test(options.url ?? '')

export function createGitHub(
  token: string,
  owner: string,
  repo: string,
  retry: GitHubRetry = GITHUB_RETRY,
): GitHub {
  if (!token)
    throw new Error(
      'Input "github-token": is empty; the default `${{ github.token }}` needs `permissions: deployments: write`.',
    )
  const octokit = getOctokit(token)
  // Rate limits (403/429) and server errors (5xx) are retried, waiting as GitHub asks; other errors are not.
  octokit.hook.wrap('request', async (request, options) => {
    if (isCreateDeployment(options)) return request(options)
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options)
      } catch (e) {
        const wait = waitBefore(e, attempt, retry)
        if (wait === null) throw e
        await sleep(wait)
      }
    }
  })

  /** The deployment a failed attempt may have created after all, found by the request id in its payload. */
  async function createdBy(environment: string, request: string): Promise<number | null> {
    const recent = await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 30 })
    const found = recent.data.find((d) => (d.payload as { request?: unknown } | null)?.request === request)
    return found ? found.id : null
  }
  return {
    async pullRequest(number) {
      try {
        const res = await octokit.rest.pulls.get({ owner, repo, pull_number: number })
        return { state: res.data.state === 'closed' ? 'closed' : 'open', headSha: res.data.head.sha }
      } catch (e) {
        const status = (e as { status?: number }).status
        if (status === 403 || status === 404) return null
        throw e
      }
    },
    async createDeployment(d) {
      // A 5xx or a dropped connection may come after GitHub created the deployment: before each retry, look for
      // it by this request's id, so that a retry never makes a second deployment.
      const request = randomUUID()
      const create = () =>
        octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref: d.ref,
          environment: d.environment,
          description: shortDescription(d.description),
          payload: { ...d.payload, request },
          auto_merge: false,
          required_contexts: [],
          transient_environment: true,
          production_environment: false,
        })
      let res: Awaited<ReturnType<typeof create>> | undefined
      for (let attempt = 0; !res; attempt++) {
        try {
          res = await create()
        } catch (e) {
          const wait = waitBefore(e, attempt, retry)
          if (wait === null) throw e
          await sleep(wait)
          const created = await createdBy(d.environment, request)
          if (created !== null) return created
        }
      }
      if (res.status !== 201 || !('id' in res.data)) {
        throw new Error(
          `GitHub did not create the deployment: ${(res.data as { message?: string }).message ?? res.status}`,
        )
      }
      return res.data.id
    },
    async setStatus(id, s) {
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: s.state,
        description: shortDescription(s.description),
        log_url: s.logUrl,
        ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
        auto_inactive: true,
      })
    },
    async listDeployments(environment, recent) {
      const deployments = recent
        ? (await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: recent })).data
        : await octokit.paginate(octokit.rest.repos.listDeployments, {
            owner,
            repo,
            environment,
            per_page: 100,
          })
      return mapLimit(deployments, GITHUB_PARALLEL, async (d) => {
        const statuses = await octokit.rest.repos.listDeploymentStatuses({
          owner,
          repo,
          deployment_id: d.id,
          per_page: 1,
        })
        return { id: d.id, latestState: statuses.data[0]?.state ?? null }
      })
    },
    async upsertComment(number, marker, body, create) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: number,
        per_page: 100,
      })
      const mine = comments.find((c) => c.body?.includes(marker))
      if (mine) {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body })
        return mine.id
      }
      if (!create) return null
      return (await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })).data.id
    },
    async deleteEnvironment(name) {
      try {
        await octokit.rest.repos.deleteAnEnvironment({ owner, repo, environment_name: name })
        return 'deleted'
      } catch (e) {
        const status = (e as { status?: number }).status
        if (status === 404) return 'absent'
        if (status === 403) return 'forbidden'
        throw e
      }
    },
  }
}
