// The double's people and conversation: issues (the dashboard), labels on issues and PRs (the keep label),
// reactions on issue comments (a command's 👀 / 🚀 / 😕), repository permissions (who may command the action),
// the search API, and who the token is. State lives in a Conversation the server owns; handleConversation answers
// the operations it knows and returns null for the others.
import type { ServerResponse } from 'node:http'
import type { MatchedRequest } from './validator.js'

/** GitHub's repository roles; the permission API maps maintain → write and triage → read in `permission`. */
export type RepositoryRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'

export interface Account {
  login: string
  type: 'Bot' | 'User'
}

/** The identity of the job's GITHUB_TOKEN. */
export const ACTIONS_BOT: Account = { login: 'github-actions[bot]', type: 'Bot' }

export interface Issue {
  number: number
  repo: string
  title: string
  body: string
  state: 'open' | 'closed'
  labels: string[]
  user: Account
  created_at: string
  updated_at: string
}

export interface Reaction {
  id: number
  repo: string
  comment_id: number
  content: string
  user: Account
  created_at: string
}

export interface Conversation {
  issues: Issue[]
  reactions: Reaction[]
  /** Role per login (case-insensitive), for every repository; a login not listed has `defaultRole`. */
  roles: Map<string, RepositoryRole>
  defaultRole: RepositoryRole
  /** Logins that do not exist: the permission API answers 404 for them. */
  unknownUsers: Set<string>
  /**
   * GitHub's search index lags behind writes: an issue or comment newer than this is not found by the search
   * API yet (0: found at once). Lets a test prove that the action does not rely on search to find its own writes.
   */
  searchLagMs: number
  /** When the double started: the creation time of every PR seen through the issues API. */
  startedAt: string
}

/** What the conversation needs from the server around it. */
export interface ConversationContext {
  baseUrl(): string
  nextId(): number
  now(): string
  identity: Account
  /** The PR with this number in this repository, whose labels the issue label API reads and writes. */
  pull(repo: string, number: number): { labels?: string[]; title?: string; state: string } | undefined
  /** Every PR number of a repository (issues and PRs share one sequence of numbers). */
  pullNumbers(repo: string): number[]
  /** A comment by id, for reactions. */
  comment(repo: string, id: number): { id: number; body: string; issue_number: number } | undefined
  paged<T>(res: ServerResponse, path: string, query: Record<string, unknown>, items: T[]): T[]
}

export function newConversation(): Conversation {
  return {
    issues: [],
    reactions: [],
    roles: new Map(),
    defaultRole: 'read',
    unknownUsers: new Set(),
    searchLagMs: 0,
    startedAt: new Date().toISOString(),
  }
}

export function userJson(baseUrl: string, a: Account, id = 1) {
  return {
    login: a.login,
    id,
    node_id: `U_${id}`,
    avatar_url: '',
    gravatar_id: '',
    url: `${baseUrl}/users/${encodeURIComponent(a.login)}`,
    html_url: `https://github.com/${a.login}`,
    followers_url: '',
    following_url: '',
    gists_url: '',
    starred_url: '',
    subscriptions_url: '',
    organizations_url: '',
    repos_url: '',
    events_url: '',
    received_events_url: '',
    type: a.type,
    site_admin: false,
  }
}

const LEGACY: Record<RepositoryRole, 'admin' | 'write' | 'read' | 'none'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
}

function labelJson(name: string, i: number) {
  return {
    id: i + 1,
    node_id: `LA_${i + 1}`,
    url: '',
    name,
    description: null,
    color: 'ededed',
    default: false,
  }
}

