// Reads inside a preview for an identity that `init` confined. Its cluster-wide ClusterRole can write (and the
// admission policy keeps those writes inside its own previews) but read nothing, so no Secret, pod or log of any
// other namespace is open to it; the reads it needs in its own preview come from the ClusterRole
// `kube-pr-preview-namespace`, which it binds to itself here with a RoleBinding in each preview namespace (it holds
// `bind` on that one ClusterRole). An identity that can read already (cluster-admin, a broader role) gets nothing.
import type { KubeObject } from '../shared/kube-object.js'
import { ownerLabels, type Owner } from '../preview/ownership.js'
import type { Kube } from './port.js'

export const NAMESPACE_ROLE = 'kube-pr-preview-namespace'
export const READ_BINDING = 'kube-pr-preview-reads'

/** How long a new RoleBinding may take to reach the API server's authorizer cache. */
const PROPAGATION_MS = 15_000

/**
 * Whether this identity reads in the preview already: asked of Secrets, which init's cluster-wide role never lets
 * it read (pods or other kinds could come from elsewhere, and then the binding would be skipped wrongly).
 */
const canRead = async (kube: Kube, namespace: string) => {
  const review = await kube.create({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { name: '' },
    spec: { resourceAttributes: { namespace, verb: 'list', resource: 'secrets' } },
  } as KubeObject)
  return (review as { status?: { allowed?: boolean } } | null)?.status?.allowed === true
}

/** The RBAC subject of a username: a ServiceAccount for `system:serviceaccount:<ns>:<name>`, else a User. Pure. */
export function subjectOf(username: string): Record<string, string> {
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username)
  return sa
    ? { kind: 'ServiceAccount', name: sa[2]!, namespace: sa[1]! }
    : { kind: 'User', name: username, apiGroup: 'rbac.authorization.k8s.io' }
}

/**
 * Binds the reads when this identity lacks them. `readSecret`: the run has just read a Secret of the namespace
 * (the credentials), which proves the reads as well as the review would: it is not asked again.
 */
export async function ensureReadAccess(kube: Kube, owner: Owner, readSecret = false): Promise<void> {
  if (readSecret || (await canRead(kube, owner.namespace))) return
  const review = (await kube.create({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { name: '' },
  } as KubeObject)) as { status?: { userInfo?: { username?: string } } } | null
  const username = review?.status?.userInfo?.username
  if (!username) throw new Error('the API server did not say who this run is (SelfSubjectReview)')
  await kube.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: READ_BINDING, namespace: owner.namespace, labels: ownerLabels(owner) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAMESPACE_ROLE },
    subjects: [subjectOf(username)],
  } as KubeObject)
  const deadline = Date.now() + PROPAGATION_MS
  while (!(await canRead(kube, owner.namespace))) {
    if (Date.now() > deadline)
      throw new Error(
        `${username} cannot read in its preview namespace ${owner.namespace} even with the RoleBinding ` +
          `${READ_BINDING} to the ClusterRole ${NAMESPACE_ROLE}: does that ClusterRole exist? Run ` +
          '`npx kube-pr-preview init` for this identity (README, "Least privilege: init").',
      )
    await new Promise((r) => setTimeout(r, 100))
  }
}
