// `/preview redeploy` on a fork PR approves the head commit the PR has when the command is read, as a label does
// (the issue "Tenancy": a label approves one commit, not the PR). Pure.
//
// The redeploy is planned as the `labeled` event of that commit: with allow-forks and only-labels, issue 23's gate
// (preview/fork-approval.ts, forkApproval) approves exactly the commit an only-label was added on, so the
// command passes it the first only-label as `addedLabel` once that gate is merged; allow-forks: false still
// refuses every fork. The deploy then checks again, under the preview's lock, that this commit is still the
// PR's head: a push after the command is not approved.
import type { PullRequestEvent } from '../inputs/event.js'

export function redeployEvent(
  pr: PullRequestEvent,
  onlyLabels: string[],
): PullRequestEvent & { addedLabel?: string } {
  return { ...pr, action: 'labeled', ...(onlyLabels[0] ? { addedLabel: onlyLabels[0] } : {}) }
}
