// What the wait found out about a workload: shared by the Kubernetes port (which decides it) and the reports
// (which show it).
import type { KubeObject } from './kube-object.js'

export type ReadyState = 'ready' | 'progressing' | 'failed'

export interface Readiness {
  state: ReadyState
  /** `2/2 ready`, `Complete`, or what is missing. */
  message: string
}

export interface WorkloadStatus {
  object: KubeObject
  readiness: Readiness
}
