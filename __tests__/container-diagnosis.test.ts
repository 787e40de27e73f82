import { describe, expect, it } from '@jest/globals'
import { containerProblem, lastLogLine } from '../src/kube/diagnosis/container-diagnosis.js'

describe('containerProblem', () => {
  it('names a crash loop with its restart count and last exit code, and asks for the crashed log', () => {
    expect(
      containerProblem({
        name: 'web',
        restartCount: 3,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
        },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      }),
    ).toEqual({ summary: 'CrashLoopBackOff (restarted 3 times; last exit code 1)', previousLog: true })
  })

  it('says how a finished container ended', () => {
    expect(
      containerProblem({ name: 'migrate', state: { terminated: { exitCode: 3, reason: 'Error' } } }, 'Never')
        .summary,
    ).toBe('terminated (exit code 3)')
    expect(
      containerProblem({ name: 'x', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }, 'Never')
        .summary,
    ).toBe('terminated (exit code 137, OOMKilled)')
    expect(
      containerProblem(
        { name: 'x', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        'OnFailure',
      ).summary,
    ).toBe('terminated (exit code 0, Completed)')
  })

  it('calls a container that exited and will be started again a crash loop, before the kubelet says so', () => {
    expect(
      containerProblem({
        name: 'web',
        restartCount: 1,
        state: { terminated: { exitCode: 1, reason: 'Error' } },
      }),
    ).toEqual({ summary: 'CrashLoopBackOff (restarted 1 time; last exit code 1)', previousLog: false })
    expect(
      containerProblem(
        { name: 'job', restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } },
        'OnFailure',
      ).summary,
    ).toBe('CrashLoopBackOff (restarted 0 times; last exit code 2)')
  })

  it('calls a restarted container a crash loop while it runs, once the kubelet reported backing off', () => {
    const restarted = {
      name: 'web',
      restartCount: 3,
      state: { running: {} },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    }
    expect(containerProblem(restarted, 'Always', true)).toEqual({
      summary: 'CrashLoopBackOff (restarted 3 times; last exit code 1)',
      previousLog: true,
    })
    expect(containerProblem({ ...restarted, restartCount: 0, lastState: {} }, 'Always', true).summary).toBe(
      'running, not ready (its readiness probe has not passed)',
    )
  })

  it('passes on why a container waits, and says when a running one has not passed its probe', () => {
    expect(
      containerProblem({
        name: 'x',
        state: { waiting: { reason: 'ErrImagePull', message: 'pull access denied' } },
      }),
    ).toEqual({ summary: 'ErrImagePull: pull access denied', previousLog: false })
    expect(containerProblem({ name: 'x', state: { running: {} } }).summary).toBe(
      'running, not ready (its readiness probe has not passed)',
    )
    expect(
      containerProblem({
        name: 'x',
        restartCount: 1,
        state: { running: {} },
        lastState: { terminated: { exitCode: 2 } },
      }).summary,
    ).toBe('running, not ready (its readiness probe has not passed; restarted 1 time, last exit code 2)')
  })
})

describe('lastLogLine', () => {
  it('is the last line with text, shortened', () => {
    expect(lastLogLine('a\nb\n\n  \n')).toBe('b')
    expect(lastLogLine('')).toBe('')
    expect(lastLogLine('x'.repeat(200), 10)).toBe('xxxxxxxxx…')
  })
})
