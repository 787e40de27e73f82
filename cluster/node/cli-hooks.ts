// The real node's part of `cluster/cli.ts`: build it before the supervisor starts, print its lines once the
// cluster is up, and remove what is left of it on `down`.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readJson } from '../paths.ts'
import { cleanupSlotsOf } from './host.ts'
import { imageStore } from './image-store.ts'
import { buildFile, type NodeBuild } from './node.ts'
import type { RealNodeInfo } from './plan.ts'

const here = import.meta.dirname

/** Runs a build script without blocking; resolves to the last line it printed (the folder it built into). */
function runScript(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    p.on('error', reject)
    p.on('exit', (code) =>
      code === 0
        ? resolve(out.trim().split('\n').at(-1)!)
        : reject(new Error(`${script} failed (see the messages above)`)),
    )
  })
}

/**
 * Builds (first time) the node's binaries and images and records them for the supervisor. The images (mostly
 * downloads) start at once, beside the control plane's build; the node's Go build waits for `finish`, called
 * once the control plane is built, so that the two Go builds do not fight over the cores. The real node is left
 * out, with the reason said, when PREVIEW_REAL_NODE=0 or when not running as root.
 */
export function startRealNodeBuild(
  clusterDir: string,
  say: (msg: string) => void,
): { finish(): Promise<void> } {
  if (process.env.PREVIEW_REAL_NODE === '0')
    return { finish: async () => say('PREVIEW_REAL_NODE=0: no real node') }
  if (process.getuid?.() !== 0)
    return { finish: async () => say('not root: no real node (it needs network namespaces and mounts)') }
  const images = runScript(join(here, '..', 'images', 'build.sh'))
  images.catch(() => {}) // awaited in finish
  return {
    async finish() {
      const bin = await runScript(join(here, 'build.sh'))
      const build: NodeBuild = {
        bin,
        store: await imageStore(await images, say),
        toolsImage: 'preview.local/tools:1',
        pauseImage: 'preview.local/pause:1',
      }
      writeFileSync(buildFile(clusterDir), JSON.stringify(build, null, 2))
    },
  }
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
