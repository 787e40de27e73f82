// The footprint of one preview of the bundled stack, and what 20 of them cost on each platform's list prices,
// computed from the objects `kube-pr-preview render` prints (not by hand). README.md shows the result between the
// `footprint` markers:
//   npx tsx scripts/footprint.ts           prints the README section
//   npx tsx scripts/footprint.ts --write   rewrites it in README.md
// __tests__/footprint.test.ts fails when README.md and the templates disagree.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { parseAllDocuments } from 'yaml'
import { renderCommand } from '../src/cli/index.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const README = `${ROOT}README.md`
export const START = '<!-- footprint:start (npx tsx scripts/footprint.ts --write) -->'
export const END = '<!-- footprint:end -->'

type Obj = { kind: string; metadata: { name: string }; spec?: any } // eslint-disable-line @typescript-eslint/no-explicit-any
type Resources = { requests?: Record<string, string>; limits?: Record<string, string> }

/** What the running pods of a preview ask for: CPU in cores, the rest in GiB. */
export interface Footprint {
  pods: number
  cpu: number
  memory: number
  memoryLimit: number
  disk: number
  diskLimit: number
  /** What GKE Autopilot bills: each pod's requests raised to its minimums and CPU:memory ratio. */
  autopilotCpu: number
  autopilotMemory: number
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }
/** A Kubernetes quantity: cores for CPU (`100m`), bytes otherwise. */
export function quantity(q: string | undefined): number {
  if (!q) return 0
  const m = /^([0-9.]+)(m|k|M|G|Ki|Mi|Gi)?$/.exec(q)
  if (!m) throw new Error(`not a quantity: ${q}`)
  return m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]) * UNITS[m[2] ?? '']!
}
const GiB = 2 ** 30

/** Steady state: the Deployments' and StatefulSets' pods (the migrate Job has finished). */
export function footprintOf(objects: Obj[]): Footprint {
  const f: Footprint = {
    pods: 0,
    cpu: 0,
    memory: 0,
    memoryLimit: 0,
    disk: 0,
    diskLimit: 0,
    autopilotCpu: 0,
    autopilotMemory: 0,
  }
  for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
    const replicas = Number(o.spec.replicas ?? 1)
    const containers = o.spec.template.spec.containers as Array<{ resources?: Resources }>
    const sum = (field: 'requests' | 'limits', what: string) =>
      containers.reduce((n, c) => n + quantity(c.resources?.[field]?.[what]), 0)
    const [cpu, memory] = [sum('requests', 'cpu'), sum('requests', 'memory') / GiB]
    f.pods += replicas
    f.cpu += cpu * replicas
    f.memory += memory * replicas
    f.memoryLimit += (sum('limits', 'memory') / GiB) * replicas
    f.disk += (sum('requests', 'ephemeral-storage') / GiB) * replicas
    f.diskLimit += (sum('limits', 'ephemeral-storage') / GiB) * replicas
    // Autopilot (general-purpose): at least 50m CPU and 52 MiB per pod, and at most 6.5 GiB per vCPU.
    const billedCpu = Math.max(cpu, 0.05, memory / 6.5)
    f.autopilotCpu += billedCpu * replicas
    f.autopilotMemory += Math.max(memory, 52 / 1024, billedCpu) * replicas
  }
  return f
}

/** On-demand list prices (USD), 2025. Nodes: allocatable as the platform reserves it, approximately. */
export const PLATFORMS = {
  autopilot: {
    name: 'GKE Autopilot',
    where: 'us-central1, general-purpose pods: $0.0445 per vCPU-hour, $0.0049225 per GiB-hour',
    cpuHour: 0.0445,
    gibHour: 0.0049225,
  },
  nodes: [
    {
      name: 'GKE Standard',
      where: 'us-central1, e2-standard-4 (4 vCPU, 16 GiB) at $0.134 an hour; 3.92 vCPU, 13.3 GiB allocatable',
      hour: 0.134012,
      cpu: 3.92,
      memory: 13.3,
      maxPods: 110,
    },
    {
      name: 'EKS',
      where:
        'us-east-1, m6i.xlarge (4 vCPU, 16 GiB) at $0.192 an hour; 3.92 vCPU, 14.3 GiB, 58 pods (VPC CNI)',
      hour: 0.192,
      cpu: 3.92,
      memory: 14.3,
      maxPods: 58,
    },
    {
      name: 'AKS',
      where: 'East US, Standard_D4s_v5 (4 vCPU, 16 GiB) at $0.192 an hour; 3.86 vCPU, 13.5 GiB allocatable',
      hour: 0.192,
      cpu: 3.86,
      memory: 13.5,
      maxPods: 110,
    },
  ],
  /** The control plane's fee (GKE, EKS, AKS Standard tier): per cluster, not per preview. */
  clusterHour: 0.1,
  /** GitHub-hosted runners kind runs on, and what kind's own pods (control plane, CNI, DNS) take of them. */
  runners: [
    { name: "a public repository's runner (4 vCPU, 16 GB)", cpu: 4, memory: 16 * 0.93 },
    { name: "a private repository's standard runner (2 vCPU, 7 GB)", cpu: 2, memory: 7 * 0.93 },
  ],
  kindSystem: { cpu: 0.95, memory: 0.75 },
}
const HOURS_A_MONTH = 730

