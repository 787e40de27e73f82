import { run } from './main.js'

await run()
// Done: a request still retrying in the background (a lease renewal through an outage) must not keep the job
// waiting. process.exitCode (set by core.setFailed) is the exit status.
process.exit()
