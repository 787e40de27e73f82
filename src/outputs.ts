// What a run reports: the action's outputs, and the job summary of a deploy or a removal.
import * as core from '@actions/core'
import type { DestroyOutcome } from './modes/destroy.js'
import { FALLBACK_DOMAIN, type Plan } from './preview/plan.js'
import { deployStatusLine, NOT_CHECKED, summaryMarkdown, workloadRows } from './github/report.js'
import type { Settings } from './inputs/settings.js'
import type { DeployOutcome } from './modes/deploy/types.js'

/** service → what its URL answered the smoke check. */
export const answersOf = (o: DeployOutcome) =>
  Object.fromEntries((o.smoke ?? []).map((x) => [x.service, x.text]))

export function reportDeploy(plan: Plan, o: DeployOutcome): void {
  core.setOutput('url', o.url)
  core.setOutput('urls', JSON.stringify(o.urls))
  if (o.deploymentId !== null) core.setOutput('deployment-id', String(o.deploymentId))
  core.setOutput('status', o.status)
  if (o.status === 'deployed')
    core.info(`Preview ${o.readinessChecked ? 'ready' : NOT_CHECKED}: ${o.url || plan.namespace}`)
  if (o.status === 'skipped') core.info(`Not deployed: ${o.reason}`)
}

export function deploySummary(plan: Plan, settings: Settings, o: DeployOutcome): string {
  const notes: string[] = []
  if (!settings.domain)
    notes.push(
      `No \`domain\` input was given, so host names use ${FALLBACK_DOMAIN}, which resolves only on the machine itself.`,
    )
  return summaryMarkdown({
    title: `Preview of PR #${plan.pr.number}`,
    status: deployStatusLine(o, plan.pr.head.sha),
    rows: workloadRows(o.workloads, o.urls, answersOf(o)),
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

export function destroySummary(plan: Plan, o: DestroyOutcome): string {
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
