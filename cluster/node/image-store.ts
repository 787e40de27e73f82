// The node's images, imported into a containerd store once and cached beside the image tarballs; each cluster's
// containerd starts from a hard-linked copy of that store. Importing ~600 MB into a fresh store takes 20 s and
// more on a busy machine; linking it takes well under a second. Linked files are safe to share: content blobs
// and unpacked layers are never written in place (containers write to their own overlay upper directories),
// and the two bolt databases, which are, are copied instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const DATABASES = [
  'io.containerd.metadata.v1.bolt/meta.db',
  'io.containerd.snapshotter.v1.overlayfs/metadata.db',
]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function containerdVersion(): string {
  const r = spawnSync('containerd', ['--version'], { encoding: 'utf8' })
  return (r.stdout.split(' ')[2] ?? 'unknown').replace(/[^\w.~+-]/g, '_')
}

/** The cached store for these images and this containerd; made (with a temporary containerd) when missing. */
export async function imageStore(images: string, say: (msg: string) => void): Promise<string> {
  const store = join(images, `containerd-${containerdVersion()}`)
  if (existsSync(join(store, 'ready'))) return store
  // One import at a time (several test runs may start cold together): a lock folder, stale after 10 minutes.
  const lock = `${store}.lock`
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (existsSync(join(store, 'ready'))) return store
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 600_000)
        rmSync(lock, { force: true, recursive: true })
      await sleep(500)
    }
  }
  try {
    if (!existsSync(join(store, 'ready'))) await importStore(images, store, say)
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
  return store
}

async function importStore(images: string, store: string, say: (msg: string) => void): Promise<void> {
  const started = Date.now()
  say(`importing the node's images into a containerd store (first time only): ${store}`)
  const tmp = `${store}.tmp-${process.pid}`
  const run = join('/run/preview-node', `import-${process.pid}`)
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(run, { recursive: true })
  const config = join(run, 'config.toml')
  writeFileSync(
    config,
    `version = 2
root = "${tmp}"
state = "${join(run, 'state')}"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "${join(run, 'c.sock')}"
[ttrpc]
  address = "${join(run, 'c.sock.ttrpc')}"
[plugins."io.containerd.runtime.v1.linux"]
  runtime_root = "${join(run, 'runc-v1')}"
`,
  )
  const daemon = spawn('containerd', ['--config', config, '--log-level', 'error'], { stdio: 'inherit' })
  try {
    const ctr = (...args: string[]) =>
      spawnSync('ctr', ['--address', join(run, 'c.sock'), '--namespace', 'k8s.io', ...args], {
        encoding: 'utf8',
      })
    const deadline = Date.now() + 30_000
    while (ctr('version').status !== 0) {
      if (Date.now() > deadline) throw new Error('the temporary containerd did not start')
      await sleep(100)
    }
    for (const tar of ['base.tar', 'standins.tar']) {
      const r = ctr('images', 'import', join(images, tar))
      if (r.status !== 0) throw new Error(`ctr images import ${tar}: ${r.stderr.trim()}`)
    }
  } finally {
    daemon.kill('SIGTERM')
    await new Promise((r) => daemon.once('exit', r))
    rmSync(run, { recursive: true, force: true })
  }
  writeFileSync(join(tmp, 'ready'), '')
  rmSync(store, { recursive: true, force: true })
  renameSync(tmp, store)
  say(`images imported in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** A containerd root for one node: hard links to the cached store, with its own copies of the databases. */
export async function linkStore(store: string, root: string): Promise<void> {
  rmSync(root, { recursive: true, force: true })
  if ((await cp('-al', store, root)) !== '') {
    // Another filesystem: copy (slower, same result).
    rmSync(root, { recursive: true, force: true })
    const err = await cp('-a', store, root)
    if (err) throw new Error(`copying the image store: ${err}`)
  }
  for (const db of DATABASES) {
    if (!existsSync(join(root, db))) continue
    const err = await cp('--remove-destination', join(store, db), join(root, db))
    if (err) throw new Error(`copying ${db}: ${err}`)
  }
  rmSync(join(root, 'ready'), { force: true })
}

/** Runs cp without blocking (the control plane starts meanwhile); resolves to its error text, '' when it worked. */
function cp(...args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('cp', args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('error', (e) => resolve(e.message))
    p.on('exit', (code) => resolve(code === 0 ? '' : err.trim() || `exit ${code}`))
  })
}
