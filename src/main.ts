// Reads the inputs and the event, runs the plan with the real ports, and reports outputs and the job summary.
import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { parsePullRequestEvent } from './inputs/event.js'
import { approvalNeededComment, commentMarker, deployedComment, removedComment } from './github/comment.js'
import { skipForkClose } from './modes/fork-close.js'
import { requireToken, type GitHub } from './github/port.js'
import { GITHUB_RETRY } from './github/retry.js'
import { lazyGitHub } from './github/lazy.js'
import { createKube } from './kube/client.js'
import { homedir } from 'node:os'
import { transportFor } from './kube/transport/access.js'
import { kubeconfigSecrets } from './kube/transport/kubeconfig.js'
import { DEFAULT_RETRY } from './kube/transport/http.js'
import { FORK_REFUSED, planPreview, type Plan } from './preview/plan.js'
import { nodeHttpProbe } from './smoke/http.js'
import { summaryMarkdown } from './github/report.js'
import { parseSettings, type Settings } from './inputs/settings.js'
import { registrySecrets } from './preview/registry.js'
import { loadTemplates, templatePath } from './preview/templates.js'
import type { RunLog } from './shared/run-log.js'
import { TemplateError } from './shared/errors.js'
import { runCommandEvent, runIdleMode, updateDashboard, type ActionIo } from './main-idle.js'
import type { Kube } from './kube/port.js'
import { answersOf, deploySummary, destroySummary, reportDeploy } from './outputs.js'

const log: RunLog = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  secret: (v) => core.setSecret(v),
  group: (name, fn) => core.group(name, fn),
}

export async function run(): Promise<void> {
  let settings: Settings | undefined
  try {
    settings = parseSettings((name) => core.getInput(name))
    if (settings.kubeconfig)
      for (const secret of kubeconfigSecrets(settings.kubeconfig)) core.setSecret(secret)
    if (settings.githubToken) core.setSecret(settings.githubToken)
    if (settings.basicAuth) core.setSecret(settings.basicAuth.password)
    for (const secret of registrySecrets(settings.registry)) core.setSecret(secret)

    if (settings.mode === 'sweep') return await runSweep(settings)
    if (settings.mode === 'sleep' || settings.mode === 'wake')
      return await runIdleMode(settings, settings.mode, io)
    const eventName = process.env.GITHUB_EVENT_NAME ?? ''
    const eventPath = process.env.GITHUB_EVENT_PATH ?? ''
    const payload: unknown = eventPath ? JSON.parse(readFileSync(eventPath, 'utf8')) : {}
    if (settings.mode === 'command' || (settings.mode === 'auto' && eventName === 'issue_comment'))
      return await runCommandEvent(settings, payload, io)
    const event = parsePullRequestEvent(eventName, payload)
    const planned = planPreview(event, settings, runInfo())
    const plan = skipForkClose(planned, settings)
    core.info(
      `PR #${event.number} of ${event.repository.fullName}: ${plan.action} (${plan.reason}); namespace ${plan.namespace}`,
    )
    core.setOutput('namespace', plan.namespace)
    core.setOutput('environment', plan.environment)

    if (plan.action === 'skip') {
      core.setOutput('status', 'skipped')
      if (plan.reason === FORK_REFUSED) core.warning(plan.reason)
      if (plan !== planned) core.notice(plan.reason)
      const approval = plan.forkApproval
      if (approval.gated && !approval.approved && plan.pr.action !== 'closed')
        await askForApproval(plan, settings, approval.removeLabels)
      await writeSummary(
        summaryMarkdown({
          title: `Preview of PR #${event.number}`,
          status: `Skipped: ${plan.reason}`,
          rows: [],
          facts: [],
          problems: [],
          notes: [],
        }),
      )
      return
    }
    const github = githubFor(settings, event.repository.owner, event.repository.name)
    const done = await runPlan(plan, settings, github)
    if (!done.ok) core.setFailed(done.message)
  } catch (error) {
    core.setOutput('status', 'failed')
    fail(error, settings)
  }
}

