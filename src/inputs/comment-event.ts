// Reads an issue_comment event payload into the facts a command needs. Pure.

export interface CommentEvent {
  action: string
  number: number
  /** The comment is on a pull request (issue_comment fires for issues too). */
  onPullRequest: boolean
  /** issue.state: a closed PR's preview is gone and stays gone. */
  state: 'open' | 'closed'
  repository: { owner: string; name: string; fullName: string }
  comment: { id: number; body: string; author: string; authorType: string }
}

type Json = Record<string, unknown>
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {})
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

export function parseCommentEvent(payload: unknown): CommentEvent {
  const p = obj(payload)
  const issue = obj(p.issue)
  const comment = obj(p.comment)
  const user = obj(comment.user)
  const fullName = str(obj(p.repository).full_name)
  const [owner, name] = fullName.split('/')
  const number = Number(issue.number)
  const id = Number(comment.id)
  if (!owner || !name || !Number.isSafeInteger(number) || !Number.isSafeInteger(id)) {
    throw new Error(
      'The event payload is not an issue_comment payload (no repository, issue number or comment id).',
    )
  }
  return {
    action: str(p.action),
    number,
    onPullRequest: p.issue !== undefined && issue.pull_request !== undefined && issue.pull_request !== null,
    state: issue.state === 'closed' ? 'closed' : 'open',
    repository: { owner, name, fullName },
    comment: { id, body: str(comment.body), author: str(user.login), authorType: str(user.type) },
  }
}
