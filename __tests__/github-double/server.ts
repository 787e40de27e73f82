// A local stand-in for api.github.com: keeps state for the endpoints the action uses, refuses (422/404) any
// request that does not match GitHub's OpenAPI description, and records every request for assertions.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  ACTIONS_BOT,
  handleConversation,
  newConversation,
  userJson,
  type Account,
  type Conversation,
  type Issue,
  type RepositoryRole,
} from './conversation.js'
import { validateRequest, type MatchedRequest } from './validator.js'

export type { Account, Issue, Reaction, RepositoryRole } from './conversation.js'

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  operationId: string | null
  status: number
  error?: string
  /** When the request arrived (epoch ms). */
  at: number
}

export interface Deployment {
  id: number
  ref: string
  sha: string
  task: string
  environment: string
  original_environment: string
  description: string | null
  payload: unknown
  transient_environment: boolean
  production_environment: boolean
  created_at: string
  updated_at: string
  repo: string
}

export interface DeploymentStatus {
  id: number
  deployment_id: number
  state: string
  description: string
  environment: string
  environment_url: string
  log_url: string
  target_url: string
  created_at: string
}

/** Who wrote a comment: the token's own identity (the default), or anyone else a test plants. */
export type CommentAuthor = Account

export interface IssueComment {
  id: number
  issue_number: number
  repo: string
  body: string
  created_at: string
  updated_at: string
  /** Who wrote it (default: the token's identity). */
  user?: Account
}

export interface PullRequestState {
  number: number
  state: 'open' | 'closed'
  draft?: boolean
  merged?: boolean
  head: { ref: string; sha: string }
  base: { ref: string }
  labels?: string[]
  title?: string
  /** The PR's author (default octocat). */
  author?: string
  /** owner/name the head branch lives in (default: the repository itself; another one is a fork). */
  headRepository?: string
  updatedAt?: string
}

/** A canned failure, or a delay, for the next matching requests (rate limits, 5xx, slow answers). */
export interface Fault {
  operationId?: string
  /** Only requests this accepts (e.g. by body) count. */
  match?: (r: RecordedRequest) => boolean
  /** Without a status, the request is only delayed and then answered as usual. */
  status?: number
  headers?: Record<string, string>
  message?: string
  delayMs?: number
  /** The answer waits for this too (after delayMs): a test holds a run at this request until it lets go. */
  hold?: Promise<unknown>
  /**
   * Perform the request first, then answer with the fault anyway: a write that happened although the client saw
   * a 502 (as when GitHub's front end times out after the backend wrote).
   */
  performed?: boolean
  times: number
}

export interface GitHubDoubleOptions {
  /** The token the action must send; requests without it get 401. */
  token?: string
  /** Whether the token may delete environments (repository administration); otherwise 403. */
  canDeleteEnvironments?: boolean
  /** Who the token is (default github-actions[bot], the job's GITHUB_TOKEN): author of what the action writes. */
  identity?: Account
}

export interface GitHubDouble {
  url: string
  token: string
  requests: RecordedRequest[]
  deployments: Deployment[]
  statuses: DeploymentStatus[]
  comments: IssueComment[]
  environments: Map<string, Set<string>>
  pulls: Map<string, Map<number, PullRequestState>>
  faults: Fault[]
  /** Issues (not PRs), reactions, repository roles and the search index's lag. */
  conversation: Conversation
  /** Gives a login a repository role (what the collaborator permission API answers). */
  setRole(login: string, role: RepositoryRole): void
  /** A comment written by someone else (a user typing a command); returns it. */
  addComment(repo: string, issueNumber: number, body: string, user: Account): IssueComment
  /** Issues of a repository (not PRs). */
  issuesOf(repo: string): Issue[]
  /** Reactions on a comment, by content. */
  reactionsOn(commentId: number): string[]
  /** Requests being answered right now, and the most at once (reset max to measure a stretch). */
  concurrency: { now: number; max: number }
  options: Required<GitHubDoubleOptions>
  /** Requests the double refused as not matching GitHub's API. */
  rejected(): RecordedRequest[]
  statusesOf(deploymentId: number): DeploymentStatus[]
  close(): Promise<void>
}

const now = () => new Date().toISOString()

