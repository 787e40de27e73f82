// Whether a refused pod creation (a ReplicaSet's, StatefulSet's, DaemonSet's or Job's FailedCreate) can heal by
// itself. The controllers retry every refusal; only a few can never succeed without a change. Pure.
import { quantity } from '../../preview/requests.js'

export type RefusalKind =
  /** Cannot heal without a change: fail the run at once. */
  | 'lasting'
  /** The controller retries and usually succeeds (a surge over quota, a webhook restarting, an API timeout). */
  | 'transient'
  /** A ServiceAccount that does not exist (yet): lasting after a grace period, unless the preview creates it. */
  | 'missing-service-account'
  /** A ResourceQuota hit: lasting only when the workload's steady state exceeds it. */
  | 'quota'

const LASTING = [
  /violates PodSecurity/i,
  /admission webhook "[^"]*" denied the request/i,
  /\bdenied the request\b/i,
  /\bis invalid\b/i,
  /(maximum|minimum) \S+ usage per (Container|Pod)/i,
  /must specify (limits|requests)/i,
  /limit to request ratio/i,
  /failed quota: [^:]+: must specify/i,
  /\bis forbidden: .*not allowed\b/i,
]
const SERVICE_ACCOUNT =
  /serviceaccounts? "([^"]+)" not found|error looking up service account [^/\s]+\/([^:\s]+)/i
const QUOTA = /exceeded quota: /i

export function refusalKind(message: string): RefusalKind {
  if (SERVICE_ACCOUNT.test(message)) return 'missing-service-account'
  if (QUOTA.test(message)) return 'quota'
  // "unable to create new content in namespace … because it is being terminated": a close; the lock ends the run.
  if (/because it is being terminated/i.test(message)) return 'transient'
  return LASTING.some((p) => p.test(message)) ? 'lasting' : 'transient'
}

/** The ServiceAccount a refusal names as missing. */
export function missingServiceAccount(message: string): string | undefined {
  const m = SERVICE_ACCOUNT.exec(message)
  return m?.[1] ?? m?.[2]
}

/** `requested: pods=1,requests.cpu=50m, used: …, limited: …` of a quota refusal, per resource. */
export function quotaAmounts(
  message: string,
): { requested: Record<string, string>; limited: Record<string, string> } | null {
  const part = (name: string) => {
    const m = new RegExp(`${name}: ((?:[a-z0-9./-]+=[^,\\s]+,?)+)`, 'i').exec(message)
    if (!m) return null
    return Object.fromEntries(
      m[1]!
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('=') as [string, string]),
    )
  }
  const requested = part('requested')
  const limited = part('limited')
  return requested && limited ? { requested, limited } : null
}

/**
 * A quota refusal is lasting when the steady state exceeds a limit it was refused on: the workload's `pods`, each
 * asking what the refused pod asked, or for a `pods` limit the whole preview's pods. Then no step of the rollout
 * frees enough; a surge over the quota heals as the old pods go.
 */
export function quotaExceededForGood(message: string, pods: number, previewPods = 0): boolean {
  const amounts = quotaAmounts(message)
  if (!amounts) return false
  return Object.entries(amounts.limited).some(([resource, limit]) => {
    const max = quantity(limit)
    const need =
      resource === 'pods' || resource === 'count/pods'
        ? Math.max(pods, previewPods)
        : pods * quantity(amounts.requested[resource] ?? '')
    return Number.isFinite(need) && Number.isFinite(max) && need > max
  })
}
