// pull_request payloads built from GitHub's real examples (@octokit/webhooks-examples), with the fields a test
// cares about set: PR number, branch, SHA, repository, fork, draft, merged, labels.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
  name: string
  examples: Array<Record<string, unknown> & { action: string }>
}>

export type PullRequestAction =
  'opened' | 'synchronize' | 'reopened' | 'closed' | 'labeled' | 'edited' | 'ready_for_review'

export interface PullRequestEventOptions {
  action: PullRequestAction
  number: number
  /** owner/name of the base repository. */
  repository?: string
  branch?: string
  sha?: string
  baseBranch?: string
  /** owner/name the head branch lives in; a different one makes the PR a fork PR. */
  headRepository?: string
  draft?: boolean
  merged?: boolean
  labels?: string[]
  /** For `labeled`: the label the event added (the payload's `label`); default the last of labels. */
  addedLabel?: string
  title?: string
  /** pull_request.updated_at (default: now); orders runs of one PR. */
  updatedAt?: string
}

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function repositoryJson(template: Json, fullName: string, fork: boolean): Json {
  const [owner, name] = fullName.split('/') as [string, string]
  return {
    ...template,
    name,
    full_name: fullName,
    fork,
    html_url: `https://github.com/${fullName}`,
    url: `https://api.github.com/repos/${fullName}`,
    owner: { ...template.owner, login: owner, html_url: `https://github.com/${owner}` },
  }
}

export function pullRequestEvent(o: PullRequestEventOptions): Json {
  const all = examples.find((e) => e.name === 'pull_request')!.examples
  const example = all.find((e) => e.action === o.action) ?? all.find((e) => e.action === 'opened')!
  const event = structuredClone(example) as Json
  const repository = o.repository ?? 'Codertocat/Hello-World'
  const headRepository = o.headRepository ?? repository
  const sha = o.sha ?? 'ec26c3e57ca3a959ca5aad62de7213c562f8c821'
  const pr = event.pull_request as Json
  event.action = o.action
  event.number = o.number
  event.repository = repositoryJson(event.repository, repository, false)
  pr.number = o.number
  pr.title = o.title ?? pr.title
  pr.state = o.action === 'closed' ? 'closed' : 'open'
  pr.merged = o.merged ?? false
  pr.merged_at = pr.merged ? new Date().toISOString() : null
  pr.draft = o.draft ?? false
  pr.updated_at = o.updatedAt ?? new Date().toISOString()
  pr.labels = (o.labels ?? []).map((name, i) => ({
    id: i + 1,
    node_id: `LA_${i}`,
    url: '',
    name,
    color: 'ededed',
    default: false,
    description: null,
  }))
  if (o.action === 'labeled') {
    const name = o.addedLabel ?? o.labels?.at(-1) ?? 'preview'
    event.label = { ...(event.label ?? {}), name, color: 'ededed', default: false, description: null }
  } else delete event.label
  pr.html_url = `https://github.com/${repository}/pull/${o.number}`
  pr.head = {
    ...pr.head,
    ref: o.branch ?? 'changes',
    sha,
    label: `${headRepository.split('/')[0]}:${o.branch ?? 'changes'}`,
    repo: repositoryJson(pr.head.repo ?? event.repository, headRepository, headRepository !== repository),
  }
  pr.base = { ...pr.base, ref: o.baseBranch ?? 'main', repo: event.repository }
  return event
}

export type IssueCommentAction = 'created' | 'edited' | 'deleted'

export interface IssueCommentEventOptions {
  action: IssueCommentAction
  /** The PR (or issue) number the comment is on. */
  number: number
  body: string
  /** Who wrote the comment (also the sender). */
  login?: string
  /** The comment's id: the one the double holds, so that reactions to it land (see GitHubDouble.addComment). */
  commentId?: number
  repository?: string
  /** false: a comment on a plain issue (no `issue.pull_request`). */
  onPullRequest?: boolean
  title?: string
  /** issue.state of the PR. */
  state?: 'open' | 'closed'
  labels?: string[]
  /** For `edited`: the body before the edit. */
  previousBody?: string
}

/**
 * issue_comment payloads from GitHub's examples. GitHub sends them for comments on issues and on PRs alike; on a
 * PR, `issue.pull_request` holds the PR's URLs (the examples are all on issues, so it is added here). The payload
 * carries no head commit: the action asks the API for it.
 */
export function issueCommentEvent(o: IssueCommentEventOptions): Json {
  const all = examples.find((e) => e.name === 'issue_comment')!.examples
  const example = all.find((e) => e.action === o.action) ?? all[0]!
  const event = structuredClone(example) as Json
  const repository = o.repository ?? 'Codertocat/Hello-World'
  const login = o.login ?? 'Codertocat'
  const issue = event.issue as Json
  const comment = event.comment as Json
  const user = { ...comment.user, login, html_url: `https://github.com/${login}`, type: 'User' }
  event.action = o.action
  event.repository = repositoryJson(event.repository, repository, false)
  event.sender = { ...event.sender, login, type: 'User' }
  delete event.installation
  delete event.organization
  issue.number = o.number
  issue.title = o.title ?? issue.title
  issue.state = o.state ?? 'open'
  issue.html_url = `https://github.com/${repository}/${o.onPullRequest === false ? 'issues' : 'pull'}/${o.number}`
  issue.url = `https://api.github.com/repos/${repository}/issues/${o.number}`
  issue.labels = (o.labels ?? []).map((name, i) => ({
    id: i + 1,
    node_id: `LA_${i}`,
    url: '',
    name,
    color: 'ededed',
    default: false,
    description: null,
  }))
  if (o.onPullRequest === false) delete issue.pull_request
  else
    issue.pull_request = {
      url: `https://api.github.com/repos/${repository}/pulls/${o.number}`,
      html_url: `https://github.com/${repository}/pull/${o.number}`,
      diff_url: `https://github.com/${repository}/pull/${o.number}.diff`,
      patch_url: `https://github.com/${repository}/pull/${o.number}.patch`,
      merged_at: null,
    }
  const id = o.commentId ?? comment.id
  event.comment = {
    ...comment,
    id,
    body: o.body,
    user,
    author_association: 'NONE',
    html_url: `${issue.html_url}#issuecomment-${id}`,
    url: `https://api.github.com/repos/${repository}/issues/comments/${id}`,
    issue_url: issue.url,
    updated_at: new Date().toISOString(),
  }
  if (o.action === 'edited') event.changes = { body: { from: o.previousBody ?? '' } }
  else delete event.changes
  return event
}
