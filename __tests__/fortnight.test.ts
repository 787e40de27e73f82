// The bench's fortnight simulation (figure 8): pure, so its mechanics are checked here and its figure is printed
// by npm run bench.
import { describe, expect, test } from '@jest/globals'
import { fortnightFigure, pushTimes, simulateFortnight } from '../bench/fortnight.js'

const HOUR = 3_600_000
const base = {
  sleepAfterMs: 2 * HOUR,
  sweepEveryMs: HOUR / 2,
  pushesPerDay: 1,
  seed: 1,
  memoryGiB: 4,
  days: 14,
}

describe('a simulated fortnight of one PR', () => {
  test('pushes fall on weekdays between 09:00 and 18:00 only, the same for the same seed', () => {
    const times = pushTimes({ days: 14, pushesPerDay: 5, seed: 3 })
    expect(times).toHaveLength(50)
    for (const t of times) {
      const day = Math.floor(t / (24 * HOUR))
      const hour = (t % (24 * HOUR)) / HOUR
      expect(day % 7).toBeLessThan(5)
      expect(hour).toBeGreaterThanOrEqual(9)
      expect(hour).toBeLessThan(18)
    }
    expect(pushTimes({ days: 14, pushesPerDay: 5, seed: 3 })).toEqual(times)
  })

  test('one push at 09:00: awake until the first sweep past sleep-after (11:30), asleep otherwise', () => {
    const r = simulateFortnight({ ...base, at: [9] })
    // Awake 09:00–11:30 on each of 10 weekdays; always on counts from the first push (Monday 09:00).
    expect(r.awakeHours).toBe(25)
    expect(r.hours).toBe(14 * 24 - 9)
    expect(r.sleeps).toBe(10)
    expect(r.sleepingGiBh).toBe(100)
    expect(r.alwaysOnGiBh).toBe((14 * 24 - 9) * 4)
  })

  test('a push while awake keeps it awake; sleep counts from the last push', () => {
    const r = simulateFortnight({ ...base, days: 1, at: [9, 10.75] })
    // 10:45 + 2 h = 12:45: the 13:00 sweep puts it to sleep.
    expect(r.awakeHours).toBe(4)
    expect(r.sleeps).toBe(1)
  })

  test('never asleep when sleep-after is longer than the fortnight', () => {
    const r = simulateFortnight({ ...base, sleepAfterMs: 15 * 24 * HOUR })
    expect(r.ratio).toBe(1)
  })

  test('the figure: a median over seeds, and the bound of a push every hour 09:00–18:00', () => {
    const f = fortnightFigure(4.3)
    expect(f.median.pushes).toBe(40)
    // The bound: awake 09:00 to 20:30 (18:00 + 2 h, next sweep) on 10 weekdays.
    expect(f.bound.awakeHours).toBe(115)
    expect(f.median.ratio).toBeLessThanOrEqual(f.bound.ratio)
  })
})
