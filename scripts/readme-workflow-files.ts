// README.md's workflows as files for actionlint: pure, from the README's text. scripts/readme-workflows.ts writes
// them. This action's `uses:` points at the local action.yml (`./`), so actionlint checks inputs against it; a
// block that is only a step's `with:` is wrapped in a one-step workflow of this action; line numbers stay the
// README's.
import { parse } from 'yaml'

const THIS_ACTION = /(uses:\s*)kube-pr-preview\/kube-pr-preview@[^\s#]+/g

export interface ReadmeWorkflow {
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
export function readmeWorkflows(readme: string): ReadmeWorkflow[] {
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
