// README.md's footprint table is computed from the rendered templates by scripts/footprint.ts, not by hand.
import { readFileSync } from 'node:fs'
import { expect, test } from '@jest/globals'
import { END, footprintOf, formattedFootprint, README, START } from '../scripts/footprint.js'

test("README.md's footprint section is what scripts/footprint.ts computes from the templates", async () => {
  const readme = readFileSync(README, 'utf8')
  const shown = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length)
  // If this fails after a change to the templates: npx tsx scripts/footprint.ts --write
  expect(shown).toBe(await formattedFootprint())
})

test('the footprint counts every replica of every Deployment and StatefulSet, and Autopilot raises small pods', () => {
  const pod = (cpu: string, memory: string) => ({
    containers: [
      { resources: { requests: { cpu, memory, 'ephemeral-storage': '1Gi' }, limits: { memory } } },
    ],
  })
  const f = footprintOf([
    {
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, template: { spec: pod('100m', '1Gi') } },
    },
    { kind: 'StatefulSet', metadata: { name: 'es' }, spec: { template: { spec: pod('100m', '1300Mi') } } },
    { kind: 'StatefulSet', metadata: { name: 'redis' }, spec: { template: { spec: pod('10m', '64Mi') } } },
    { kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec: pod('1', '8Gi') } } },
  ])
  expect(f.pods).toBe(4)
  expect(f.cpu).toBeCloseTo(0.31)
  expect(f.memory).toBeCloseTo(2 + 1300 / 1024 + 1 / 16)
  expect(f.disk).toBe(4)
  // At most 6.5 GiB per vCPU: 1 GiB is billed with 0.154 vCPU, 1300 MiB with 0.195; redis is raised to 50m.
  expect(f.autopilotCpu).toBeCloseTo(2 * (1 / 6.5) + 1300 / 1024 / 6.5 + 0.05)
})
