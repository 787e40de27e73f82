// Loaded into the action's process by the benchmark (NODE_OPTIONS=--import): writes the CPU time the process used
// (user and system, all its threads) to BENCH_CPU_OUT when it exits.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.BENCH_CPU_OUT) writeFileSync(process.env.BENCH_CPU_OUT, JSON.stringify(process.cpuUsage()))
})