/** Deploys or removes the planned preview, with the comment, outputs and summary of either. */
async function runPlan(
  plan: Plan,
  settings: Settings,
  github: GitHub,
  why?: string,
): Promise<{ ok: boolean; status: string; message: string }> {
  const kube = await kubeFor(settings)
  // Each mode's code is loaded when the run takes that mode (its own chunk of the bundle), not at start-up.
  if (plan.action === 'destroy') {
    const { destroy } = await import('./modes/destroy.js')
    const commentOnPr = settings.comment
    const outcome = await destroy(
      plan,
      {
        timeoutMs: settings.timeoutMs,
        deleteEnvironment: settings.deleteEnvironment,
        allowClusterScoped: settings.allowClusterScoped,
      },
      kube,
      github,
      log,
      async () => {
        if (commentOnPr) await comment(github, plan, removedComment(plan, new Date(), why), false)
      },
    )
    core.setOutput('status', 'destroyed')
    await writeSummary(destroySummary(plan, outcome))
    return { ok: true, status: 'destroyed', message: `removed namespace ${plan.namespace}` }
  }
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
  const templates = loadTemplates(settings.templates, workspace, settings.extraTemplates)
  const { deploy } = await import('./modes/deploy/deploy.js')
  const outcome = await deploy(
    plan,
    {
      templates,
      values: settings.values,
      wait: settings.wait,
      timeoutMs: settings.timeoutMs,
      allowClusterScoped: settings.allowClusterScoped,
      guardrails: settings,
      maxLivePreviews: settings.maxLivePreviews,
      holder: holder(),
      frontDoor: settings,
      registry: settings.registry,
      smoke: settings.smokeCheck
        ? {
            paths: settings.smokePaths,
            connectTo: settings.smokeConnect,
            basicAuth: settings.basicAuth,
            probe: nodeHttpProbe,
          }
        : null,
    },
    kube,
    github,
    log,
  )
  reportDeploy(plan, outcome)
  if (settings.comment && outcome.status !== 'skipped') {
    await comment(
      github,
      plan,
      deployedComment(plan, { ...outcome, answers: answersOf(outcome) }, new Date()),
      true,
    )
  }
  await writeSummary(deploySummary(plan, settings, outcome))
  if (outcome.status === 'failed')
    return { ok: false, status: 'failed', message: `The preview is not healthy: ${outcome.reason}` }
  return {
    ok: true,
    status: outcome.status,
    message: outcome.status === 'skipped' ? outcome.reason : `deployed at ${outcome.url}`,
  }
}

const runInfo = () => ({
  serverUrl: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
  runId: process.env.GITHUB_RUN_ID ?? '0',
  runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? '1',
})

const holder = () =>
  `run ${process.env.GITHUB_RUN_ID ?? '?'} attempt ${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`

async function kubeFor(settings: Settings): Promise<Kube> {
  // A request that fails transiently is retried through an API server restart (up to 90 s), never much past
  // the run's timeout.
  const retry = { ...DEFAULT_RETRY, untilMs: Date.now() + settings.timeoutMs + 30_000 }
  return createKube(await clusterTransport(settings), retry, (w) => core.info(`kube-apiserver warns: ${w}`))
}

/** What the runs of main-idle.ts use from here. */
const io: ActionIo = {
  log,
  githubFor: (settings, owner, repo) => githubFor(settings, owner, repo),
  kubeFor: (settings) => kubeFor(settings),
  writeSummary: (markdown) => writeSummary(markdown),
  runPlan: (plan, settings, github, why) => runPlan(plan, settings, github, why),
  runInfo,
  holder,
}

/** The way into the cluster: the kubeconfig input, GitHub OIDC, or the runner's kubeconfig (a cloud login step). */
const clusterTransport = (settings: Settings) =>
  transportFor(settings.access, {
    env: process.env,
    home: homedir(),
    idToken: (audience) => core.getIDToken(audience),
    secret: (v) => core.setSecret(v),
    info: (m) => core.info(m),
  })

