// Test-side helpers for the local cluster's real node (cluster/node/): its name and tools image, as
// `cluster:up` printed them, and templates that place pods on it.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { testKubeconfigPath } from '../setup/cluster.js'

/** The real node of this run's cluster; a clear error when the cluster has none. */
export function realNode(): { name: string; toolsImage: string } {
  const name = process.env.PREVIEW_TEST_REAL_NODE
  const toolsImage = process.env.PREVIEW_TEST_TOOLS_IMAGE
  if (!name || !toolsImage)
    throw new Error(
      'this run has no real node (cluster:up printed an empty REAL_NODE=): see .tmp/clusters/<name>/logs/supervisor.log',
    )
  return { name, toolsImage }
}

/**
 * A pod template's spec lines that put it on the real node: it tolerates the node's taint and selects it by
 * name. Inserted before `containers:` of every pod spec in a manifest.
 */
export function onRealNode(manifest: string, node: string): string {
  return manifest.replace(/^( *)containers:$/gm, (line, indent: string) =>
    [
      `${indent}nodeSelector: { kubernetes.io/hostname: ${node} }`,
      `${indent}tolerations: [{ key: preview.local/real-node, operator: Exists, effect: NoSchedule }]`,
      line,
    ].join('\n'),
  )
}

/** A workspace whose `preview` folder holds the given templates (and the given bundled ones), on the real node. */
export function realNodeWorkspace(
  files: Record<string, string>,
  bundled: { dir: string; names: string[] } = { dir: '', names: [] },
): string {
  const { name } = realNode()
  const workspace = mkdtempSync(join(tmpdir(), 'real-node-'))
  const dir = join(workspace, 'preview')
  mkdirSync(dir)
  for (const n of bundled.names) cpSync(join(bundled.dir, n), join(dir, n))
  for (const [n, text] of Object.entries(files)) writeFileSync(join(dir, n), text)
  for (const n of [...bundled.names, ...Object.keys(files)])
    if (n !== 'values.yaml') {
      const path = join(dir, n)
      writeFileSync(path, onRealNode(readFileSync(path, 'utf8'), name))
    }
  return workspace
}

/**
 * "Pushes" an image to the real node: tags the tools image under another name in the node's containerd (what a
 * registry push followed by the kubelet's pull would give; the node has no registry to pull from).
 */
export function pushToRealNode(image: string): void {
  const info = JSON.parse(readFileSync(join(dirname(testKubeconfigPath()), 'real-node.json'), 'utf8')) as {
    slot: number
  }
  const r = spawnSync(
    'ctr',
    [
      '--address',
      `/run/preview-node/${info.slot}/containerd.sock`,
      '--namespace',
      'k8s.io',
      'images',
      'tag',
      '--force',
      realNode().toolsImage,
      image,
    ],
    { encoding: 'utf8' },
  )
  if (r.status !== 0) throw new Error(`ctr images tag ${image}: ${r.stderr.trim()}`)
}
