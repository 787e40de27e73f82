// The Kubernetes port's interface: what the rest of the action may ask of a cluster, and the error it gets back.
import type { KubeObject } from '../shared/kube-object.js'
import type { ObjectRef } from '../shared/kube-object.js'
import type { RequestOptions } from 'node:https'
import type { Resource } from './resources/resources.js'

export interface KubeList {
  items: KubeObject[]
  metadata: { resourceVersion?: string; continue?: string }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: KubeObject
}

export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
}

export interface Kube {
  /** The API server URL, for messages. */
  readonly server: string
  /**
   * Now by the API server's clock (this machine's, corrected by the Date header of the last response): what
   * conditions and events are compared with, so that clock skew shifts nothing. Absent: this machine's clock.
   */
  serverTime?(): number
  resource(apiVersion: string, kind: string): Promise<Resource>
  /**
   * Server-side apply, forcing conflicts, as the action's field manager (or another one of its own);
   * dryRun: validated, not stored.
   */
  apply(obj: KubeObject, options?: { dryRun?: boolean; fieldManager?: string }): Promise<KubeObject>
  /** Forgets what discovery found (or did not find): after a CustomResourceDefinition is established. */
  forgetDiscovery(): void
  /**
   * Creates an object; null when one of that name already exists. dryRun: validated and admitted, not stored (the
   * API server looks for the name last, so null then means it would accept the object as new).
   */
  create(obj: KubeObject, options?: { dryRun?: boolean }): Promise<KubeObject | null>
  /** Replaces an object guarded by its metadata.resourceVersion; null when someone changed it first. */
  replace(obj: KubeObject): Promise<KubeObject | null>
  /** The object, or null when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | null>
  /**
   * Deletes with background propagation (foreground: the object stays, marked, until its dependents such as a
   * Job's pods are gone); false when it was already gone. Preconditions guard against races.
   */
  delete(
    ref: ObjectRef,
    preconditions?: { uid?: string; resourceVersion?: string },
    propagation?: 'Background' | 'Foreground',
  ): Promise<boolean>
  list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    options?: ListOptions,
  ): Promise<KubeList>
  /** Streams changes after resourceVersion until the signal aborts or the server ends the watch. */
  watch(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    options: ListOptions & { resourceVersion?: string },
    onEvent: (e: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void>
  /** The last lines of a container's log; `previous`: of its instance before the last restart. */
  podLogs(
    namespace: string,
    pod: string,
    container: string,
    tailLines: number,
    previous?: boolean,
  ): Promise<string>
}

/** One thing the API server found wrong with an object: `spec.ports[0].port` and why. */
export interface KubeCause {
  field?: string
  message?: string
  reason?: string
}

export class KubeError extends Error {
  readonly status: number
  readonly reason: string
  readonly causes: KubeCause[]
  constructor(status: number, reason: string, message: string, causes: KubeCause[] = []) {
    super(message)
    this.name = 'KubeError'
    this.status = status
    this.reason = reason
    this.causes = causes
  }
}

export interface Transport {
  server: string
  /** A proxy from the kubeconfig: then the agent that authorize() sets is kept. */
  usesProxy: boolean
  /** Adds the kubeconfig's TLS material and credentials to request options (client-node's KubeConfig does this). */
  authorize(options: RequestOptions): Promise<void>
  /**
   * After a 401: gets a fresh credential (a short-lived token that expired or was revoked); true when there is one
   * to retry with. The request is retried once.
   */
  renew?(): Promise<boolean>
  /** Why the server refused the credential (401) or its user (403), from what the transport knows of it. */
  explainRefusal?(status: 401 | 403): string | undefined
}

export interface RetryPolicy {
  /** At least this many tries of a request that failed transiently. */
  attempts: number
  baseMs: number
  maxMs: number
  /**
   * Beyond `attempts`, keep trying while the failures last no longer than this (an API server restart takes
   * 10-60 s), and never past `untilMs` (the run's deadline).
   */
  outageMs?: number
  untilMs?: number
}
