// The GitHub port's interface: what a run asks of GitHub (deployments, statuses, the PR, comments), and the
// shapes it answers with. Pure; client.ts implements it with Octokit.
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
  labels: string[]
  title: string
  author: string
  htmlUrl: string
  /** The pulls API's answer as is: the same shape as a pull_request event's `pull_request` (for a redeploy). */
  raw: unknown
}

/** GitHub's reactions the action uses on a command comment. */
export type Reaction = 'eyes' | 'rocket' | 'confused'

/** The token the port is built with: an empty one is refused with the input to set. */
export function requireToken(token: string): void {
  if (!token)
    throw new Error(
      'Input "github-token": is empty; the default `${{ github.token }}` needs `permissions: deployments: write`.',
    )
}

export interface GitHub {
  /** The PR as GitHub has it now; null when the token may not read it. */
  pullRequest(number: number): Promise<PullRequestState | null>
  createDeployment(d: DeploymentRequest): Promise<number>
  setStatus(id: number, s: StatusRequest): Promise<void>
  /**
   * Deployments of an environment, newest first, with their latest state; `recent` limits it to the newest few,
   * `olderThan` to those made before that deployment id (no other's state is read).
   */
  listDeployments(environment: string, recent?: number, olderThan?: number): Promise<DeploymentSummary[]>
  /**
   * Updates the PR comment holding the marker, or creates one when `create` is set; returns its id, or null when
   * there was none to update.
   */
  upsertComment(number: number, marker: string, body: string, create: boolean): Promise<number | null>
  /** Removes a label from the PR (nothing when it is not there). */
  removeLabel(number: number, name: string): Promise<void>
  /** Deletes a GitHub environment; 'forbidden' when the token lacks administration rights. */
  deleteEnvironment(name: string): Promise<'deleted' | 'absent' | 'forbidden'>
  /** Removes a deployment (made inactive first): for a new preview the cluster refused, which leaves no trace. */
  deleteDeployment(id: number): Promise<void>
  /** A new comment on the PR (a reply to a command, the TTL notice). */
  reply(number: number, body: string): Promise<void>
  /** A login's repository permission (admin, write, read, none; maintain reads as write); null: no such user. */
  permissionOf(login: string): Promise<string | null>
  react(commentId: number, content: Reaction): Promise<void>
  /**
   * Updates the open issue that holds the marker and was written by the token's own identity, or creates it;
   * returns its number. Issues with the marker by anyone else are ignored.
   */
  upsertIssue(marker: string, title: string, body: string): Promise<number>
}

/**
 * Whether a comment that carries the action's marker is the action's own: written by a bot account (the
 * workflow's GITHUB_TOKEN is github-actions[bot], a GitHub App's token its own bot), or by someone with write
 * access to the repository (a personal access token's user). A marker planted by anyone else is ignored, so a
 * stranger can neither take the comment over nor suppress it.
 */
export function isOwnComment(c: { user?: { type?: string } | null; author_association?: string }): boolean {
  return c.user?.type === 'Bot' || ['OWNER', 'MEMBER', 'COLLABORATOR'].includes(c.author_association ?? '')
}

/** GitHub refuses status descriptions over 140 characters. */
export function shortDescription(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length <= 140 ? one : `${one.slice(0, 139)}…`
}
