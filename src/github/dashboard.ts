// The fleet dashboard, pure: one issue the action keeps up to date on every sweep, found again by its marker in
// an issue the action's own identity wrote. One row per live preview and the totals.
import { formatCpu, formatMemory, type Requested } from '../preview/requests.js'
import { humanAge, stamp, type PreviewState } from '../preview/idle.js'
import { cell } from './report.js'

/** Hidden in the issue's body; only an issue written by the action's identity counts. */
export const dashboardMarker = (repository: string) =>
  `<!-- kube-pr-preview:dashboard:${repository.toLowerCase()} -->`

export interface FleetRow {
  pr: number
  title: string
  author: string
  prUrl: string
  state: PreviewState
  kept: boolean
  url: string
  deployedAt: string
  /** When the preview's namespace was created. */
  createdAt: string
  requested: { now: Requested; awake: Requested }
}

export function dashboardBody(repository: string, rows: FleetRow[], now: Date, logUrl: string): string {
  const sum = (pick: (r: FleetRow) => number) => rows.reduce((t, r) => t + pick(r), 0)
  const asleep = rows.filter((r) => r.state === 'asleep').length
  const ago = (t: string) =>
    Number.isFinite(Date.parse(t)) ? `${humanAge(now.getTime() - Date.parse(t))} ago` : '?'
  const lines = [
    dashboardMarker(repository),
    `Preview environments of ${repository}, as the last sweep found them (${stamp(now)}, [run log](${logUrl})).`,
    '',
    `**${rows.length} live** · ${rows.length - asleep} awake · ${asleep} asleep · requested now ` +
      `${formatCpu(sum((r) => r.requested.now.cpu))}, ${formatMemory(sum((r) => r.requested.now.memory))} ` +
      `(if all were awake: ${formatCpu(sum((r) => r.requested.awake.cpu))}, ${formatMemory(sum((r) => r.requested.awake.memory))})`,
    '',
  ]
  if (rows.length === 0) {
    lines.push('No previews are live.')
    return lines.join('\n') + '\n'
  }
  lines.push(
    '| PR | Author | State | URL | Last deploy | Age | CPU | Memory |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  )
  for (const r of [...rows].sort((a, b) => a.pr - b.pr)) {
    const state = `${{ ready: '✅ ready', failed: '❌ failed', asleep: '💤 asleep' }[r.state]}${r.kept ? ' · 📌 kept' : ''}`
    const pr = r.prUrl ? `[#${r.pr}](${r.prUrl}) ${cell(r.title)}` : `#${r.pr} ${cell(r.title)}`
    lines.push(
      `| ${pr} | ${r.author ? `@${cell(r.author)}` : ''} | ${state} | ${r.url ? `<${r.url}>` : ''} | ${ago(r.deployedAt)} | ${ago(r.createdAt).replace(/ ago$/, '')} | ${formatCpu(r.requested.now.cpu)} | ${formatMemory(r.requested.now.memory)} |`,
    )
  }
  return lines.join('\n') + '\n'
}