export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  const opts: Required<GitHubDoubleOptions> = {
    token: options.token ?? 'ghs_double_token_0123456789abcdef',
    canDeleteEnvironments: options.canDeleteEnvironments ?? false,
    identity: options.identity ?? ACTIONS_BOT,
  }
  let nextId = 1000
  const state: Omit<
    GitHubDouble,
    'url' | 'close' | 'rejected' | 'statusesOf' | 'setRole' | 'addComment' | 'issuesOf' | 'reactionsOn'
  > = {
    token: opts.token,
    requests: [],
    deployments: [],
    statuses: [],
    comments: [],
    environments: new Map(),
    pulls: new Map(),
    faults: [],
    conversation: newConversation(),
    concurrency: { now: 0, max: 0 },
    options: opts,
  }
  const envsOf = (repo: string) => {
    let set = state.environments.get(repo)
    if (!set) state.environments.set(repo, (set = new Set()))
    return set
  }

  let baseUrl = ''
  const deploymentJson = (d: Deployment) => ({
    url: `${baseUrl}/repos/${d.repo}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.original_environment,
    environment: d.environment,
    description: d.description,
    creator: null,
    created_at: d.created_at,
    updated_at: d.updated_at,
    statuses_url: `${baseUrl}/repos/${d.repo}/deployments/${d.id}/statuses`,
    repository_url: `${baseUrl}/repos/${d.repo}`,
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
  })
  const statusJson = (s: DeploymentStatus, repo: string) => ({
    url: `${baseUrl}/repos/${repo}/deployments/${s.deployment_id}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state,
    creator: null,
    description: s.description,
    environment: s.environment,
    target_url: s.target_url,
    created_at: s.created_at,
    updated_at: s.created_at,
    deployment_url: `${baseUrl}/repos/${repo}/deployments/${s.deployment_id}`,
    repository_url: `${baseUrl}/repos/${repo}`,
    environment_url: s.environment_url,
    log_url: s.log_url,
  })
  const commentJson = (c: IssueComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${baseUrl}/repos/${c.repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${c.repo}/pull/${c.issue_number}#issuecomment-${c.id}`,
    body: c.body,
    user: userJson(baseUrl, c.user ?? opts.identity),
    created_at: c.created_at,
    updated_at: c.updated_at,
    issue_url: `${baseUrl}/repos/${c.repo}/issues/${c.issue_number}`,
    author_association: 'NONE',
  })
  const pullJson = (repo: string, p: PullRequestState) => ({
    number: p.number,
    state: p.state,
    draft: p.draft ?? false,
    merged: p.merged ?? false,
    title: p.title ?? `PR ${p.number}`,
    user: userJson(baseUrl, { login: p.author ?? 'octocat', type: 'User' }),
    updated_at: p.updatedAt ?? now(),
    head: {
      ref: p.head.ref,
      sha: p.head.sha,
      repo: { full_name: p.headRepository ?? repo, fork: (p.headRepository ?? repo) !== repo },
    },
    base: { ref: p.base.ref, repo: { full_name: repo, fork: false } },
    labels: (p.labels ?? []).map((name) => ({ name })),
    html_url: `https://github.com/${repo}/pull/${p.number}`,
  })

  /** Pages a list the way GitHub does: per_page (default 30, max 100), page, and a Link header. */
  function paged<T>(res: ServerResponse, path: string, query: Record<string, unknown>, items: T[]): T[] {
    const perPage = Math.min(Number(query.per_page ?? 30), 100)
    const page = Number(query.page ?? 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    if (page < last)
      res.setHeader('link', `<${baseUrl}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"`)
    return items.slice((page - 1) * perPage, page * perPage)
  }

  function handle(m: MatchedRequest, path: string, res: ServerResponse): [number, unknown] {
    const repo = `${m.params.owner}/${m.params.repo}`
    const body = (m.body ?? {}) as Record<string, unknown>
    const q = m.query
    switch (m.operationId) {
      case 'repos/create-deployment': {
        const environment = (body.environment as string | undefined) ?? 'production'
        const d: Deployment = {
          id: nextId++,
          repo,
          ref: body.ref as string,
          sha: /^[0-9a-f]{40}$/.test(body.ref as string) ? (body.ref as string) : 'f'.repeat(40),
          task: (body.task as string | undefined) ?? 'deploy',
          environment,
          original_environment: environment,
          description: (body.description as string | null | undefined) ?? '',
          payload: body.payload ?? {},
          transient_environment: (body.transient_environment as boolean | undefined) ?? false,
          production_environment:
            (body.production_environment as boolean | undefined) ?? environment === 'production',
          created_at: now(),
          updated_at: now(),
        }
        state.deployments.push(d)
        envsOf(repo).add(environment) // GitHub creates the environment with the first deployment to it.
        return [201, deploymentJson(d)]
      }
      case 'repos/list-deployments': {
        const found = state.deployments
          .filter(
            (d) =>
              d.repo === repo &&
              (q.environment === undefined || d.environment === q.environment) &&
              (q.ref === undefined || d.ref === q.ref) &&
              (q.sha === undefined || d.sha === q.sha) &&
              (q.task === undefined || d.task === q.task),
          )
          .sort((a, b) => b.id - a.id)
        return [200, paged(res, path, q, found).map(deploymentJson)]
      }
      case 'repos/get-deployment':
      case 'repos/delete-deployment':
      case 'repos/create-deployment-status':
      case 'repos/list-deployment-statuses': {
        const d = state.deployments.find((x) => x.repo === repo && x.id === Number(m.params.deployment_id))
        if (!d) return [404, { message: 'Not Found' }]
        if (m.operationId === 'repos/get-deployment') return [200, deploymentJson(d)]
        const mine = state.statuses.filter((s) => s.deployment_id === d.id).sort((a, b) => b.id - a.id)
        if (m.operationId === 'repos/list-deployment-statuses')
          return [200, paged(res, path, q, mine).map((s) => statusJson(s, repo))]
        if (m.operationId === 'repos/delete-deployment') {
          if (
            mine[0] &&
            mine[0].state !== 'inactive' &&
            state.deployments.some((x) => x.environment === d.environment && x.id !== d.id)
          ) {
            return [
              422,
              {
                message:
                  'We cannot delete an active deployment unless it is the only deployment in a given environment.',
              },
            ]
          }
          state.deployments.splice(state.deployments.indexOf(d), 1)
          return [204, undefined]
        }
        const s: DeploymentStatus = {
          id: nextId++,
          deployment_id: d.id,
          state: body.state as string,
          description: (body.description as string | undefined) ?? '',
          environment: (body.environment as string | undefined) ?? d.environment,
          environment_url: (body.environment_url as string | undefined) ?? '',
          log_url: (body.log_url as string | undefined) ?? '',
          target_url: (body.target_url as string | undefined) ?? (body.log_url as string | undefined) ?? '',
          created_at: now(),
        }
        state.statuses.push(s)
        d.updated_at = now()
        // auto_inactive (default true), as GitHub documents it: "Adds a new inactive status to all prior
        // non-transient, non-production environment deployments with the same repository and environment name
        // as the created status's deployment. An inactive status is only added to deployments that had a success
        // state." Transient deployments (previews) are never touched.
        if (s.state === 'success' && body.auto_inactive !== false) {
          for (const other of state.deployments) {
            if (other.repo !== repo || other.id >= d.id || other.environment !== d.environment) continue
            if (other.transient_environment || other.production_environment) continue
            const latest = state.statuses
              .filter((x) => x.deployment_id === other.id)
              .sort((a, b) => b.id - a.id)[0]
            if (latest?.state === 'success') {
              state.statuses.push({ ...latest, id: nextId++, state: 'inactive', created_at: now() })
            }
          }
        }
        return [201, statusJson(s, repo)]
      }
      case 'repos/get-environment': {
        const name = m.params.environment_name!
        if (!envsOf(repo).has(name)) return [404, { message: 'Not Found' }]
        return [
          200,
          {
            id: 1,
            node_id: 'EN_1',
            name,
            url: `${baseUrl}/repos/${repo}/environments/${encodeURIComponent(name)}`,
            html_url: '',
            created_at: now(),
            updated_at: now(),
          },
        ]
      }
      case 'repos/create-or-update-environment': {
        const name = m.params.environment_name!
        envsOf(repo).add(name)
        return [
          200,
          {
            id: 1,
            node_id: 'EN_1',
            name,
            url: `${baseUrl}/repos/${repo}/environments/${encodeURIComponent(name)}`,
            html_url: '',
            created_at: now(),
            updated_at: now(),
          },
        ]
      }
      case 'repos/delete-an-environment': {
        if (!opts.canDeleteEnvironments) {
          return [
            403,
            {
              message: 'Resource not accessible by integration',
              documentation_url:
                'https://docs.github.com/rest/deployments/environments#delete-an-environment',
            },
          ]
        }
        const name = m.params.environment_name!
        envsOf(repo).delete(name)
        for (const d of state.deployments.filter((x) => x.repo === repo && x.environment === name)) {
          state.deployments.splice(state.deployments.indexOf(d), 1)
        }
        return [204, undefined]
      }
      case 'issues/list-comments': {
        const found = state.comments.filter(
          (c) => c.repo === repo && c.issue_number === Number(m.params.issue_number),
        )
        return [200, paged(res, path, q, found).map(commentJson)]
      }
      case 'issues/create-comment': {
        const c: IssueComment = {
          id: nextId++,
          repo,
          issue_number: Number(m.params.issue_number),
          body: body.body as string,
          created_at: now(),
          updated_at: now(),
          user: opts.identity,
        }
        state.comments.push(c)
        return [201, commentJson(c)]
      }
      case 'issues/get-comment': {
        const c = state.comments.find((x) => x.repo === repo && x.id === Number(m.params.comment_id))
        return c ? [200, commentJson(c)] : [404, { message: 'Not Found' }]
      }
      case 'issues/update-comment': {
        const c = state.comments.find((x) => x.repo === repo && x.id === Number(m.params.comment_id))
        if (!c) return [404, { message: 'Not Found' }]
        c.body = body.body as string
        c.updated_at = now()
        return [200, commentJson(c)]
      }
      case 'issues/remove-label': {
        const p = state.pulls.get(repo)?.get(Number(m.params.issue_number))
        const name = decodeURIComponent(m.params.name!)
        if (!p || !(p.labels ?? []).includes(name)) return [404, { message: 'Label does not exist' }]
        p.labels = p.labels!.filter((l) => l !== name)
        return [
          200,
          p.labels.map((l) => ({
            id: l.length,
            node_id: `L_${l}`,
            url: `${baseUrl}/repos/${repo}/labels/${encodeURIComponent(l)}`,
            name: l,
            description: null,
            color: 'ededed',
            default: false,
          })),
        ]
      }
      case 'pulls/get': {
        const p = state.pulls.get(repo)?.get(Number(m.params.pull_number))
        return p ? [200, pullJson(repo, p)] : [404, { message: 'Not Found' }]
      }
      case 'pulls/list': {
        const wanted = (q.state as string | undefined) ?? 'open'
        const all = [...(state.pulls.get(repo)?.values() ?? [])].filter(
          (p) => wanted === 'all' || p.state === wanted,
        )
        return [200, paged(res, path, q, all).map((p) => pullJson(repo, p))]
      }
      default:
        return (
          handleConversation(m, path, res, state.conversation, {
            baseUrl: () => baseUrl,
            nextId: () => nextId++,
            now,
            identity: opts.identity,
            pull: (r, n) => state.pulls.get(r)?.get(n),
            pullNumbers: (r) => [...(state.pulls.get(r)?.keys() ?? [])],
            comment: (r, id) => state.comments.find((x) => x.repo === r && x.id === id),
            paged,
          }) ?? [501, { message: `the double does not implement ${m.operationId}` }]
        )
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://double')
      const method = req.method ?? 'GET'
      const record: RecordedRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: raw ? safeJson(raw) : undefined,
        operationId: null,
        status: 0,
        at: Date.now(),
      }
      state.requests.push(record)
      state.concurrency.now++
      state.concurrency.max = Math.max(state.concurrency.max, state.concurrency.now)
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        state.concurrency.now--
        record.status = status
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        res.end(payload === undefined ? '' : JSON.stringify(payload))
      }

      if (
        req.headers.authorization !== `token ${opts.token}` &&
        req.headers.authorization !== `Bearer ${opts.token}`
      ) {
        record.error = 'missing or wrong token'
        return reply(401, { message: 'Bad credentials' })
      }
      const v = validateRequest(method, url.pathname, url.searchParams, raw)
      if (!v.ok) {
        record.error = v.message
        return reply(v.status, { message: v.message, documentation_url: 'https://docs.github.com/rest' })
      }
      record.operationId = v.request.operationId
      const fault = state.faults.find(
        (f) =>
          f.times > 0 &&
          (!f.operationId || f.operationId === v.request.operationId) &&
          (!f.match || f.match(record)),
      )
      if (fault) fault.times--
      const answer = () => {
        if (fault?.status) {
          if (fault.performed) handle(v.request, url.pathname, res)
          record.error = `injected fault ${fault.status}${fault.performed ? ' after performing it' : ''}`
          return reply(fault.status, { message: fault.message ?? 'injected fault' }, fault.headers)
        }
        const [status, payload] = handle(v.request, url.pathname, res)
        reply(status, payload)
      }
      setTimeout(() => void (fault?.hold ?? Promise.resolve()).then(answer), fault?.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    ...state,
    url: baseUrl,
    rejected: () =>
      state.requests
        .filter((r) => r.status === 404 || r.status === 422)
        .filter((r) => r.error && !r.error.startsWith('injected')),
    setRole: (login, role) => void state.conversation.roles.set(login.toLowerCase(), role),
    addComment: (repo, issueNumber, body, user) => {
      const c: IssueComment = {
        id: nextId++,
        repo,
        issue_number: issueNumber,
        body,
        created_at: now(),
        updated_at: now(),
        user,
      }
      state.comments.push(c)
      return c
    },
    issuesOf: (repo) => state.conversation.issues.filter((i) => i.repo === repo),
    reactionsOn: (id) =>
      state.conversation.reactions.filter((r) => r.comment_id === id).map((r) => r.content),
    statusesOf: (id: number) =>
      state.statuses.filter((s) => s.deployment_id === id).sort((a, b) => a.id - b.id),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}
