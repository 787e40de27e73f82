// What one container's status says about why it is not ready, in words a developer acts on: a crash loop with
// its restart count and last exit code, an exit code of a finished container, an image that cannot be pulled,
// or a running container whose readiness probe has not passed. Pure: the caller reads the status and the logs.

export interface ContainerStateLike {
  reason?: string
  message?: string
  exitCode?: number
  signal?: number
}

export interface ContainerStatusLike {
  name: string
  ready?: boolean
  restartCount?: number
  state?: Record<string, ContainerStateLike | undefined>
  lastState?: Record<string, ContainerStateLike | undefined>
}

export interface ContainerProblem {
  /** `CrashLoopBackOff (restarted 4 times; last exit code 1, Error)` */
  summary: string
  /** The log to show is the previous (crashed) instance's: the current one is waiting to restart. */
  previousLog: boolean
}

const exitText = (s: ContainerStateLike | undefined): string =>
  s
    ? [
        s.exitCode !== undefined ? `exit code ${s.exitCode}` : '',
        s.signal ? `signal ${s.signal}` : '',
        s.reason && s.reason !== 'Error' ? s.reason : '',
        s.message ? s.message.trim() : '',
      ]
        .filter(Boolean)
        .join(', ')
    : ''

const restarts = (n: number) => `restarted ${n} time${n === 1 ? '' : 's'}`

/**
 * `restartPolicy` is the pod's (Always when absent, as the API defaults it): a container that the kubelet will
 * start again after it exited is crash looping even in the moment before its status says CrashLoopBackOff.
 * `backingOff`: the kubelet has said so in an event (BackOff, restarting a failed container), which holds also
 * in the second in which the restarted container runs before it crashes again.
 */
export function containerProblem(
  c: ContainerStatusLike,
  restartPolicy = 'Always',
  backingOff = false,
): ContainerProblem {
  const waiting = c.state?.waiting
  const terminated = c.state?.terminated
  const running = c.state?.running
  const last = c.lastState?.terminated
  const count = c.restartCount ?? 0
  if (waiting) {
    const reason = waiting.reason ?? 'Waiting'
    if (reason === 'CrashLoopBackOff' || (last && count > 0)) {
      const lastExit = exitText(last)
      return {
        summary: `${reason} (${restarts(count)}${lastExit ? `; last ${lastExit}` : ''})`,
        previousLog: true,
      }
    }
    return { summary: `${reason}${waiting.message ? `: ${waiting.message.trim()}` : ''}`, previousLog: false }
  }
  const restartsAgain =
    restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && (terminated?.exitCode ?? 0) !== 0)
  if (terminated && restartsAgain) {
    const lastExit = exitText(terminated)
    return {
      summary: `CrashLoopBackOff (${restarts(count)}${lastExit ? `; last ${lastExit}` : ''})`,
      previousLog: false,
    }
  }
  if (terminated) {
    const why = exitText(terminated)
    return { summary: `terminated${why ? ` (${why})` : ''}`, previousLog: false }
  }
  if (running && backingOff && count > 0) {
    const lastExit = exitText(last)
    return {
      summary: `CrashLoopBackOff (${restarts(count)}${lastExit ? `; last ${lastExit}` : ''})`,
      previousLog: true,
    }
  }
  if (running) {
    const lastExit = exitText(last)
    const extra = count > 0 ? `; ${restarts(count)}${lastExit ? `, last ${lastExit}` : ''}` : ''
    return { summary: `running, not ready (its readiness probe has not passed${extra})`, previousLog: false }
  }
  return { summary: 'not started yet', previousLog: false }
}

/** The last non-empty line of a log, shortened, for one-line summaries (the deployment status). */
export function lastLogLine(log: string, max = 120): string {
  const line =
    log
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