export function handleConversation(
  m: MatchedRequest,
  path: string,
  res: ServerResponse,
  c: Conversation,
  ctx: ConversationContext,
): [number, unknown] | null {
  const repo = `${m.params.owner}/${m.params.repo}`
  const body = (m.body ?? {}) as Record<string, unknown>
  const q = m.query
  const base = ctx.baseUrl()
  const issueJson = (i: Issue) => ({
    id: i.number,
    node_id: `I_${i.number}`,
    url: `${base}/repos/${i.repo}/issues/${i.number}`,
    repository_url: `${base}/repos/${i.repo}`,
    labels_url: '',
    comments_url: `${base}/repos/${i.repo}/issues/${i.number}/comments`,
    events_url: '',
    html_url: `https://github.com/${i.repo}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    title: i.title,
    body: i.body,
    user: userJson(base, i.user),
    labels: i.labels.map(labelJson),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    comments: 0,
    closed_at: i.state === 'closed' ? i.updated_at : null,
    created_at: i.created_at,
    updated_at: i.updated_at,
    author_association: 'NONE',
  })
  /** A PR seen through the issues API (GitHub lists PRs as issues, with a pull_request key). */
  const pullAsIssue = (number: number): Issue & { pull: true } => {
    const p = ctx.pull(repo, number)!
    return {
      number,
      repo,
      title: p.title ?? `PR ${number}`,
      body: '',
      state: p.state === 'closed' ? 'closed' : 'open',
      labels: p.labels ?? [],
      user: { login: 'octocat', type: 'User' },
      created_at: c.startedAt,
      updated_at: c.startedAt,
      pull: true,
    }
  }
  const asJson = (i: Issue & { pull?: true }) =>
    i.pull
      ? {
          ...issueJson(i),
          pull_request: {
            url: `${base}/repos/${repo}/pulls/${i.number}`,
            html_url: `https://github.com/${repo}/pull/${i.number}`,
            diff_url: null,
            patch_url: null,
          },
        }
      : issueJson(i)
  const issueOf = (number: number) => c.issues.find((i) => i.repo === repo && i.number === number)
  /** The label list of an issue or PR, to read and write in place. */
  const labelsOf = (number: number): string[] | null => {
    const p = ctx.pull(repo, number)
    if (p) return (p.labels ??= [])
    return issueOf(number)?.labels ?? null
  }

  switch (m.operationId) {
    case 'users/get-authenticated': {
      // An installation token (the job's GITHUB_TOKEN) is no user: GitHub refuses GET /user for it.
      if (ctx.identity.type === 'Bot') return [403, { message: 'Resource not accessible by integration' }]
      return [200, userJson(base, ctx.identity)]
    }
    case 'repos/get-collaborator-permission-level': {
      const login = m.params.username!
      if (c.unknownUsers.has(login.toLowerCase())) return [404, { message: 'Not Found' }]
      const role = c.roles.get(login.toLowerCase()) ?? c.defaultRole
      return [
        200,
        {
          permission: LEGACY[role],
          role_name: role,
          user: {
            ...userJson(base, { login, type: 'User' }),
            permissions: {
              admin: role === 'admin',
              maintain: role === 'admin' || role === 'maintain',
              push: ['admin', 'maintain', 'write'].includes(role),
              triage: role !== 'read' && role !== 'none',
              pull: role !== 'none',
            },
            role_name: role,
          },
        },
      ]
    }
    case 'issues/create': {
      const used = [...c.issues.filter((i) => i.repo === repo).map((i) => i.number), ...ctx.pullNumbers(repo)]
      const labels = (body.labels as Array<string | { name?: string }> | undefined) ?? []
      const i: Issue = {
        number: Math.max(0, ...used) + 1,
        repo,
        title: String(body.title),
        body: (body.body as string | undefined) ?? '',
        state: 'open',
        labels: labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
        user: ctx.identity,
        created_at: ctx.now(),
        updated_at: ctx.now(),
      }
      c.issues.push(i)
      return [201, issueJson(i)]
    }
    case 'issues/get': {
      const number = Number(m.params.issue_number)
      const i = issueOf(number)
      if (i) return [200, issueJson(i)]
      return ctx.pull(repo, number) ? [200, asJson(pullAsIssue(number))] : [404, { message: 'Not Found' }]
    }
    case 'issues/update': {
      const i = issueOf(Number(m.params.issue_number))
      if (!i) return [404, { message: 'Not Found' }]
      if (typeof body.title === 'string' || typeof body.title === 'number') i.title = String(body.title)
      if (typeof body.body === 'string') i.body = body.body
      if (body.state === 'open' || body.state === 'closed') i.state = body.state
      if (Array.isArray(body.labels))
        i.labels = (body.labels as Array<string | { name?: string }>)
          .map((l) => (typeof l === 'string' ? l : (l.name ?? '')))
          .filter(Boolean)
      i.updated_at = ctx.now()
      return [200, issueJson(i)]
    }
    case 'issues/list-for-repo': {
      const wanted = (q.state as string | undefined) ?? 'open'
      const creator = (q.creator as string | undefined)?.toLowerCase()
      const labels = ((q.labels as string | undefined) ?? '').split(',').filter(Boolean)
      const all: Array<Issue & { pull?: true }> = [
        ...c.issues.filter((i) => i.repo === repo),
        ...ctx.pullNumbers(repo).map(pullAsIssue),
      ]
      const sortKey = (q.sort as string | undefined) === 'updated' ? 'updated_at' : 'created_at'
      const found = all
        .filter((i) => wanted === 'all' || i.state === wanted)
        .filter((i) => creator === undefined || i.user.login.toLowerCase() === creator)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => a[sortKey].localeCompare(b[sortKey]) || a.number - b.number)
      if ((q.direction ?? 'desc') === 'desc') found.reverse()
      return [200, ctx.paged(res, path, q, found).map(asJson)]
    }
    case 'search/issues-and-pull-requests': {
      const found = search(String(q.q ?? ''), c)
      return [
        200,
        {
          total_count: found.length,
          incomplete_results: false,
          items: ctx.paged(res, path, q, found).map((i) => ({ ...issueJson(i), score: 1 })),
        },
      ]
    }
    case 'issues/list-labels-on-issue': {
      const labels = labelsOf(Number(m.params.issue_number))
      if (!labels) return [404, { message: 'Not Found' }]
      return [200, ctx.paged(res, path, q, labels).map(labelJson)]
    }
    case 'issues/add-labels': {
      const labels = labelsOf(Number(m.params.issue_number))
      if (!labels) return [404, { message: 'Not Found' }]
      const given = (Array.isArray(body) ? body : ((body.labels as unknown[]) ?? [])) as Array<
        string | { name?: string }
      >
      for (const l of given) {
        const name = typeof l === 'string' ? l : (l.name ?? '')
        if (name && !labels.includes(name)) labels.push(name)
      }
      return [200, labels.map(labelJson)]
    }
    case 'issues/remove-label': {
      const labels = labelsOf(Number(m.params.issue_number))
      const at = labels?.indexOf(m.params.name!) ?? -1
      // GitHub answers 404 "Label does not exist" when the issue does not carry it.
      if (!labels || at < 0) return [404, { message: 'Label does not exist' }]
      labels.splice(at, 1)
      return [200, labels.map(labelJson)]
    }
    case 'reactions/create-for-issue-comment': {
      const commentId = Number(m.params.comment_id)
      if (!ctx.comment(repo, commentId)) return [404, { message: 'Not Found' }]
      const existing = c.reactions.find(
        (r) =>
          r.repo === repo &&
          r.comment_id === commentId &&
          r.content === body.content &&
          r.user.login === ctx.identity.login,
      )
      // 200: "you already added the reaction type to this issue comment".
      if (existing) return [200, reactionJson(base, existing)]
      const r: Reaction = {
        id: ctx.nextId(),
        repo,
        comment_id: commentId,
        content: String(body.content),
        user: ctx.identity,
        created_at: ctx.now(),
      }
      c.reactions.push(r)
      return [201, reactionJson(base, r)]
    }
    case 'reactions/list-for-issue-comment': {
      const commentId = Number(m.params.comment_id)
      if (!ctx.comment(repo, commentId)) return [404, { message: 'Not Found' }]
      const found = c.reactions.filter(
        (r) => r.repo === repo && r.comment_id === commentId && (!q.content || r.content === q.content),
      )
      return [200, ctx.paged(res, path, q, found).map((r) => reactionJson(base, r))]
    }
    case 'reactions/delete-for-issue-comment': {
      const at = c.reactions.findIndex(
        (r) =>
          r.repo === repo &&
          r.comment_id === Number(m.params.comment_id) &&
          r.id === Number(m.params.reaction_id),
      )
      if (at >= 0) c.reactions.splice(at, 1)
      return [204, undefined]
    }
    default:
      return null
  }
}

