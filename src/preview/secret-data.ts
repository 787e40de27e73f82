// Secrets are applied with `data`, never `stringData`. The API server folds `stringData` into `data` when it
// stores a Secret, so server-side apply never owns those `data` keys: a key a template stops rendering (a URL of a
// service switched off) would stay in the Secret forever. Applied as `data`, it is removed like any other field.
// Kubernetes' own rule is kept: a key in both takes the `stringData` value. Pure.
import type { KubeObject } from '../shared/kube-object.js'

export function withSecretData(o: KubeObject): KubeObject {
  if (o.kind !== 'Secret' || o.apiVersion !== 'v1' || !isMapping(o.stringData)) return o
  const { stringData, ...rest } = o as KubeObject & { stringData: Record<string, unknown> }
  const data = isMapping(rest.data) ? { ...(rest.data as Record<string, unknown>) } : {}
  for (const [k, v] of Object.entries(stringData))
    data[k] = Buffer.from(v === null || v === undefined ? '' : String(v)).toString('base64')
  return { ...rest, data }
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
