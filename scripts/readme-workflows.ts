// Writes every GitHub Actions workflow of README.md (a ```yaml block with `on:` and `jobs:`) to its own file in
// the given folder, for actionlint. `uses: kube-pr-preview/kube-pr-preview@…` becomes `uses: ./`, the local
// action.yml, so that actionlint checks the inputs against it. A block that is only a step's `with:` (an example
// of some inputs) is wrapped in a workflow with one step of this action, so its inputs are checked too. Each
// file starts with blank lines so that its line numbers are the README's: an error at README.md-16.yml:33 is
// README.md line 33.
// Run: node scripts/readme-workflows.ts <folder inside this repository>
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const THIS_ACTION = /(uses:\s*)kube-pr-preview\/kube-pr-preview@[^\s#]+/g

interface ReadmeWorkflow {
  /** Line of README.md where the YAML starts (the line after the fence). */
  line: number
  /** The YAML, preceded by line - 1 blank lines, with this action's `uses:` pointed at the local action. */
  text: string
  /** How many steps used this action. */
  ours: number
}

// A step's `with:` alone, as a workflow: the header goes on the blank lines before the block, so lines stay.
const WITH_ONLY_HEADER = [
  'on: push',
  'jobs:',
  '  readme:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: ./',
]

/** The README's workflows: YAML blocks that parse to a mapping with `on` and `jobs`, or with only `with`. */
function readmeWorkflows(readme: string): ReadmeWorkflow[] {
  const workflows: ReadmeWorkflow[] = []
  for (const m of readme.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
    const yaml = m[1]!
    let doc: unknown
    try {
      doc = parse(yaml)
    } catch {
      doc = null // not a workflow; a broken workflow would still have to parse to be linted
    }
    if (!doc || typeof doc !== 'object') continue
    const keys = Object.keys(doc)
    const line = readme.slice(0, m.index).split('\n').length + 1
    if (keys.includes('jobs') && keys.includes('on')) {
      const ours = [...yaml.matchAll(THIS_ACTION)].length
      workflows.push({ line, ours, text: '\n'.repeat(line - 1) + yaml.replace(THIS_ACTION, '$1./') })
    } else if (keys.length === 1 && keys[0] === 'with' && line > WITH_ONLY_HEADER.length) {
      const padding = '\n'.repeat(line - 1 - WITH_ONLY_HEADER.length)
      const step = yaml.replace(/^(?=.)/gm, '        ')
      workflows.push({ line, ours: 1, text: `${padding}${WITH_ONLY_HEADER.join('\n')}\n${step}` })
    }
  }
  return workflows
}

const [folder] = process.argv.slice(2)
if (!folder) throw new Error('usage: node scripts/readme-workflows.ts <folder inside this repository>')
const workflows = readmeWorkflows(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))
if (workflows.length === 0) throw new Error('README.md has no workflow (```yaml with on: and jobs:)')
rmSync(folder, { recursive: true, force: true })
mkdirSync(folder, { recursive: true })
for (const w of workflows) writeFileSync(join(folder, `README.md-${w.line}.yml`), w.text)
console.log(
  `README.md: ${workflows.length} workflows and input examples (lines ${workflows.map((w) => w.line).join(', ')}), ` +
    `${workflows.reduce((n, w) => n + w.ours, 0)} steps of this action pointed at ./action.yml`,
)
