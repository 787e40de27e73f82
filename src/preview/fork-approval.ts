// A label approves one commit of a fork's PR, not the PR (only-labels with allow-forks). Pure.
//
// Under pull_request_target the run has the repository's secrets while the code is the fork's. A maintainer who
// reads a commit and adds one of the only-labels approves that commit: the `labeled` event deploys the head
// commit it was set on. Any other event of a fork PR (a later push above all) deploys nothing: the new commits
// need the label again, and the action removes it so the PR shows that.

export interface ForkApprovalInput {
  fork: boolean
  allowForks: boolean
  onlyLabels: string[]
  /** The pull_request event's action: opened, synchronize, labeled… */
  action: string
  /** The label this event added (`labeled` only). */
  addedLabel?: string
  /** The PR's labels now. */
  labels: string[]
  headSha: string
}

export type ForkApproval =
  | { gated: false }
  | { gated: true; approved: true; sha: string; reason: string }
  | { gated: true; approved: false; reason: string; removeLabels: string[] }

export function forkApproval(e: ForkApprovalInput): ForkApproval {
  if (!e.fork || !e.allowForks || e.onlyLabels.length === 0) return { gated: false }
  const short = e.headSha.slice(0, 7)
  if (e.action === 'labeled' && e.addedLabel !== undefined && e.onlyLabels.includes(e.addedLabel))
    return {
      gated: true,
      approved: true,
      sha: e.headSha,
      reason: `a maintainer approved commit ${short} of this fork's pull request with the label ${e.addedLabel}`,
    }
  const held = e.onlyLabels.filter((l) => e.labels.includes(l))
  return {
    gated: true,
    approved: false,
    removeLabels: held,
    reason: held.length
      ? `commit ${short} of this fork's pull request is not approved: the label ${held.join(', ')} approved an earlier commit; a maintainer who has read the new commits adds it again to deploy them`
      : `this fork's pull request is deployed only when a maintainer who has read commit ${short} adds the label ${e.onlyLabels.join(' or ')}`,
  }
}
