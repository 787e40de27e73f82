// Runs the bundled action (dist/index.js) the way the GitHub Actions runner does: inputs as INPUT_<NAME>, the
// event payload in a file, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, and the runner's other variables.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  issueCommentEvent,
  pullRequestEvent,
  type IssueCommentEventOptions,
  type PullRequestEventOptions,
} from './events.js'

/** The bundle; ACTION_ENTRY in the environment names another (the benchmark compares a saved bundle with this one). */
export const ACTION_ENTRY =
  process.env.ACTION_ENTRY ?? fileURLToPath(new URL('../../dist/index.js', import.meta.url))

export interface RunOptions {
  /** A pull_request payload; or set `comment` for an issue_comment run. */
  event?: PullRequestEventOptions
  /** An issue_comment payload (a command in a PR comment); the event name defaults to issue_comment. */
  comment?: IssueCommentEventOptions
  inputs: Record<string, string>
  /** URL of the GitHub API double. */
  apiUrl: string
  /** Extra or overriding environment variables. */
  env?: Record<string, string>
  eventName?: string
  runId?: number
  runAttempt?: number
  timeoutMs?: number
  /** GITHUB_WORKSPACE: where a `templates` input is looked up. */
  workspace?: string
  /** Kill the run (SIGKILL, as when a runner dies) as soon as its log matches this. */
  killWhen?: RegExp
  /** Told the whole log so far each time the run writes, for a test that acts when the run reaches a point. */
  onLog?: (log: string) => void
}

export interface RunResult {
  code: number | null
  outputs: Record<string, string>
  summary: string
  log: string
  /** Every file the run wrote for the runner, for scanning. */
  files: { output: string; summary: string }
}

/** The runner's rule: `INPUT_` + name upper-cased with spaces replaced by underscores (dashes are kept). */
// An action still running when its test ends (the test failed or timed out) is killed then: it must not go on
// holding its Lease and writing to the cluster that the suites running next, or alongside, share.
const running = new Set<ChildProcess>()
// Outside jest (the demo, the bench) there is no afterEach: nothing to register.
;(globalThis as { afterEach?: (fn: () => void) => void }).afterEach?.(() => {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
})

export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Reads a GITHUB_OUTPUT file: `name<<DELIMITER` blocks (and plain `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!)
      out[name] = value.join('\n')
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return out
}

export async function runAction(o: RunOptions): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'))
  if (!o.event === !o.comment) throw new Error('runAction: give either event or comment')
  const event = o.comment ? issueCommentEvent(o.comment) : pullRequestEvent(o.event!)
  const number = o.comment ? o.comment.number : o.event!.number
  // On issue_comment, GitHub runs the default branch's workflow: GITHUB_REF is that branch, no HEAD/BASE_REF.
  const refs: Record<string, string> = o.comment
    ? { GITHUB_REF: 'refs/heads/main' }
    : {
        GITHUB_REF: `refs/pull/${number}/merge`,
        GITHUB_HEAD_REF: event.pull_request.head.ref,
        GITHUB_BASE_REF: event.pull_request.base.ref,
      }
  const eventPath = join(dir, 'event.json')
  const outputPath = join(dir, 'output')
  const summaryPath = join(dir, 'summary.md')
  writeFileSync(eventPath, JSON.stringify(event))
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const repository = event.repository.full_name as string
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.eventName ?? (o.comment ? 'issue_comment' : 'pull_request'),
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0]!,
    GITHUB_SHA: 'a'.repeat(40), // the merge commit on pull_request, not the head
    ...refs,
    GITHUB_RUN_ID: String(o.runId ?? 4242),
    GITHUB_RUN_ATTEMPT: String(o.runAttempt ?? 1),
    GITHUB_RUN_NUMBER: '7',
    GITHUB_WORKFLOW: 'preview',
    GITHUB_JOB: 'preview',
    GITHUB_ACTOR: o.comment?.login ?? 'Codertocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: o.apiUrl,
    GITHUB_GRAPHQL_URL: `${o.apiUrl}/graphql`,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_WORKSPACE: o.workspace ?? dir,
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_DEBUG: '1',
  }
  for (const [name, value] of Object.entries(o.inputs)) env[inputVariable(name)] = value
  Object.assign(env, o.env)

  const child = spawn(process.execPath, [ACTION_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let log = ''
  const append = (d: Buffer) => {
    log += d.toString()
    if (o.killWhen?.test(log)) child.kill('SIGKILL')
    o.onLog?.(log)
  }
  child.stdout.on('data', append)
  child.stderr.on('data', append)
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 300_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  running.delete(child)
  const output = readFileSync(outputPath, 'utf8')
  const summary = readFileSync(summaryPath, 'utf8')
  return { code, outputs: parseOutputFile(output), summary, log, files: { output, summary } }
}
