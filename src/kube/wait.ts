// Waiting for a preview's workloads: one watch per kind in the preview's namespace (not one per object, and no
// sleep loops), until every workload is ready, one has failed for good, or the deadline passes.
import type { KubeObject } from '../render.js'
import type { Kube } from './client.js'
import { readiness, WAITED_KINDS, type Readiness } from './readiness.js'
import { refKey, refOf } from './resources.js'

export interface WorkloadStatus {
  object: KubeObject
  readiness: Readiness
}

export interface WaitResult {
  outcome: 'ready' | 'failed' | 'timeout'
  workloads: WorkloadStatus[]
}

export function waitedWorkloads(objects: KubeObject[]): KubeObject[] {
  return objects.filter((o) => WAITED_KINDS.has(o.kind))
}

export async function waitForWorkloads(
  kube: Kube,
  namespace: string,
  selector: string,
  workloads: KubeObject[],
  deadline: number,
  onChange: (w: WorkloadStatus) => void = () => undefined,
): Promise<WaitResult> {
  const latest = new Map<string, WorkloadStatus>()
  for (const o of workloads) latest.set(refKey(refOf(o)), { object: o, readiness: readiness(o) })
  const result = (): WorkloadStatus[] => [...latest.values()]
  const settled = () => {
    const all = result()
    if (all.some((w) => w.readiness.state === 'failed')) return 'failed'
    if (all.every((w) => w.readiness.state === 'ready')) return 'ready'
    return null
  }
  if (workloads.length === 0) return { outcome: 'ready', workloads: [] }

  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()))
  const update = (obj: KubeObject) => {
    const key = refKey(refOf(obj))
    const known = latest.get(key)
    if (!known) return // an object of the same kind that the templates do not render
    const next = { object: obj, readiness: readiness(obj) }
    latest.set(key, next)
    if (next.readiness.message !== known.readiness.message || next.readiness.state !== known.readiness.state)
      onChange(next)
    if (settled()) controller.abort()
  }

  const kinds = new Map<string, { apiVersion: string; kind: string }>()
  for (const o of workloads)
    kinds.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind })

  const watchKind = async ({ apiVersion, kind }: { apiVersion: string; kind: string }) => {
    // List, then watch from the list's resourceVersion; a watch the server ends is started again the same way.
    while (!controller.signal.aborted) {
      const list = await kube.list(apiVersion, kind, namespace, { labelSelector: selector })
      for (const item of list.items) update({ ...item, apiVersion, kind })
      if (controller.signal.aborted) return
      try {
        await kube.watch(
          apiVersion,
          kind,
          namespace,
          { labelSelector: selector, resourceVersion: list.metadata.resourceVersion },
          (e) => {
            if (e.type === 'ADDED' || e.type === 'MODIFIED') update({ ...e.object, apiVersion, kind })
          },
          controller.signal,
        )
      } catch (e) {
        if (controller.signal.aborted) return
        // A dropped watch (apiserver restart, network blip): list and watch again after a short pause.
        await new Promise((r) => setTimeout(r, 500))
        void e
      }
    }
  }

  try {
    await Promise.all([...kinds.values()].map(watchKind))
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
  return { outcome: settled() ?? 'timeout', workloads: result() }
}
