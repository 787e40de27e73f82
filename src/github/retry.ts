// When a failed GitHub request is repeated, and after how long: rate limits, secondary rate limits, server
// errors and dropped connections, within the run's timeout. Pure.
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
export function waitBefore(e: unknown, attempt: number, retry: GitHubRetry): number | null {
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
