// The action's entry for idle previews (issue 25): the runs as the workflow sees them (inputs, outputs, summary): mode sleep and wake for one PR, a
// `/preview` command from an issue_comment event, and the dashboard issue after a sweep. main.ts hands in what
// it shares with the other runs (the log, the ports, the deploy-or-remove of a plan).
import * as core from '@actions/core'
import type { GitHub } from './github/client.js'
import { dashboardBody, dashboardMarker, type FleetRow } from './github/dashboard.js'
import { summaryMarkdown } from './github/report.js'
import { parseCommentEvent } from './inputs/comment-event.js'
import { parsePullRequestEvent } from './inputs/event.js'
import type { Settings } from './inputs/settings.js'
import type { Kube } from './kube/port.js'
import { runCommand, type CommandResult } from './modes/idle/commands.js'
import { sleepPreview } from './modes/idle/sleep.js'
import type { IdleTarget } from './modes/idle/target.js'
import { wakePreview } from './modes/idle/wake.js'
import type { SweepRow } from './modes/sweep.js'
import { COMMAND_HELP, parseCommand } from './preview/commands.js'
import { redeployEvent } from './preview/command-approval.js'
import { previewNames } from './preview/naming.js'
import { planPreview, type Plan, type RunInfo } from './preview/plan.js'
import type { RunLog } from './shared/run-log.js'

export interface ActionIo {
  log: RunLog
  githubFor(settings: Settings, owner: string, repo: string): GitHub
  kubeFor(settings: Settings): Promise<Kube>
  writeSummary(markdown: string): Promise<void>
  runPlan(
    plan: Plan,
    settings: Settings,
    github: GitHub,
    why?: string,
  ): Promise<{ ok: boolean; status: string; message: string }>
  runInfo(): RunInfo
  holder(): string
}

function target(settings: Settings, repository: string, pr: number, io: ActionIo, what: string): IdleTarget {
  const run = io.runInfo()
  return {
    owner: { repository, pr, namespace: previewNames(settings.namespacePrefix, repository, pr).namespace },
    environment: settings.environment,
    logUrl: `${run.serverUrl}/${repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}`,
    holder: `${io.holder()} (${what})`,
    timeoutMs: settings.timeoutMs,
    comment: settings.comment,
  }
}

function repositoryOf(): { repository: string; owner: string; name: string } {
  const repository = process.env.GITHUB_REPOSITORY ?? ''
  const [owner, name] = repository.split('/')
  if (!owner || !name)
    throw new Error('GITHUB_REPOSITORY is not set: this mode runs inside a GitHub workflow.')
  return { repository, owner, name }
}

/** mode: sleep / wake with `pr`. */
export async function runIdleMode(settings: Settings, mode: 'sleep' | 'wake', io: ActionIo): Promise<void> {
  const { repository, owner, name } = repositoryOf()
  const t = target(settings, repository, settings.pr!, io, mode)
  core.setOutput('namespace', t.owner.namespace)
  const github = io.githubFor(settings, owner, name)
  const kube = await io.kubeFor(settings)
  if (mode === 'sleep') {
    const o = await sleepPreview(t, kube, github, io.log)
    core.setOutput('status', o.status)
    const line =
      o.status === 'absent'
        ? `PR #${t.owner.pr} has no preview to put to sleep`
        : `Asleep since ${o.since}${o.stopped.length ? `: stopped ${o.stopped.join(', ')}` : ''}`
    core.info(line)
    await io.writeSummary(
      idleSummary(
        t,
        line,
        o.podsLeft ? [`${o.podsLeft} pods were still stopping when the timeout ran out`] : [],
      ),
    )
    return
  }
  const o = await wakePreview(t, kube, github, io.log)
  core.setOutput('status', o.status)
  if (o.url) core.setOutput('url', o.url)
  core.info(`PR #${t.owner.pr}: ${o.status} (${o.reason})`)
  await io.writeSummary(
    idleSummary(
      t,
      `${o.status}: ${o.reason}`,
      o.diagnoses.flatMap((d) => d.details),
    ),
  )
  if (o.status === 'failed') core.setFailed(`The woken preview is not healthy: ${o.reason}`)
}

function idleSummary(t: IdleTarget, status: string, problems: string[]): string {
  return summaryMarkdown({
    title: `Preview of PR #${t.owner.pr}`,
    status,
    rows: [],
    facts: [['Namespace', t.owner.namespace]],
    problems,
    notes: [],
  })
}

/**
 * An issue_comment event: a command is run, anything else is ignored at once, before any client is made (no
 * GitHub call, no cluster): an edit, a comment on an issue, a comment that is not a command, a bot's comment.
 */
