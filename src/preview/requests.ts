// What a preview asks of the cluster, pure: CPU and memory requested by its Deployments and StatefulSets, now and
// if every workload were awake (replicas kept by sleep). A container without requests gets the LimitRange's
// defaultRequest at admission, so that counts too.
import type { KubeObject } from '../shared/kube-object.js'
import { ANNOTATION } from './ownership.js'

export interface Requested {
  /** millicores */
  cpu: number
  /** bytes */
  memory: number
}

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
}

/** A Kubernetes quantity (`500m`, `1.5Gi`, `2e3`, `64Mi`) as a number; NaN when it is not one. */
export function quantity(text: string | number | undefined): number {
  if (typeof text === 'number') return text
  const m = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(
    (text ?? '').trim(),
  )
  if (!m) return Number.NaN
  return Number(m[1]! + (m[2] ?? '')) * SUFFIX[m[3] ?? '']!
}

interface Container {
  resources?: { requests?: Record<string, string | number> }
}

function podRequests(workload: KubeObject, defaults: Record<string, string>): Requested {
  const pod = (workload.spec as { template?: { spec?: { containers?: Container[] } } } | undefined)?.template
    ?.spec
  let cpu = 0
  let memory = 0
  for (const c of pod?.containers ?? []) {
    const r = c.resources?.requests ?? {}
    cpu += quantity(r.cpu ?? defaults.cpu ?? 0) * 1000 || 0
    memory += quantity(r.memory ?? defaults.memory ?? 0) || 0
  }
  return { cpu, memory }
}

/** Requested now (at the replicas the workloads have) and if all were awake. */
export function requestedBy(
  workloads: KubeObject[],
  defaults: Record<string, string> = {},
): { now: Requested; awake: Requested } {
  const now = { cpu: 0, memory: 0 }
  const awake = { cpu: 0, memory: 0 }
  for (const w of workloads) {
    if (w.kind !== 'Deployment' && w.kind !== 'StatefulSet') continue
    const one = podRequests(w, defaults)
    const replicas = (w.spec as { replicas?: number } | undefined)?.replicas ?? 1
    const kept = Number(w.metadata.annotations?.[ANNOTATION.replicasBeforeSleep] ?? replicas)
    now.cpu += one.cpu * replicas
    now.memory += one.memory * replicas
    awake.cpu += one.cpu * (Number.isFinite(kept) ? kept : replicas)
    awake.memory += one.memory * (Number.isFinite(kept) ? kept : replicas)
  }
  return { now, awake }
}

export const formatCpu = (milli: number) =>
  milli >= 1000 ? `${(milli / 1000).toFixed(2)} CPU` : `${Math.round(milli)}m CPU`
export const formatMemory = (bytes: number) =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`