const num = (n: number, digits = 2) => n.toFixed(digits)
const money = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`

function row(label: string, f: Footprint, times = 1): string {
  return `| ${label} | ${f.pods * times} | ${num(f.cpu * times)} | ${num(f.memory * times)} GiB | ${num(f.memoryLimit * times)} GiB | ${num(f.disk * times)} GiB | ${num(f.diskLimit * times)} GiB |`
}

/** Nodes of a shape that hold `previews` previews by their requests (system pods not counted). */
function nodesFor(f: Footprint, shape: (typeof PLATFORMS.nodes)[number], previews: number): number {
  return Math.ceil(
    Math.max(
      (f.cpu * previews) / shape.cpu,
      (f.memory * previews) / shape.memory,
      (f.pods * previews) / shape.maxPods,
    ),
  )
}

function costRows(label: string, f: Footprint, previews: number): string[] {
  const a = PLATFORMS.autopilot
  const autopilot = (f.autopilotCpu * a.cpuHour + f.autopilotMemory * a.gibHour) * previews * HOURS_A_MONTH
  return [
    `| ${label} | ${a.name} | ${num(f.autopilotCpu * previews, 1)} vCPU, ${num(f.autopilotMemory * previews, 1)} GiB billed | ${money(autopilot)} |`,
    ...PLATFORMS.nodes.map((shape) => {
      const n = nodesFor(f, shape, previews)
      return `| ${label} | ${shape.name} | ${n} nodes | ${money(n * shape.hour * HOURS_A_MONTH)} |`
    }),
  ]
}

/** The README section: one preview's footprint with and without Kibana, and 20 previews' monthly cost. */
export function footprintMarkdown(render: (values: string) => Obj[] = renderBundled): string {
  const base = footprintOf(render(''))
  const kibana = footprintOf(render('kibana: {enabled: true}'))
  const seed = footprintOf(render('kibana: {enabled: true}\nworker: {enabled: true}'))
  const PREVIEWS = 20
  return [
    START,
    '',
    '| Running pods of one preview | Pods | CPU requests | Memory requests | Memory limits | Disk requests | Disk limits |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('Defaults (no Kibana, no worker)', base),
    row('With Kibana', kibana),
    row('With Kibana and the Sidekiq worker', seed),
    row(`${PREVIEWS} previews, defaults`, base, PREVIEWS),
    row(`${PREVIEWS} previews with Kibana`, kibana, PREVIEWS),
    '',
    `What ${PREVIEWS} always-on previews cost a month (${HOURS_A_MONTH} hours) at on-demand list prices, by their requests:`,
    '',
    '| Stack | Platform | Capacity | A month |',
    '| --- | --- | --- | --- |',
    ...costRows('Defaults', base, PREVIEWS),
    ...costRows('With Kibana', kibana, PREVIEWS),
    '',
    `Prices and node shapes (2025): ${[PLATFORMS.autopilot, ...PLATFORMS.nodes].map((p) => `${p.name}: ${p.where}`).join('; ')}. ` +
      `Node counts leave out system pods (DaemonSets, DNS); each cluster adds its control plane's fee ` +
      `($${num(PLATFORMS.clusterHour)} an hour, ${money(PLATFORMS.clusterHour * HOURS_A_MONTH)} a month; AKS's free tier has none). ` +
      `kind runs one preview on a CI runner, next to kind's own pods (about ${PLATFORMS.kindSystem.cpu} CPU and ` +
      `${PLATFORMS.kindSystem.memory} GiB of requests): ${PLATFORMS.runners.map((r) => `${r.name} ${fits(kibana, r) ? 'holds it with Kibana' : fits(base, r) ? 'holds the defaults, not Kibana' : 'does not hold it'}`).join('; ')}.`,
    '',
    END,
  ].join('\n')
}

const fits = (f: Footprint, r: { cpu: number; memory: number }) =>
  f.cpu + PLATFORMS.kindSystem.cpu <= r.cpu && f.memory + PLATFORMS.kindSystem.memory <= r.memory

function renderBundled(values: string): Obj[] {
  const text = renderCommand({ pr: '1', templates: '', values }, ROOT)
  return parseAllDocuments(text).map((d) => d.toJS() as Obj)
}

/** The section as README.md holds it: formatted by Prettier with the repository's settings (tables aligned). */
export async function formattedFootprint(section = footprintMarkdown()): Promise<string> {
  const options = (await resolveConfig(README)) ?? {}
  return (await format(section, { ...options, parser: 'markdown' })).trimEnd()
}

/** README.md with its footprint section replaced. */
export function withFootprint(readme: string, section: string): string {
  const [a, b] = [readme.indexOf(START), readme.indexOf(END)]
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} section`)
  return readme.slice(0, a) + section + readme.slice(b + END.length)
}

if (process.argv[1] && /footprint\.ts$/.test(process.argv[1])) {
  const section = await formattedFootprint()
  if (process.argv.includes('--write'))
    writeFileSync(README, withFootprint(readFileSync(README, 'utf8'), section))
  else process.stdout.write(`${section}\n`)
}
