// A fortnight of one PR, simulated (pure, no cluster): pushes on weekdays between 09:00 and 18:00, a sweep every
// 30 minutes putting the preview to sleep once its last deploy or wake is older than `sleep-after`. What the
// preview requests (memory-hours) asleep vs always on: npm run bench prints it as figure 8.

export interface FortnightOptions {
  /** `sleep-after` in ms (the issue's figure: 2 h). */
  sleepAfterMs: number
  /** How often the sweep runs, in ms (30 min). */
  sweepEveryMs: number
  /** Pushes per weekday, at times drawn between 09:00 and 18:00 (deterministic for a seed). */
  pushesPerDay: number
  seed: number
  /** Memory one awake preview requests (GiB); an asleep one requests none (Services, Secrets, volumes stay). */
  memoryGiB: number
  /** Days simulated, from a Monday 00:00 (14). */
  days: number
  /** Fixed push times (hours of the day, e.g. [9, 18]) instead of drawn ones. */
  at?: number[]
}

export interface FortnightResult {
  awakeHours: number
  hours: number
  /** Requested memory-hours with sleep, and always on. */
  sleepingGiBh: number
  alwaysOnGiBh: number
  ratio: number
  pushes: number
  sleeps: number
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A small deterministic generator (mulberry32): the same seed, the same fortnight. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Push times (ms from Monday 00:00): weekdays only, between 09:00 and 18:00, sorted. */
export function pushTimes(o: Pick<FortnightOptions, 'days' | 'pushesPerDay' | 'seed' | 'at'>): number[] {
  const next = random(o.seed)
  const times: number[] = []
  for (let day = 0; day < o.days; day++) {
    if (day % 7 >= 5) continue // Saturday, Sunday
    if (o.at) for (const h of o.at) times.push(day * DAY + h * HOUR)
    else
      for (let i = 0; i < o.pushesPerDay; i++)
        times.push(day * DAY + 9 * HOUR + Math.floor(next() * 9 * HOUR))
  }
  return times.sort((a, b) => a - b)
}

/**
 * Walks the fortnight event by event: a push deploys (and wakes) the preview; a sweep puts it to sleep when its
 * last deploy or wake is older than sleep-after (the rule of the action's sweep). The PR opens with its first push.
 */
export function simulateFortnight(o: FortnightOptions): FortnightResult {
  const pushes = pushTimes(o)
  const end = o.days * DAY
  const sweeps: number[] = []
  for (let t = 0; t < end; t += o.sweepEveryMs) sweeps.push(t)
  const events = [
    ...pushes.map((at) => ({ at, kind: 'push' as const })),
    ...sweeps.map((at) => ({ at, kind: 'sweep' as const })),
  ].sort((a, b) => a.at - b.at || (a.kind === 'push' ? -1 : 1))

  let live = false // the preview exists from the first push on
  let awakeSince: number | null = null
  let lastDeployOrWake = 0
  let awakeMs = 0
  let sleeps = 0
  for (const e of events) {
    if (e.kind === 'push') {
      live = true
      lastDeployOrWake = e.at
      if (awakeSince === null) awakeSince = e.at
    } else if (live && awakeSince !== null && e.at - lastDeployOrWake > o.sleepAfterMs) {
      awakeMs += e.at - awakeSince
      awakeSince = null
      sleeps++
    }
  }
  if (awakeSince !== null) awakeMs += end - awakeSince
  const first = pushes[0] ?? end
  // Always on: from the PR's first deploy to the end of the fortnight, awake throughout.
  const hours = (end - first) / HOUR
  const awakeHours = awakeMs / HOUR
  return {
    awakeHours,
    hours,
    sleepingGiBh: awakeHours * o.memoryGiB,
    alwaysOnGiBh: hours * o.memoryGiB,
    ratio: hours > 0 ? awakeHours / hours : 0,
    pushes: pushes.length,
    sleeps,
  }
}

export const ISSUE_FORTNIGHT = {
  sleepAfterMs: 2 * HOUR,
  sweepEveryMs: 30 * 60_000,
  pushesPerDay: 4,
  days: 14,
}

/** A push every hour of the working day: the longest a weekday keeps the preview awake. */
const HOURLY = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18]

/**
 * The figure npm run bench prints: the issue's fortnight with 4 pushes a weekday at drawn times (median over
 * seeds), and its bound: a push every hour from 09:00 to 18:00.
 */
export function fortnightFigure(memoryGiB: number, seeds = [1, 2, 3, 4, 5, 6, 7]) {
  const runs = seeds
    .map((seed) => simulateFortnight({ ...ISSUE_FORTNIGHT, seed, memoryGiB }))
    .sort((a, b) => a.ratio - b.ratio)
  const median = runs[Math.floor((runs.length - 1) / 2)]!
  const bound = simulateFortnight({ ...ISSUE_FORTNIGHT, seed: 0, memoryGiB, at: HOURLY })
  return { median, bound }
}
