// The GitHub port: deployments and their statuses. Built once per run from @actions/github's Octokit (which
// follows GITHUB_API_URL) and passed in.
import { randomUUID } from 'node:crypto'
import { getOctokit } from '@actions/github'
import { GITHUB_PARALLEL, mapLimit } from '../shared/limit.js'
export * from './port.js'
export * from './retry.js'
import { isOwnComment, requireToken, shortDescription, type GitHub } from './port.js'
import { GITHUB_RETRY, waitBefore, type GitHubRetry } from './retry.js'

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
  requireToken(token)
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

  let me: string | null | undefined
  /**
   * Who the token is: a person's login (a personal token), or null for an app's installation token (the job's
   * GITHUB_TOKEN, a GitHub App's), for which GitHub refuses GET /user: what it writes is then authored by a bot
   * account (type Bot), which only the repository's admins (installing an app) or workflows can write as.
   */
  async function identity(): Promise<string | null> {
    if (me !== undefined) return me
    try {
      me = (await octokit.rest.users.getAuthenticated()).data.login
    } catch (e) {
      const status = (e as { status?: number }).status
      if (status !== 403 && status !== 401) throw e
      me = null
    }
    return me
  }

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
        return {
          state: res.data.state === 'closed' ? 'closed' : 'open',
          headSha: res.data.head.sha,
          labels: (res.data.labels ?? []).map((l) => l.name ?? '').filter(Boolean),
          title: res.data.title ?? '',
          author: res.data.user?.login ?? '',
          htmlUrl: res.data.html_url ?? '',
          raw: res.data,
        }
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
    async listDeployments(environment, recent, olderThan = Infinity) {
      const all = recent
        ? (await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: recent })).data
        : await octokit.paginate(octokit.rest.repos.listDeployments, {
            owner,
            repo,
            environment,
            per_page: 100,
          })
      const deployments = all.filter((d) => d.id < olderThan)
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
      const mine = comments.find((c) => c.body?.includes(marker) && isOwnComment(c))
      if (mine) {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body })
        return mine.id
      }
      if (!create) return null
      return (await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })).data.id
    },
    async removeLabel(number, name) {
      try {
        await octokit.rest.issues.removeLabel({ owner, repo, issue_number: number, name })
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e
      }
    },
    async reply(number, body) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })
    },
    async permissionOf(login) {
      try {
        const res = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login })
        // role_name says maintain where permission says write; either is enough to be obeyed.
        return res.data.role_name === 'maintain' ? 'maintain' : res.data.permission
      } catch (e) {
        if ((e as { status?: number }).status === 404) return null
        throw e
      }
    },
    async react(commentId, content) {
      await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content })
    },
    async upsertIssue(marker, title, body) {
      const me = await identity()
      // Listed, not searched: the search index lags, and two quick sweeps would each make an issue.
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
        owner,
        repo,
        ...(me ? { creator: me } : {}),
        state: 'open',
        per_page: 100,
      })
      const mine = issues
        .filter((i) => !i.pull_request && i.body?.includes(marker))
        .filter((i) => (me ? i.user?.login === me : i.user?.type === 'Bot'))
        .sort((a, b) => a.number - b.number)[0]
      if (mine) {
        await octokit.rest.issues.update({ owner, repo, issue_number: mine.number, title, body })
        return mine.number
      }
      return (await octokit.rest.issues.create({ owner, repo, title, body })).data.number
    },
    async deleteDeployment(id) {
      await octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: id })
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
