// actionlint lints the README's workflows from these files: this action pointed at the local action.yml, `with:`
// examples wrapped in a workflow, and every line where it is in the README.
import { expect, test } from '@jest/globals'
import { readmeWorkflows } from '../scripts/readme-workflow-files.js'

const README = [
  '# Title', // 1
  '',
  '```yaml', // 3
  'on: pull_request', // 4
  'jobs:',
  '  preview:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v7',
  '      - uses: kube-pr-preview/kube-pr-preview@v1 # pinned', // 10
  '        with:',
  '          kubeconfig: x',
  '```',
  '',
  'Some inputs:',
  '',
  '',
  '',
  '',
  '```yaml', // 20
  'with:', // 21
  '  domain: preview.example.com',
  '  values: |',
  '    web: {replicas: 2}',
  '```',
  '',
  '```yaml',
  'kind: ClusterRole',
  '```',
  '',
].join('\n')

test('workflows and with: examples keep their README lines; this action becomes the local one', () => {
  const [workflow, example, ...others] = readmeWorkflows(README)
  expect(others).toEqual([])
  const lines = (text: string) => text.split('\n')
  expect(workflow!.line).toBe(4)
  expect(workflow!.ours).toBe(1)
  expect(lines(workflow!.text)[10 - 1]).toBe('      - uses: ./ # pinned')
  expect(lines(workflow!.text)[9 - 1]).toBe('      - uses: actions/checkout@v7')
  expect(example!.line).toBe(21)
  expect(lines(example!.text).slice(15 - 1, 24)).toEqual([
    'on: push',
    'jobs:',
    '  readme:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: ./',
    '        with:',
    '          domain: preview.example.com',
    '          values: |',
    '            web: {replicas: 2}',
  ])
})
