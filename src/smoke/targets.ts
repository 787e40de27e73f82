// Which URL of each preview service the smoke check requests: the service's URL (the `urls` output) with the path
// its templates declare (the kube-pr-preview.io/smoke-path annotation on its route), the smoke-paths input's
// path over that, else `/`. Pure.
import type { KubeObject } from '../shared/kube-object.js'

/** On an Ingress or HTTPRoute: the path of its service that must answer (a health check, e.g. Rails' /up). */
export const SMOKE_PATH_ANNOTATION = 'kube-pr-preview.io/smoke-path'
const SERVICE_ANNOTATION = 'kube-pr-preview.io/service'

export interface SmokeTarget {
  service: string
  /** The URL requested: the service's URL and its path. */
  url: string
  /** The path was declared (by the templates or the smoke-paths input): a 404 there fails the run. */
  declared: boolean
}

/** service → path, from the smoke-path annotations of the rendered routes. */
export function declaredSmokePaths(objects: KubeObject[]): Record<string, string> {
  const paths: Record<string, string> = {}
  for (const o of objects) {
    if (o.kind !== 'Ingress' && o.kind !== 'HTTPRoute') continue
    const path = o.metadata.annotations?.[SMOKE_PATH_ANNOTATION]?.trim()
    if (!path) continue
    const service = o.metadata.annotations?.[SERVICE_ANNOTATION] ?? o.metadata.name
    paths[service] ??= path
  }
  return paths
}

export function smokeTargets(
  urls: Record<string, string>,
  declared: Record<string, string>,
  input: Record<string, string>,
): SmokeTarget[] {
  return Object.entries(urls).map(([service, base]) => {
    const path = input[service] ?? declared[service]
    return { service, url: new URL(path ?? '/', base).toString(), declared: path !== undefined }
  })
}
