// The deploy's smoke check step: once every workload is ready, request each preview URL through the front door
// (src/smoke/) and say per service what it answered, in the log; a warning annotation for what is only suspicious.
import { smokeCheck, type SmokeResult } from '../../smoke/check.js'
import { declaredSmokePaths, smokeTargets } from '../../smoke/targets.js'
import type { KubeObject } from '../../shared/kube-object.js'
import type { Run } from './run.js'

/** How long a URL that may heal (404, 5xx, refused, timed out) is asked again: a controller picks a route up in seconds. */
export const SMOKE_RETRY_MS = 20_000

export async function smokeStep(
  r: Run,
  objects: KubeObject[],
  urls: Record<string, string>,
): Promise<SmokeResult[]> {
  const s = r.o.smoke
  if (!s || Object.keys(urls).length === 0) return []
  return r.log.group('Smoke check', async () => {
    const targets = smokeTargets(urls, declaredSmokePaths(objects), s.paths)
    const results = await smokeCheck(s.probe, targets, {
      scheme: r.plan.scheme,
      connectTo: s.connectTo,
      basicAuth: s.basicAuth,
      retryMs: SMOKE_RETRY_MS,
      deadline: Math.max(r.deadline, Date.now() + 2_000),
    })
    for (const x of results) {
      const line = smokeLine(x)
      if (x.outcome === 'warn') r.log.warning(line)
      else r.log.info(line)
    }
    return results
  })
}

/** `web: 200 OK in 84 ms (https://pr-7.example.com/up)` */
export const smokeLine = (x: SmokeResult) => `${x.service}: ${x.text} (${x.url})`
