// The one PR comment a preview keeps up to date: its services, URLs and readiness, the commit and the time;
// "removed" once the PR is closed. Pure.
import type { Plan } from '../preview/plan.js'
import { cell, NOT_CHECKED, workloadRows } from './report.js'
import type { WorkloadStatus } from '../shared/readiness.js'

/** Hidden in the comment's text: how the action finds its own comment again, one per environment. */
export const commentMarker = (environment: string) => `<!-- kube-pr-preview:${environment} -->`

const stamp = (now: Date) =>
  now
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC')

export function deployedComment(
  plan: Plan,
  outcome: {
    status: string
    url: string
    urls: Record<string, string>
    workloads: WorkloadStatus[]
    reason: string
    readinessChecked?: boolean
  },
  now: Date,
): string {
  const sha = plan.pr.head.sha.slice(0, 7)
  const at = outcome.url ? ` at ${outcome.url}` : ''
  const headline =
    outcome.status !== 'deployed'
      ? `❌ **Not healthy**: ${cell(outcome.reason)}`
      : outcome.readinessChecked === false
        ? `🟡 **Deployed${at}: ${NOT_CHECKED}** (wait: false)`
        : `✅ **Ready**${at}`
  const lines = [commentMarker(plan.environment), `### Preview of this pull request`, '', headline, '']
  if (outcome.workloads.length) {
    lines.push('| Service | Ready | URL |', '| --- | --- | --- |')
    for (const r of workloadRows(outcome.workloads, outcome.urls)) {
      lines.push(`| ${cell(r.name)} | ${cell(r.ready)} | ${r.url ? `<${r.url}>` : ''} |`)
    }
    lines.push('')
  }
  lines.push(
    `Commit \`${sha}\` · updated ${stamp(now)} · namespace \`${plan.namespace}\` · [run log](${plan.logUrl})`,
  )
  return lines.join('\n')
}

export function removedComment(plan: Plan, now: Date): string {
  return [
    commentMarker(plan.environment),
    '### Preview of this pull request',
    '',
    `🗑️ **Removed** ${stamp(now)}: the pull request was closed; namespace \`${plan.namespace}\` and everything in it are deleted (see the [run log](${plan.logUrl})).`,
  ].join('\n')
}
