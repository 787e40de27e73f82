// Rules for what a preview may make cluster-wide, and the cloud identities it may not take. Pure.
import { asObject, at, is, type Rule } from './rule.js'

export const CLUSTER_RULES: Rule[] = [
  {
    id: 'cluster-role-aggregation',
    refuses:
      'ClusterRole aggregation labels (`rbac.authorization.k8s.io/aggregate-to-*`) and `aggregationRule`',
    where: 'ClusterRole metadata.labels, aggregationRule',
    check: (o) => {
      if (!is(o, 'rbac.authorization.k8s.io', 'ClusterRole')) return []
      const out = Object.keys(asObject(o.metadata.labels))
        .filter((k) => k.startsWith('rbac.authorization.k8s.io/aggregate-to-'))
        .map((k) =>
          at(
            ['metadata', 'labels', k],
            `${k} adds these rules to the cluster's built-in roles, held by every admin, edit or view user; remove the label`,
          ),
        )
      if (o.aggregationRule !== undefined)
        out.push(
          at(
            ['aggregationRule'],
            'aggregationRule gathers the rules of other ClusterRoles; list the rules the preview needs',
          ),
        )
      return out
    },
  },
  {
    id: 'persistent-volume-host',
    refuses: "a PersistentVolume with `hostPath` or `local` (the node's files, past pod security)",
    where: 'PersistentVolume spec.hostPath, spec.local',
    check: (o) => {
      if (!is(o, '', 'PersistentVolume')) return []
      const spec = asObject(o.spec)
      return (['hostPath', 'local'] as const)
        .filter((f) => spec[f] !== undefined)
        .map((f) =>
          at(
            ['spec', f],
            `${f} gives the preview's pods a node's files, which pod security forbids in pods; use a StorageClass`,
          ),
        )
    },
  },
  {
    id: 'cloud-identity',
    refuses:
      'a ServiceAccount annotation that grants a cloud identity (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`)',
    where: 'ServiceAccount metadata.annotations',
    check: (o) =>
      is(o, '', 'ServiceAccount')
        ? Object.keys(asObject(o.metadata.annotations))
            .filter((k) =>
              [
                'eks.amazonaws.com/role-arn',
                'iam.gke.io/gcp-service-account',
                'azure.workload.identity/client-id',
              ].includes(k),
            )
            .map((k) =>
              at(['metadata', 'annotations', k], `${k} would give the PR's code a cloud identity; remove it`),
            )
        : [],
  },
]
