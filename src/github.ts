// The GitHub port: deployments and their statuses. Built once per run from @actions/github's Octokit (which
// follows GITHUB_API_URL) and passed in.
import { getOctokit } from '@actions/github'

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
  sha: string
  ref: string
  latestState: string | null
}

export interface GitHub {
  createDeployment(d: DeploymentRequest): Promise<number>
  setStatus(id: number, s: StatusRequest): Promise<void>
  listDeployments(environment: string): Promise<DeploymentSummary[]>
  /** Deletes a GitHub environment; 'forbidden' when the token lacks administration rights. */
  deleteEnvironment(name: string): Promise<'deleted' | 'absent' | 'forbidden'>
}

/** GitHub refuses status descriptions over 140 characters. */
export function shortDescription(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length <= 140 ? one : `${one.slice(0, 139)}…`
}

export function createGitHub(token: string, owner: string, repo: string): GitHub {
  if (!token)
    throw new Error(
      'Input "github-token": is empty; the default `${{ github.token }}` needs `permissions: deployments: write`.',
    )
  const octokit = getOctokit(token)
  return {
    async createDeployment(d) {
      const res = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: d.ref,
        environment: d.environment,
        description: shortDescription(d.description),
        payload: d.payload,
        auto_merge: false,
        required_contexts: [],
        transient_environment: true,
        production_environment: false,
      })
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
    async listDeployments(environment) {
      const deployments = await octokit.paginate(octokit.rest.repos.listDeployments, {
        owner,
        repo,
        environment,
        per_page: 100,
      })
      return Promise.all(
        deployments.map(async (d) => {
          const statuses = await octokit.rest.repos.listDeploymentStatuses({
            owner,
            repo,
            deployment_id: d.id,
            per_page: 1,
          })
          return { id: d.id, sha: d.sha, ref: d.ref, latestState: statuses.data[0]?.state ?? null }
        }),
      )
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
