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
