// A preview that sleeps or wakes, found by its PR number (mode: sleep / wake, a command) or by its namespace (the
// sweep); and the preview's lock, taken like a deploy takes it.
import type { GitHub } from '../../github/client.js'
import type { Kube } from '../../kube/port.js'
import { OwnershipError } from '../../kube/apply/apply.js'
import { guardGitHub } from '../../github/guard.js'
import { acquireLock, guardKube, type Lock } from '../../kube/lock.js'
import { ANNOTATION, isOwnedBy, type Owner } from '../../preview/ownership.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { RunLog } from '../../shared/run-log.js'

export interface IdleTarget {
  owner: Owner
  /** The GitHub environment (empty: the one the deploy recorded on the namespace, else preview/pr-<n>). */
  environment: string
  logUrl: string
  /** Who holds the lock: the run and attempt, and what it does. */
  holder: string
  timeoutMs: number
  /** Update the sticky PR comment. */
  comment: boolean
}

/** The preview's namespace when it is live (not being deleted); throws when it is not this preview's. */
export async function liveNamespace(kube: Kube, owner: Owner): Promise<KubeObject | null> {
  const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: owner.namespace })
  if (!ns) return null
  if (!isOwnedBy(ns, owner))
    throw new OwnershipError(
      `namespace ${owner.namespace} exists but was not created by this action for ${owner.repository}#${owner.pr}; refusing to touch it.`,
    )
  return ns.metadata.deletionTimestamp ? null : ns
}

export const environmentOf = (t: IdleTarget, ns: KubeObject) =>
  t.environment || ns.metadata.annotations?.[ANNOTATION.environment] || `preview/pr-${t.owner.pr}`

export interface Held {
  lock: Lock
  kube: Kube
  github: GitHub
}

/** The preview's lock, as a deploy takes it; the ports returned write only while this run holds it. */
export async function holdPreview(
  t: IdleTarget,
  kube: Kube,
  github: GitHub,
  log: RunLog,
  deadline: number,
): Promise<Held> {
  const lock = await acquireLock(kube, t.owner, t.holder, deadline, {
    onWait: (other) => log.info(`waiting for another run (${other}) to finish with this preview`),
  })
  return { lock, kube: guardKube(kube, lock), github: guardGitHub(github, lock) }
}
