// Test-side access to this run's local cluster (through @kubernetes/client-node), for setting up and asserting.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as k8s from '@kubernetes/client-node'
import { testKubeconfigPath } from '../setup/cluster.js'

export function testKube() {
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(testKubeconfigPath())
  return {
    kc,
    kubeconfigText: readFileSync(testKubeconfigPath(), 'utf8'),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    networking: kc.makeApiClient(k8s.NetworkingV1Api),
  }
}

/** Polls until ok(value) — for test assertions only (the action itself watches). */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms
  let last: T | undefined
  let error: unknown
  while (Date.now() < deadline) {
    last = await read().catch((e: unknown) => {
      error = e
      return undefined
    })
    if (last !== undefined && ok(last)) return last
    await new Promise((r) => setTimeout(r, 200))
  }
  const seen = last === undefined && error ? `read failed: ${String(error)}` : JSON.stringify(last)
  throw new Error(`timed out waiting for ${what}; last seen: ${seen?.slice(0, 2000)}`)
}

/** A 40-character hex SHA derived from a word, so each push of a test has its own commit. */
export function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex')
}
