// Reads the inputs and the event, runs the plan with the real ports, and reports outputs and the job summary.
import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { deploy } from './modes/deploy/deploy.js'
import { destroy, type DestroyOutcome } from './modes/destroy.js'
import { parsePullRequestEvent } from './inputs/event.js'
import { commentMarker, deployedComment, removedComment } from './github/comment.js'
import { skipForkClose } from './modes/fork-close.js'
import { createGitHub, GITHUB_RETRY, type GitHub } from './github/client.js'
import { createKube } from './kube/client.js'
import { kubeconfigSecrets, transportFromKubeconfig } from './kube/transport/kubeconfig.js'
import { FALLBACK_DOMAIN, FORK_REFUSED, planPreview, type Plan } from './preview/plan.js'
import { deployStatusLine, NOT_CHECKED, summaryMarkdown, workloadRows } from './github/report.js'
import { parseSettings, requireKubeconfig, type Settings } from './inputs/settings.js'
import { registrySecrets } from './preview/registry.js'
import { sweep, sweepSummary } from './modes/sweep.js'
import { loadTemplates, templatePath } from './preview/templates.js'
import type { RunLog } from './shared/run-log.js'
import { TemplateError } from './shared/errors.js'
import type { DeployOutcome } from './modes/deploy/types.js'

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
    const eventPath = process.env.GITHUB_EVENT_PATH ?? ''
    const event = parsePullRequestEvent(
      process.env.GITHUB_EVENT_NAME ?? '',
      eventPath ? JSON.parse(readFileSync(eventPath, 'utf8')) : {},
    )
    const planned = planPreview(event, settings, {
      serverUrl: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
      runId: process.env.GITHUB_RUN_ID ?? '0',
      runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? '1',
    })
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
    const kube = createKube(await transportFromKubeconfig(requireKubeconfig(settings)), undefined, (w) =>
      core.info(`kube-apiserver warns: ${w}`),
    )
    const github = githubFor(settings, event.repository.owner, event.repository.name)

    if (plan.action === 'destroy') {
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
          if (commentOnPr) await comment(github, plan, removedComment(plan, new Date()), false)
        },
      )
      core.setOutput('status', 'destroyed')
      await writeSummary(destroySummary(plan, outcome))
      return
    }
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    const templates = loadTemplates(settings.templates, workspace, settings.extraTemplates)
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
        holder: `run ${process.env.GITHUB_RUN_ID ?? '?'} attempt ${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`,
        frontDoor: settings,
        registry: settings.registry,
      },
      kube,
      github,
      log,
    )
    reportDeploy(plan, outcome)
    if (settings.comment && outcome.status !== 'skipped') {
      await comment(github, plan, deployedComment(plan, outcome, new Date()), true)
    }
    await writeSummary(deploySummary(plan, settings, outcome))
    if (outcome.status === 'failed') core.setFailed(`The preview is not healthy: ${outcome.reason}`)
  } catch (error) {
    core.setOutput('status', 'failed')
    fail(error, settings)
  }
}

function reportDeploy(plan: Plan, o: DeployOutcome): void {
  core.setOutput('url', o.url)
  core.setOutput('urls', JSON.stringify(o.urls))
  if (o.deploymentId !== null) core.setOutput('deployment-id', String(o.deploymentId))
  core.setOutput('status', o.status)
  if (o.status === 'deployed')
    core.info(`Preview ${o.readinessChecked ? 'ready' : NOT_CHECKED}: ${o.url || plan.namespace}`)
  if (o.status === 'skipped') core.info(`Not deployed: ${o.reason}`)
}

function deploySummary(plan: Plan, settings: Settings, o: DeployOutcome): string {
  const notes: string[] = []
  if (!settings.domain)
    notes.push(
      `No \`domain\` input was given, so host names use ${FALLBACK_DOMAIN}, which resolves only on the machine itself.`,
    )
  return summaryMarkdown({
    title: `Preview of PR #${plan.pr.number}`,
    status: deployStatusLine(o, plan.pr.head.sha),
    rows: workloadRows(o.workloads, o.urls),
    facts: [
      ['Namespace', plan.namespace],
      ['Environment', plan.environment],
      ['Commit', plan.pr.head.sha],
      ['Image', plan.image],
      ...(o.pruned.length ? ([['Pruned', o.pruned.join(', ')]] as Array<[string, string]>) : []),
    ],
    problems: o.diagnoses.flatMap((d) => d.details),
    notes: [...notes, ...(o.notes ?? [])],
  })
}

function destroySummary(plan: Plan, o: DestroyOutcome): string {
  const environment = {
    deleted: 'deleted',
    absent: 'did not exist',
    forbidden: 'kept: the token may not delete environments (needs administration rights)',
    kept: 'kept (set delete-environment: true to delete it)',
  }[o.environment]
  return summaryMarkdown({
    title: `Preview of PR #${plan.pr.number}`,
    status: o.removed
      ? `Removed namespace ${plan.namespace} and everything in it`
      : `Nothing to remove: namespace ${plan.namespace} did not exist`,
    rows: [],
    facts: [
      ['Namespace', o.removed ? `${plan.namespace} (removed)` : `${plan.namespace} (absent)`],
      ['Deployments marked inactive', o.inactivated.length ? o.inactivated.join(', ') : 'none were active'],
      ['GitHub environment', `${plan.environment}: ${environment}`],
    ],
    problems: [],
    notes: [],
  })
}

async function runSweep(settings: Settings): Promise<void> {
  const repository = process.env.GITHUB_REPOSITORY ?? ''
  const [owner, name] = repository.split('/')
  if (!owner || !name)
    throw new Error('GITHUB_REPOSITORY is not set: mode: sweep runs inside a GitHub workflow.')
  const kube = createKube(await transportFromKubeconfig(requireKubeconfig(settings)))
  const github = githubFor(settings, owner, name)
  const o = {
    repository,
    ttlMs: settings.ttlMs,
    dryRun: settings.dryRun,
    timeoutMs: settings.timeoutMs,
    logUrl: `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID ?? '0'}`,
    now: new Date(),
  }
  const rows = await sweep(o, kube, github, log)
  const removed = rows.filter((r) => r.decision === 'removed')
  core.setOutput('previews', JSON.stringify(rows))
  const failed = rows.filter((r) => r.decision === 'failed')
  core.setOutput('status', failed.length ? 'failed' : removed.length ? 'destroyed' : 'skipped')
  for (const r of rows) core.info(`PR #${r.pr} ${r.namespace}: ${r.decision} (${r.why})`)
  await writeSummary(sweepSummary(rows, o))
  if (failed.length)
    core.setFailed(
      `${failed.length} of ${rows.length} previews could not be swept: ${failed.map((r) => `${r.namespace} (${r.why})`).join('; ')}`,
    )
}

/** GitHub's retries never wait past the run's timeout. */
function githubFor(settings: Settings, owner: string, repo: string): GitHub {
  return createGitHub(settings.githubToken, owner, repo, {
    ...GITHUB_RETRY,
    deadline: Date.now() + settings.timeoutMs,
  })
}

/** The sticky comment is a courtesy: when GitHub refuses it, the run says so and goes on. */
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
