// Fails when a workflow of the project or of README.md uses a release of GitHub's own actions that runs on
// Node 20, deprecated on GitHub's runners (actionlint only flags older ones). The table holds the first major of
// each that runs on Node 24; actions not in it are not checked. Run: node scripts/node24-actions.ts
import { readdirSync, readFileSync } from 'node:fs'

const FIRST_NODE24_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/cache': 5,
  'actions/setup-go': 6,
  'actions/upload-artifact': 6,
  'actions/download-artifact': 7,
}

const root = new URL('../', import.meta.url)
const workflows = new URL('.github/workflows/', root)
const files = [
  'README.md',
  ...readdirSync(workflows)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `.github/workflows/${f}`),
]

const problems: string[] = []
for (const file of files) {
  readFileSync(new URL(file, root), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /uses:\s*['"]?(actions\/[\w-]+)@v(\d+)/.exec(line)
      const first = m && FIRST_NODE24_MAJOR[m[1]!]
      if (m && first && Number(m[2]) < first)
        problems.push(`${file}:${i + 1}: ${m[1]}@v${m[2]} runs on Node 20: use ${m[1]}@v${first} or newer`)
    })
}
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`${files.length} files use only Node 24 releases of GitHub's actions`)
