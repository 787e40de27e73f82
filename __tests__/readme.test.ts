// The README's workflows must work as pasted: they may use only inputs action.yml declares, every required one,
// and only outputs it declares.
import { readFileSync } from 'node:fs'
import { expect, test } from '@jest/globals'
import { parse } from 'yaml'

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')

interface Workflow {
  jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown>; run?: string }> }>
}

test('every README workflow uses exactly the inputs and outputs action.yml declares', () => {
  const action = parse(read('action.yml')) as {
    inputs: Record<string, { required?: boolean }>
    outputs: Record<string, unknown>
  }
  const workflows = [...read('README.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => parse(m[1]!) as Partial<Workflow> | null)
    .filter((w): w is Workflow => Boolean(w && w.jobs))
  expect(workflows.length).toBeGreaterThanOrEqual(2)
  for (const workflow of workflows) {
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps)
    const ours = steps.filter((s) => s.uses?.startsWith('kube-pr-preview/'))
    expect(ours.length).toBeGreaterThan(0)
    for (const step of ours) {
      const used = Object.keys(step.with ?? {})
      for (const name of used) expect(Object.keys(action.inputs)).toContain(name)
      for (const [name, spec] of Object.entries(action.inputs))
        if (spec.required) expect(used).toContain(name)
    }
    for (const m of steps.flatMap((s) => [...(s.run ?? '').matchAll(/outputs\.([a-z-]+)/g)]))
      expect(Object.keys(action.outputs)).toContain(m[1])
  }
})
