// A fork PR deploys only a commit someone with write access approved (see the issue "Tenancy": a label approves
// one commit, not the PR). `/preview redeploy` by a writer approves the head commit the PR has when the command
// is read: that commit may deploy, a later push may not (the deploy checks the head again under the lock). Pure.
// Written for issue 25 before issue 23's gate landed; issue 23's gate function replaces it once merged.
import type { PullRequestEvent } from '../inputs/event.js'

/** Whether this fork PR's commit is the one approved; a PR from the repository itself needs no approval. */
export function commitApproved(pr: PullRequestEvent, approvedSha: string): boolean {
  return !pr.fork || pr.head.sha.toLowerCase() === approvedSha.toLowerCase()
}
