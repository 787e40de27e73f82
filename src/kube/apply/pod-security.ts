// Pod Security Admission for a preview namespace: kube-apiserver refuses pods that break the enforced Pod Security
// Standard (baseline by default: no privileged containers, host namespaces or hostPath volumes), so a pull request
// cannot get root on a node. Warn and audit always use restricted, so the log shows what restricted would refuse.
import type { Kube } from '../port.js'
import type { KubeObject } from '../../shared/kube-object.js'
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

/**
 * Labels the preview's namespace; done before anything that makes pods is applied. `current`: the namespace as
 * just read; when it already carries these labels, there is nothing to write.
 */
export async function labelPodSecurity(
  kube: Kube,
  namespace: string,
  level: PodSecurityLevel,
  /** The namespace as last read: the apply is skipped when it carries the labels, and its uid is a precondition
   * (the apply never re-creates a namespace that was removed meanwhile). */
  current?: KubeObject,
): Promise<void> {
  const labels = podSecurityLabels(level)
  if (current && Object.entries(labels).every(([k, v]) => current.metadata.labels?.[k] === v)) return
  const uid = current?.metadata.uid as string | undefined
  await kube.apply(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, ...(uid ? { uid } : {}), labels },
    },
    { fieldManager: POD_SECURITY_MANAGER },
  )
}
