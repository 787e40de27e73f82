// Where each kind lives in the Kubernetes API. The built-in kinds a preview uses are known here, so a run needs
// no discovery calls for them; other kinds (custom resources) are looked up once per group/version.

export interface Resource {
  /** URL path of the group/version: `/api/v1` or `/apis/<group>/<version>`. */
  base: string
  plural: string
  namespaced: boolean
}

const builtIn: Record<string, Record<string, [string, boolean]>> = {
  v1: {
    Namespace: ['namespaces', false],
    ConfigMap: ['configmaps', true],
    Secret: ['secrets', true],
    Service: ['services', true],
    ServiceAccount: ['serviceaccounts', true],
    PersistentVolumeClaim: ['persistentvolumeclaims', true],
    PersistentVolume: ['persistentvolumes', false],
    Pod: ['pods', true],
    Event: ['events', true],
    Endpoints: ['endpoints', true],
    ResourceQuota: ['resourcequotas', true],
    LimitRange: ['limitranges', true],
    Node: ['nodes', false],
  },
  'apps/v1': {
    Deployment: ['deployments', true],
    StatefulSet: ['statefulsets', true],
    DaemonSet: ['daemonsets', true],
    ReplicaSet: ['replicasets', true],
    ControllerRevision: ['controllerrevisions', true],
  },
  'batch/v1': { Job: ['jobs', true], CronJob: ['cronjobs', true] },
  'networking.k8s.io/v1': {
    Ingress: ['ingresses', true],
    NetworkPolicy: ['networkpolicies', true],
    IngressClass: ['ingressclasses', false],
  },
  'rbac.authorization.k8s.io/v1': {
    Role: ['roles', true],
    RoleBinding: ['rolebindings', true],
    ClusterRole: ['clusterroles', false],
    ClusterRoleBinding: ['clusterrolebindings', false],
  },
  'policy/v1': { PodDisruptionBudget: ['poddisruptionbudgets', true] },
  'autoscaling/v2': { HorizontalPodAutoscaler: ['horizontalpodautoscalers', true] },
  'autoscaling/v1': { HorizontalPodAutoscaler: ['horizontalpodautoscalers', true] },
  'discovery.k8s.io/v1': { EndpointSlice: ['endpointslices', true] },
  'events.k8s.io/v1': { Event: ['events', true] },
  'coordination.k8s.io/v1': { Lease: ['leases', true] },
  'apiextensions.k8s.io/v1': { CustomResourceDefinition: ['customresourcedefinitions', false] },
  'storage.k8s.io/v1': { StorageClass: ['storageclasses', false] },
}

export function groupVersionBase(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
}

/** The built-in API versions that serve a kind (the newest first, as listed here). Pure. */
export function apiVersionsOf(kind: string): string[] {
  return Object.entries(builtIn)
    .filter(([, kinds]) => kind in kinds)
    .map(([apiVersion]) => apiVersion)
    .slice(0, 1)
}

/** The built-in resource of a kind, or undefined when it must be discovered. */
export function knownResource(apiVersion: string, kind: string): Resource | undefined {
  const entry = builtIn[apiVersion]?.[kind]
  return entry ? { base: groupVersionBase(apiVersion), plural: entry[0], namespaced: entry[1] } : undefined
}

/** Reads a discovery document (`GET /apis/<group>/<version>`) for one kind. */
export function resourceFromDiscovery(
  apiVersion: string,
  kind: string,
  discovery: unknown,
): Resource | undefined {
  const list =
    (discovery as { resources?: Array<{ name: string; kind: string; namespaced: boolean }> }).resources ?? []
  const found = list.find((r) => r.kind === kind && !r.name.includes('/'))
  return found
    ? { base: groupVersionBase(apiVersion), plural: found.name, namespaced: found.namespaced }
    : undefined
}
