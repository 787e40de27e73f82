// dist/licenses.txt: the licence of every package bundled into dist/, from the bundler's own module lists (the
// webpack stats that `ncc build --stats-out` writes, one per bundle). ncc's --license left most packages out: its
// licence plugin writes one file per chunk under the same name, so the lazily loaded chunk's list (953.index.js)
// replaced the main chunk's (@actions/*, @octokit/*, handlebars, yaml…), and it skipped modules that webpack
// concatenated (ES modules: openid-client, jsonpath-plus…).
//   tsx scripts/licenses.ts write <stats.json>...   writes dist/licenses.txt (npm run bundle does)
//   tsx scripts/licenses.ts check <stats.json>...   fails when a bundled package is not in it with its licence
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  bundledPackageDirs,
  formatLicenses,
  heading,
  listedWithText,
  type BundledPackage,
  type StatsModule,
} from './bundled-packages.js'

const ROOT = resolve(new URL('..', import.meta.url).pathname)
const OUTPUT = join(ROOT, 'dist', 'licenses.txt')
const LICENSE_FILE = /^(un)?licen[cs]e([.-].*)?$|^copying([.-].*)?$/i
const NOTICE_FILE = /^notice([.-].*)?$/i

function readPackage(dir: string): BundledPackage {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string
    version: string
    license?: string | { type: string }
    licenses?: Array<{ type: string }>
    repository?: string | { url: string }
  }
  const license =
    typeof pkg.license === 'string'
      ? pkg.license
      : (pkg.license?.type ?? pkg.licenses?.map((l) => l.type).join(' OR ') ?? 'UNKNOWN')
  const files = readdirSync(dir).sort()
  const texts = [
    ...files.filter((f) => LICENSE_FILE.test(f)),
    ...files.filter((f) => NOTICE_FILE.test(f)),
  ].map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n').trimEnd() }))
  const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url
  return { name: pkg.name, version: pkg.version, license, repository, texts }
}

function bundledPackages(statsFiles: string[]): BundledPackage[] {
  if (statsFiles.length === 0) throw new Error('no stats files given: run npm run bundle')
  const dirs = new Set<string>()
  for (const file of statsFiles) {
    if (!existsSync(file)) throw new Error(`${file} does not exist: run npm run bundle`)
    const stats = JSON.parse(readFileSync(file, 'utf8')) as { modules: StatsModule[] }
    for (const dir of bundledPackageDirs(stats.modules, ROOT)) dirs.add(dir)
  }
  const byHeading = new Map([...dirs].map((d) => readPackage(d)).map((p) => [heading(p), p]))
  // Code-point order, the same on every machine (localeCompare is not).
  const order = (p: BundledPackage) => `${p.name}\u0000${p.version}`
  return [...byHeading.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
}

const [mode, ...statsFiles] = process.argv.slice(2)
const packages = bundledPackages(statsFiles)
if (mode === 'write') {
  const noText = packages.filter((p) => p.texts.length === 0)
  if (noText.length > 0)
    throw new Error(
      `no licence file in ${noText.map((p) => `${p.name} ${p.version}`).join(', ')}: a bundled package must ship ` +
        'its licence text (find it in its repository, and vendor it, or do not bundle the package)',
    )
  writeFileSync(OUTPUT, formatLicenses(packages))
  console.log(`dist/licenses.txt: ${packages.length} bundled packages with their licences`)
} else if (mode === 'check') {
  const listed = existsSync(OUTPUT) ? listedWithText(readFileSync(OUTPUT, 'utf8')) : new Set<string>()
  const missing = packages.map(heading).filter((h) => !listed.has(h))
  if (missing.length > 0) {
    console.error(
      `dist/licenses.txt lacks ${missing.length} of the ${packages.length} bundled packages (or their licence text):`,
    )
    for (const h of missing) console.error(`  ${h}`)
    console.error('run npm run bundle and commit dist/')
    process.exit(1)
  }
  console.log(`dist/licenses.txt lists all ${packages.length} bundled packages with their licence text`)
} else {
  throw new Error('usage: tsx scripts/licenses.ts write|check <stats.json>...')
}
