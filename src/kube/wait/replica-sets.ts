// A Deployment's current ReplicaSet: the one it owns whose pod template is the Deployment's, ignoring the
// pod-template-hash label (the deployment controller's own rule, FindNewReplicaSet). Pure.
import type { KubeObject } from '../../shared/kube-object.js'
import { canonicalJson as canonical } from '../../shared/canonical-json.js'

const HASH = 'pod-template-hash'

interface TemplateHolder {
  spec?: { template?: { metadata?: { labels?: Record<string, string> } } }
  metadata: { ownerReferences?: Array<{ uid?: string; controller?: boolean }>; creationTimestamp?: string }
}

function templateWithoutHash(o: TemplateHolder): string {
  const t = structuredClone(o.spec?.template ?? {})
  if (t.metadata?.labels) {
    delete t.metadata.labels[HASH]
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels
  }
  return canonical(t)
}

export function currentReplicaSet(deployment: KubeObject, replicaSets: KubeObject[]): KubeObject | undefined {
  const uid = deployment.metadata.uid
  if (!uid) return undefined
  const want = templateWithoutHash(deployment as TemplateHolder)
  return replicaSets
    .filter((rs) =>
      (rs as TemplateHolder).metadata.ownerReferences?.some((r) => r.controller && r.uid === uid),
    )
    .filter((rs) => templateWithoutHash(rs as TemplateHolder) === want)
    .sort((a, b) =>
      String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')),
    )[0]
}