async function runSweep(settings: Settings): Promise<void> {
  const repository = process.env.GITHUB_REPOSITORY ?? ''
  const [owner, name] = repository.split('/')
  if (!owner || !name)
    throw new Error('GITHUB_REPOSITORY is not set: mode: sweep runs inside a GitHub workflow.')
  const kube = await kubeFor(settings)
  const github = githubFor(settings, owner, name)
  const o = {
    repository,
    ttlMs: settings.ttlMs,
    ttlWarningMs: settings.ttlWarningMs,
    sleepAfterMs: settings.sleepAfterMs,
    keepLabel: settings.keepLabel,
    comment: settings.comment,
    holder: holder(),
    defaultRequests: settings.limitRange?.defaultRequest ?? {},
    dryRun: settings.dryRun,
    timeoutMs: settings.timeoutMs,
    logUrl: `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID ?? '0'}`,
    now: new Date(),
  }
  const { sweep, sweepSummary } = await import('./modes/sweep.js')
  const rows = await sweep(o, kube, github, log)
  const removed = rows.filter((r) => r.decision === 'removed')
  core.setOutput('previews', JSON.stringify(rows))
  const failed = rows.filter((r) => r.decision === 'failed')
  core.setOutput('status', failed.length ? 'failed' : removed.length ? 'destroyed' : 'skipped')
  for (const r of rows) core.info(`PR #${r.pr} ${r.namespace}: ${r.decision} (${r.why}); ${r.state}`)
  await writeSummary(sweepSummary(rows, o))
  if (settings.dashboard && !settings.dryRun) await updateDashboard(settings, rows, o.logUrl, github, log)
  if (failed.length)
    core.setFailed(
      `${failed.length} of ${rows.length} previews could not be swept: ${failed.map((r) => `${r.namespace} (${r.why})`).join('; ')}`,
    )
}

/** GitHub's retries never wait past the run's timeout. Its client is loaded at the first call (lazy.ts). */
function githubFor(settings: Settings, owner: string, repo: string): GitHub {
  requireToken(settings.githubToken)
  const retry = { ...GITHUB_RETRY, deadline: Date.now() + settings.timeoutMs }
  return lazyGitHub(async () => {
    const { createGitHub } = await import('./github/client.js')
    return createGitHub(settings.githubToken, owner, repo, retry)
  })
}

/** The sticky comment is a courtesy: when GitHub refuses it, the run says so and goes on. */
/**
 * A fork's commit that no label approved: a notice, the labels taken off (the PR shows it needs a new approval)
 * and the PR comment saying so.
 */
async function askForApproval(plan: Plan, settings: Settings, labels: string[]): Promise<void> {
  core.notice(plan.reason)
  const repo = plan.pr.repository
  const github = githubFor(settings, repo.owner, repo.name)
  for (const label of labels)
    await github
      .removeLabel(plan.pr.number, label)
      .catch((e: Error) =>
        core.warning(
          `Could not remove the label ${label} (${e.message}); remove it by hand: the new commits are not approved. The workflow needs \`permissions: pull-requests: write\`.`,
        ),
      )
  if (settings.comment)
    await comment(github, plan, approvalNeededComment(plan, plan.reason, new Date()), true)
}

async function comment(github: GitHub, plan: Plan, body: string, create: boolean): Promise<void> {
  try {
    await github.upsertComment(plan.pr.number, commentMarker(plan.environment), body, create)
  } catch (e) {
    core.warning(
      `Could not update the PR comment (${(e as Error).message}); the workflow needs \`permissions: pull-requests: write\`, or set comment: false.`,
    )
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown).write()
}

function fail(error: unknown, settings: Settings | undefined): void {
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof TemplateError) {
    // One annotation, on the template line itself.
    const file = settings ? templatePath(settings, error.file) : `templates/${error.file}`
    core.error(`Nothing was applied: ${message}`, { title: 'Template error', file, startLine: error.line })
    process.exitCode = 1
    return
  }
  core.setFailed(message)
}
