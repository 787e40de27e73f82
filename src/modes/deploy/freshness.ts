// What tells a run that it must not deploy: the pull request is closed, a newer commit is its head or already
// deployed, or the preview's namespace was removed under it; and the repository's live previews (the fleet limit).
import type { GitHub } from '../../github/client.js'
import { ANNOTATION, repositorySelector } from '../../preview/ownership.js'
import { isNewer, type Plan } from '../../preview/plan.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { RunLog } from '../../shared/run-log.js'
import type { Kube } from '../../kube/port.js'

export const CLOSED = 'the pull request is closed'

/** Why this run must not deploy: the PR is closed, or a newer commit is its head or already deployed. */
export async function staleness(
  plan: Plan,
  github: GitHub,
  namespace: KubeObject | null,
  log: RunLog,
): Promise<string | null> {
  const a = namespace?.metadata.annotations ?? {}
  const recordedSha = a[ANNOTATION.headSha] ?? ''
  const deployed = { updatedAt: a[ANNOTATION.headUpdatedAt] ?? '', runId: a[ANNOTATION.runId] ?? '' }
  if (
    recordedSha &&
    recordedSha !== plan.pr.head.sha &&
    isNewer(deployed, { updatedAt: plan.pr.updatedAt, runId: plan.runId })
  ) {
    return `a newer commit (${recordedSha.slice(0, 7)}) is already deployed; this run's ${plan.pr.head.sha.slice(0, 7)} is not`
  }
  // A safety net, not a requirement: when GitHub cannot say, the commit order recorded on the namespace decides.
  const pr = await github.pullRequest(plan.pr.number).catch((e: Error) => {
    log.warning(`could not read the pull request from GitHub (${e.message}); going by the commit order alone`)
    return null
  })
  if (pr?.state === 'closed') return CLOSED
  if (pr && pr.headSha !== plan.pr.head.sha) {
    return `the pull request's head is now ${pr.headSha.slice(0, 7)}; this run's ${plan.pr.head.sha.slice(0, 7)} is not deployed`
  }
  return null
}

/** True when the preview's namespace is gone, replaced, or being deleted (the close has run or is running). */
export const isRemoved = (now: KubeObject | null, namespace: KubeObject): boolean =>
  !now || now.metadata.uid !== namespace.metadata.uid || Boolean(now.metadata.deletionTimestamp)

export async function livePreviews(kube: Kube, repository: string): Promise<KubeObject[]> {
  const list = await kube.list('v1', 'Namespace', undefined, {
    labelSelector: repositorySelector(repository),
  })
  return list.items.filter(
    (n) => n.metadata.annotations?.[ANNOTATION.repository]?.toLowerCase() === repository.toLowerCase(),
  )
}
