// Keeping a preview's GitHub deployments truthful. GitHub's auto_inactive does not touch transient deployments
// (its docs: only prior non-transient, non-production ones), so after a success the action marks every earlier
// deployment of the environment that is not inactive yet inactive itself, through every page of the history.
import type { GitHub } from './client.js'
import { GITHUB_PARALLEL, mapLimit } from '../shared/limit.js'

const FINAL = ['success', 'failure', 'error', 'inactive']

/**
 * After this run's deployment `id` reached its final state: on success every earlier deployment that is not
 * inactive becomes inactive; on failure only the earlier ones that a failed or interrupted run left in progress
 * (the newest few), as the last good deployment still describes what ran before. Returns the ids it marked.
 */
export async function tidyEarlierDeployments(
  github: GitHub,
  environment: string,
  id: number,
  succeeded: boolean,
  logUrl: string,
): Promise<number[]> {
  const earlier = await github.listDeployments(environment, succeeded ? undefined : 10, id)
  const stale = earlier.filter((d) =>
    succeeded ? d.latestState !== 'inactive' : !FINAL.includes(d.latestState ?? ''),
  )
  return markInactive(github, stale, 'Superseded by a later deploy', logUrl)
}

/** Marks the deployments inactive, a few GitHub calls at a time; returns their ids. */
export async function markInactive(
  github: GitHub,
  deployments: Array<{ id: number }>,
  description: string,
  logUrl: string,
): Promise<number[]> {
  await mapLimit(deployments, GITHUB_PARALLEL, (d) =>
    github.setStatus(d.id, { state: 'inactive', description, logUrl }),
  )
  return deployments.map((d) => d.id)
}
