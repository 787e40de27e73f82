// The labels and annotations that mark an object as created by this action for one preview. Pure.
// Prune and teardown only ever touch objects that carry all of them for the same repository and PR.
import { repositoryHash } from './naming.js'
import type { Plan } from './plan.js'

export const MANAGER = 'kube-pr-preview'
const P = 'kube-pr-preview.io'

export const LABEL = {
  managedBy: 'app.kubernetes.io/managed-by',
  repository: `${P}/repository-hash`,
  pr: `${P}/pr`,
  preview: `${P}/preview`,
} as const

export const ANNOTATION = {
  repository: `${P}/repository`,
  pr: `${P}/pr`,
  template: `${P}/template`,
  /** On the namespace only: the commit the preview runs (other objects stay untouched when only it changes). */
  headSha: `${P}/head-sha`,
  /** On the namespace only: every object the last apply made, for prune (`apiVersion/kind/name` per line). */
  inventory: `${P}/inventory`,
  /** On the namespace only: a digest of every object the last apply sent, the cluster having accepted it. */
  accepted: `${P}/accepted`,
  deployedAt: `${P}/deployed-at`,
  /** On the namespace only: pull_request.updated_at of the deployed commit, to order runs of one PR. */
  headUpdatedAt: `${P}/head-updated-at`,
  /** On the namespace only: GITHUB_RUN_ID of the deploying run (orders runs when updated_at ties). */
  runId: `${P}/run-id`,
  /** On the namespace only: the GitHub environment and the web app's URL, for the sweep. */
  environment: `${P}/environment`,
  url: `${P}/url`,
  /** On the namespace only: since when the preview sleeps (absent: awake). See preview/idle.ts. */
  asleepSince: `${P}/asleep-since`,
  /** On the namespace only: the last wake; sleep-after counts from it or the last deploy, whichever is later. */
  wokenAt: `${P}/woken-at`,
  /** On the namespace only: `true` after `/preview keep`: never put to sleep nor removed for its TTL. */
  keep: `${P}/keep`,
  /** On the namespace only: the deployed-at whose TTL notice was given (one notice per deploy). */
  ttlWarnedFor: `${P}/ttl-warned-for`,
  /** On a Deployment or StatefulSet put to sleep: the replicas it had. */
  replicasBeforeSleep: `${P}/replicas-before-sleep`,
  /** On a CronJob sleep suspended (one the user suspended has no mark and stays suspended). */
  suspendedBySleep: `${P}/suspended-by-sleep`,
} as const

export interface Owner {
  repository: string
  pr: number
  namespace: string
}

export function ownerLabels(o: Owner): Record<string, string> {
  return {
    [LABEL.managedBy]: MANAGER,
    [LABEL.repository]: repositoryHash(o.repository),
    [LABEL.pr]: String(o.pr),
    [LABEL.preview]: o.namespace,
  }
}

export function ownerAnnotations(o: Owner): Record<string, string> {
  return { [ANNOTATION.repository]: o.repository, [ANNOTATION.pr]: String(o.pr) }
}

/** A label selector matching exactly this preview's objects. */
export function ownerSelector(o: Owner): string {
  return Object.entries(ownerLabels(o))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

interface Meta {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
}

/** A label selector matching every preview of a repository. */
export function repositorySelector(repository: string): string {
  return `${LABEL.managedBy}=${MANAGER},${LABEL.repository}=${repositoryHash(repository)}`
}

/** True when the object carries this preview's labels and names this repository and PR in its annotations. */
export function isOwnedBy(obj: Meta, o: Owner): boolean {
  const labels = obj.metadata?.labels ?? {}
  const annotations = obj.metadata?.annotations ?? {}
  const want = ownerLabels(o)
  return (
    Object.entries(want).every(([k, v]) => labels[k] === v) &&
    annotations[ANNOTATION.repository]?.toLowerCase() === o.repository.toLowerCase() &&
    annotations[ANNOTATION.pr] === String(o.pr)
  )
}

/** Whom a preview's objects belong to: the plan's repository, PR and namespace. */
export function ownerOf(plan: Plan): Owner {
  return { repository: plan.pr.repository.fullName, pr: plan.pr.number, namespace: plan.namespace }
}