function reactionJson(baseUrl: string, r: Reaction) {
  return {
    id: r.id,
    node_id: `REA_${r.id}`,
    user: userJson(baseUrl, r.user),
    content: r.content,
    created_at: r.created_at,
  }
}

/**
 * The part of GitHub's search syntax the action may use: `repo:`, `is:issue|pr|open|closed`, `state:`,
 * `author:` (`app/<slug>` for a GitHub App), `label:`, `in:title|body`, and words or "quoted phrases" that must
 * all appear. Issues newer than searchLagMs are not indexed yet.
 */
function search(query: string, c: Conversation): Issue[] {
  const terms = [...query.matchAll(/(\w+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)]
  let found = c.issues.filter((i) => Date.now() - Date.parse(i.created_at) >= c.searchLagMs)
  const words: string[] = []
  let where: 'title' | 'body' | 'both' = 'both'
  for (const [, key, rawValue, phrase, word] of terms) {
    const value = rawValue?.replace(/^"|"$/g, '')
    if (key === 'repo') found = found.filter((i) => i.repo.toLowerCase() === value!.toLowerCase())
    else if (key === 'is' && value === 'pr') found = []
    else if (key === 'is' && (value === 'open' || value === 'closed'))
      found = found.filter((i) => i.state === value)
    else if (key === 'state') found = found.filter((i) => i.state === value)
    else if (key === 'author') {
      const login = value!.startsWith('app/') ? `${value!.slice(4)}[bot]` : value!
      found = found.filter((i) => i.user.login.toLowerCase() === login.toLowerCase())
    } else if (key === 'label') found = found.filter((i) => i.labels.includes(value!))
    else if (key === 'in') where = value === 'title' ? 'title' : value === 'body' ? 'body' : 'both'
    else if (key === 'is') continue
    else words.push((phrase ?? word ?? `${key}:${rawValue}`).toLowerCase())
  }
  return found.filter((i) => {
    const text = (
      where === 'title' ? i.title : where === 'body' ? i.body : `${i.title}\n${i.body}`
    ).toLowerCase()
    return words.every((w) => text.includes(w))
  })
}
