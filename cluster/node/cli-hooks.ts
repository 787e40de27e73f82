// The real node's part of `cluster/cli.ts`: build it before the supervisor starts, print its lines once the
// cluster is up, and remove what is left of it on `down`.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readJson } from '../paths.ts'
import { cleanupSlotsOf } from './host.ts'
import { imageStore } from './image-store.ts'
import { buildFile, type NodeBuild } from './node.ts'
import type { RealNodeInfo } from './plan.ts'

const here = import.meta.dirname

/**
 * Builds (first time) the node's binaries and images and records them for the supervisor. The real node is
 * left out, with the reason said, when PREVIEW_REAL_NODE=0 or when not running as root.
 */
export async function buildRealNode(clusterDir: string, say: (msg: string) => void): Promise<void> {
  if (process.env.PREVIEW_REAL_NODE === '0') return say('PREVIEW_REAL_NODE=0: no real node')
  if (process.getuid?.() !== 0) return say('not root: no real node (it needs network namespaces and mounts)')
  const last = (script: string) => {
    const r = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`${script} failed (see the messages above)`)
    return r.stdout.trim().split('\n').at(-1)!
  }
  const bin = last(join(here, 'build.sh'))
  const images = last(join(here, '..', 'images', 'build.sh'))
  const build: NodeBuild = {
    bin,
    store: await imageStore(images, say),
    toolsImage: 'preview.local/tools:1',
    pauseImage: 'preview.local/pause:1',
  }
  writeFileSync(buildFile(clusterDir), JSON.stringify(build, null, 2))
}

/** REAL_NODE= and TOOLS_IMAGE= lines (empty when the cluster has no real node). */
export function realNodeLines(clusterDir: string): string[] {
  const info = readJson<RealNodeInfo>(join(clusterDir, 'real-node.json'))
  return [`REAL_NODE=${info?.name ?? ''}`, `TOOLS_IMAGE=${info?.toolsImage ?? ''}`]
}

export function cleanupRealNode(clusterDir: string, say: (msg: string) => void): void {
  const done = cleanupSlotsOf(clusterDir)
  if (done.length) say(`real node: ${done.join(', ')}`)
}