export async function runCommandEvent(settings: Settings, payload: unknown, io: ActionIo): Promise<void> {
  const event = parseCommentEvent(payload)
  const parsed = parseCommand(event.comment.body)
  const ignored =
    event.action !== 'created'
      ? `the comment was ${event.action || 'changed'}, not created (edits are not commands)`
      : !event.onPullRequest
        ? 'the comment is on an issue, not a pull request'
        : parsed.kind === 'none'
          ? 'the comment is not a /preview command'
          : event.comment.authorType === 'Bot'
            ? 'the comment was written by a bot'
            : null
  if (ignored) {
    core.setOutput('status', 'ignored')
    core.info(`Nothing to do: ${ignored}.`)
    return
  }
  const { fullName, owner, name } = event.repository
  const github = io.githubFor(settings, owner, name)
  if (parsed.kind === 'unknown') {
    core.setOutput('status', 'ignored')
    await github.reply(
      event.number,
      `@${event.comment.author} \`/preview ${parsed.word}\` is not a command. ${COMMAND_HELP}`,
    )
    return
  }
  if (parsed.kind !== 'command') return
  const command = parsed.command
  const t = target(settings, fullName, event.number, io, `/preview ${command}`)
  core.setOutput('namespace', t.owner.namespace)
  core.info(`PR #${event.number}: /preview ${command} by @${event.comment.author}`)
  const result = await runCommand(
    event,
    command,
    t,
    () => io.kubeFor(settings),
    github,
    pullRequestRuns(settings, event.number, github, io),
    io.log,
  )
  core.setOutput('status', result.status)
  core.info(`/preview ${command}: ${result.status} (${result.message})`)
  if (result.status !== 'refused' && !result.ok) core.setFailed(`/preview ${command}: ${result.message}`)
}

/** `/preview redeploy` and `/preview destroy`: the PR as GitHub has it now, planned and run like its events. */
function pullRequestRuns(settings: Settings, number: number, github: GitHub, io: ActionIo) {
  const planFor = async (mode: 'deploy' | 'destroy'): Promise<Plan | CommandResult> => {
    const pr = await github.pullRequest(number)
    if (!pr)
      return { ok: false, status: 'failed', message: `could not read pull request #${number} from GitHub` }
    const raw = pr.raw as { base?: { repo?: unknown } }
    const event = parsePullRequestEvent('pull_request', {
      action: mode === 'deploy' ? 'synchronize' : 'closed',
      pull_request: raw,
      repository: raw.base?.repo,
    })
    if (mode === 'deploy' && pr.state === 'closed')
      return {
        ok: false,
        status: 'skipped',
        message: 'the pull request is closed; a closed PR gets no preview',
      }
    // A writer's redeploy approves the head commit as read now, as a label does (preview/command-approval.ts).
    const planned = mode === 'deploy' ? redeployEvent(event, settings.onlyLabels) : event
    return planPreview(planned, { ...settings, mode }, io.runInfo())
  }
  const run = async (mode: 'deploy' | 'destroy', why?: string): Promise<CommandResult> => {
    const plan = await planFor(mode)
    if (!('action' in plan)) return plan
    if (plan.action === 'skip') return { ok: false, status: 'skipped', message: plan.reason }
    return io.runPlan(plan, settings, github, why)
  }
  return {
    redeploy: () => run('deploy'),
    destroy: () => run('destroy', 'removed by `/preview destroy`'),
  }
}

/** The dashboard issue after a sweep: one row per live preview. A GitHub refusal is a warning, not a failure. */
export async function updateDashboard(
  settings: Settings,
  rows: SweepRow[],
  logUrl: string,
  github: GitHub,
  log: RunLog,
): Promise<void> {
  const { repository } = repositoryOf()
  const live: FleetRow[] = rows
    .filter((r) => r.decision !== 'removed')
    .map((r) => ({
      pr: r.pr,
      title: r.title,
      author: r.author,
      prUrl: r.prUrl,
      state: r.state,
      kept: r.kept,
      url: r.url,
      deployedAt: r.deployedAt,
      createdAt: r.createdAt,
      requested: r.requested,
    }))
  try {
    const number = await github.upsertIssue(
      dashboardMarker(repository),
      settings.dashboardTitle,
      dashboardBody(repository, live, new Date(), logUrl),
    )
    log.info(`dashboard: issue #${number}`)
  } catch (e) {
    log.warning(
      `Could not update the dashboard issue (${(e as Error).message}); the workflow needs \`permissions: issues: write\`.`,
    )
  }
}
