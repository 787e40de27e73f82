// Writes every GitHub Actions workflow of README.md (a ```yaml block with `on:` and `jobs:`) to its own file in
// the given folder, for actionlint. `uses: kube-pr-preview/kube-pr-preview@…` becomes `uses: ./`, the local
// action.yml, so that actionlint checks the inputs against it. A block that is only a step's `with:` (an example
// of some inputs) is wrapped in a workflow with one step of this action, so its inputs are checked too. Each
// file starts with blank lines so that its line numbers are the README's: an error at README.md-16.yml:33 is
// README.md line 33.
// Run: tsx scripts/readme-workflows.ts <folder inside this repository>
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readmeWorkflows } from './readme-workflow-files.js'

const [folder] = process.argv.slice(2)
if (!folder) throw new Error('usage: tsx scripts/readme-workflows.ts <folder inside this repository>')
const workflows = readmeWorkflows(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))
if (workflows.length === 0) throw new Error('README.md has no workflow (```yaml with on: and jobs:)')
rmSync(folder, { recursive: true, force: true })
mkdirSync(folder, { recursive: true })
for (const w of workflows) writeFileSync(join(folder, `README.md-${w.line}.yml`), w.text)
console.log(
  `README.md: ${workflows.length} workflows and input examples (lines ${workflows.map((w) => w.line).join(', ')}), ` +
    `${workflows.reduce((n, w) => n + w.ours, 0)} steps of this action pointed at ./action.yml`,
)
