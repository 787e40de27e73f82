// Writes the inputs and outputs tables of README.md from action.yml, between the markers
// <!-- action-docs:start --> and <!-- action-docs:end -->. Run: npm run docs. CI fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

interface Action {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const root = new URL('../', import.meta.url)
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as Action
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim()

const lines = ['### Inputs', '', '| Input | Required | Default | Description |', '| --- | --- | --- | --- |']
for (const [name, i] of Object.entries(action.inputs)) {
  const def = i.default === undefined || i.default === '' ? '' : `\`${cell(i.default)}\``
  lines.push(`| \`${name}\` | ${i.required ? 'yes' : 'no'} | ${def} | ${cell(i.description)} |`)
}
lines.push('', '### Outputs', '', '| Output | Description |', '| --- | --- |')
for (const [name, o] of Object.entries(action.outputs)) lines.push(`| \`${name}\` | ${cell(o.description)} |`)

const readmeUrl = new URL('README.md', root)
const readme = readFileSync(readmeUrl, 'utf8')
const start = '<!-- action-docs:start -->'
const end = '<!-- action-docs:end -->'
if (!readme.includes(start) || !readme.includes(end))
  throw new Error(`README.md has no ${start} … ${end} markers`)
const next = `${readme.slice(0, readme.indexOf(start) + start.length)}\n<!-- generated from action.yml by npm run docs; do not edit by hand -->\n\n${lines.join('\n')}\n\n${readme.slice(readme.indexOf(end))}`
writeFileSync(readmeUrl, next)
console.log(
  `wrote ${Object.keys(action.inputs).length} inputs and ${Object.keys(action.outputs).length} outputs into README.md`,
)
