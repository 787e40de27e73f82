// Pod Security Admission for a preview namespace: kube-apiserver refuses pods that break the enforced Pod Security
// Standard (baseline by default: no privileged containers, host namespaces or hostPath volumes), so a pull request
// cannot get root on a node. Warn and audit always use restricted, so the log shows what restricted would refuse.
import type { Kube } from '../port.js'
import type { PodSecurityLevel } from '../../inputs/parse.js'

const PREFIX = 'pod-security.kubernetes.io'

/**
 * The namespace labels. The -version labels say `latest` explicitly: the policy of the cluster's own Kubernetes
 * version, whatever defaults an admission configuration sets for unlabelled namespaces. Pure.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    [`${PREFIX}/enforce`]: level,
    [`${PREFIX}/enforce-version`]: 'latest',
    [`${PREFIX}/warn`]: 'restricted',
    [`${PREFIX}/warn-version`]: 'latest',
    [`${PREFIX}/audit`]: 'restricted',
    [`${PREFIX}/audit-version`]: 'latest',
  }
}

/**
 * Its own field manager: the labels stay when the action later applies the namespace with its ownership labels,
 * and change when the input changes.
 */
export const POD_SECURITY_MANAGER = 'kube-pr-preview-pod-security'

/** Labels the preview's namespace; done before anything that makes pods is applied. */
export async function labelPodSecurity(
  kube: Kube,
  namespace: string,
  level: PodSecurityLevel,
): Promise<void> {
  await kube.apply(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: podSecurityLabels(level) },
    },
    { fieldManager: POD_SECURITY_MANAGER },
  )
}
