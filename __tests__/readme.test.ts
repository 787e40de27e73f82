// The README's quick start must work as pasted: it may use only inputs action.yml declares, and every required one.
import { readFileSync } from 'node:fs'
import { expect, test } from '@jest/globals'
import { parse } from 'yaml'

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')

test('the README quick-start workflow uses exactly the inputs action.yml declares', () => {
  const action = parse(read('action.yml')) as {
    inputs: Record<string, { required?: boolean }>
    outputs: Record<string, unknown>
  }
  const blocks = [...read('README.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
  const workflow = blocks.map((b) => parse(b) as Record<string, unknown>).find((w) => w && 'jobs' in w) as {
    jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown>; run?: string }> }>
  }
  expect(workflow).toBeDefined()
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps)
  const step = steps.find((s) => s.uses?.startsWith('kube-pr-preview/'))!
  const used = Object.keys(step.with ?? {})
  for (const name of used) expect(Object.keys(action.inputs)).toContain(name)
  for (const [name, spec] of Object.entries(action.inputs)) if (spec.required) expect(used).toContain(name)
  for (const m of steps.flatMap((s) => [...(s.run ?? '').matchAll(/outputs\.([a-z-]+)/g)]))
    expect(Object.keys(action.outputs)).toContain(m[1])
})
