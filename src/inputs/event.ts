// Reads the pull_request event payload into the few facts the action needs. Pure: throws on a payload it
// cannot use, with a message that says what to do.

export interface PullRequestEvent {
  action: string
  number: number
  title: string
  htmlUrl: string
  repository: { owner: string; name: string; fullName: string }
  head: { ref: string; sha: string; repository: string }
  base: { ref: string }
  /** The head branch lives in another repository than the base. */
  fork: boolean
  draft: boolean
  merged: boolean
  labels: string[]
  /** When the PR last changed (a push moves it): orders runs of one PR. */
  updatedAt: string
}

const EVENTS = ['pull_request', 'pull_request_target']

type Json = Record<string, unknown>
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {})
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

export function parsePullRequestEvent(eventName: string, payload: unknown): PullRequestEvent {
  if (!EVENTS.includes(eventName)) {
    throw new Error(
      `This action runs on pull_request events, but the workflow was triggered by "${eventName || 'nothing'}". ` +
        'Add `on: pull_request: types: [opened, synchronize, reopened, closed]` to the workflow.',
    )
  }
  const p = obj(payload)
  const pr = obj(p.pull_request)
  const repo = obj(p.repository)
  const head = obj(pr.head)
  const number = Number(pr.number ?? p.number)
  if (!Number.isSafeInteger(number) || number <= 0) {
    throw new Error(
      'The event payload has no pull request number (GITHUB_EVENT_PATH is not a pull_request payload).',
    )
  }
  const fullName = str(repo.full_name)
  const [owner, name] = fullName.split('/')
  if (!owner || !name) throw new Error('The event payload has no repository full_name.')
  const sha = str(head.sha)
  if (!/^[0-9a-f]{40}$/i.test(sha)) throw new Error('The event payload has no pull request head SHA.')
  const headRepository = str(obj(head.repo).full_name)
  return {
    action: str(p.action),
    number,
    title: str(pr.title),
    htmlUrl: str(pr.html_url),
    repository: { owner, name, fullName },
    head: { ref: str(head.ref), sha: sha.toLowerCase(), repository: headRepository },
    base: { ref: str(obj(pr.base).ref) },
    // A deleted head repository (null) is treated as a fork: its code is not the base repository's.
    fork: headRepository.toLowerCase() !== fullName.toLowerCase(),
    draft: pr.draft === true,
    merged: pr.merged === true,
    labels: (Array.isArray(pr.labels) ? pr.labels : []).map((l) => str(obj(l).name)).filter(Boolean),
    updatedAt: str(pr.updated_at),
  }
}
