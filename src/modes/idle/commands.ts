// Commands in PR comments (issue_comment, created): `/preview wake|sleep|redeploy|destroy|keep|unkeep`. Only a
// commenter with write, maintain or admin permission is obeyed; anyone else gets a short reply and nothing
// changes. The command comment gets 👀 when the run starts and 🚀 or 😕 when it is done; the sticky comment
// shows the result. Whether a comment is a command at all is decided from the payload alone (see main.ts), before
// any client is made.
import type { GitHub } from '../../github/client.js'
import type { Kube } from '../../kube/port.js'
import type { CommentEvent } from '../../inputs/comment-event.js'
import { annotateNamespace } from '../../kube/apply/sleep.js'
import { COMMAND_HELP, mayCommand, type Command } from '../../preview/commands.js'
import { ANNOTATION } from '../../preview/ownership.js'
import type { RunLog } from '../../shared/run-log.js'
import { sleepPreview } from './sleep.js'
import { liveNamespace, type IdleTarget } from './target.js'
import { wakePreview } from './wake.js'

export interface CommandResult {
  ok: boolean
  /** One line for the log, the summary and the `status` output. */
  status: string
  message: string
}

/** What the deploy and destroy of a PR need, given by main (which has the settings, templates and event). */
export interface PullRequestRuns {
  redeploy(): Promise<CommandResult>
  destroy(): Promise<CommandResult>
}

export async function runCommand(
  event: CommentEvent,
  command: Command,
  target: IdleTarget,
  kube: () => Promise<Kube>,
  github: GitHub,
  runs: PullRequestRuns,
  log: RunLog,
): Promise<CommandResult> {
  const who = event.comment.author
  const permission = await github.permissionOf(who)
  if (!mayCommand(permission)) {
    log.info(`@${who} has ${permission ?? 'no'} permission on ${event.repository.fullName}: not obeyed`)
    await github.reply(
      event.number,
      `@${who} \`/preview ${command}\` is only obeyed from people with write access to this repository; nothing was changed.`,
    )
    return {
      ok: false,
      status: 'refused',
      message: `@${who} may not run /preview commands (permission: ${permission ?? 'none'})`,
    }
  }
  await github
    .react(event.comment.id, 'eyes')
    .catch((e: Error) => log.warning(`could not react: ${e.message}`))
  let result: CommandResult
  try {
    result = await execute(command, target, await kube(), github, runs, log)
  } catch (e) {
    result = { ok: false, status: 'failed', message: (e as Error).message }
  }
  await github
    .react(event.comment.id, result.ok ? 'rocket' : 'confused')
    .catch((e: Error) => log.warning(`could not react: ${e.message}`))
  if (!result.ok)
    await github
      .reply(event.number, `😕 \`/preview ${command}\`: ${result.message} ([run log](${target.logUrl}))`)
      .catch((e: Error) => log.warning(`could not reply: ${e.message}`))
  return result
}

async function execute(
  command: Command,
  target: IdleTarget,
  kube: Kube,
  github: GitHub,
  runs: PullRequestRuns,
  log: RunLog,
): Promise<CommandResult> {
  switch (command) {
    case 'wake': {
      const o = await wakePreview(target, kube, github, log)
      const ok = o.status === 'ready' || o.status === 'already awake'
      return {
        ok,
        status: o.status,
        message: o.status === 'ready' ? `awake and ready at ${o.url}` : o.reason,
      }
    }
    case 'sleep': {
      const o = await sleepPreview(target, kube, github, log)
      return {
        ok: o.status !== 'absent',
        status: o.status,
        message: o.status === 'absent' ? 'there is no preview to put to sleep' : `asleep since ${o.since}`,
      }
    }
    case 'redeploy':
      return runs.redeploy()
    case 'destroy':
      return runs.destroy()
    case 'keep':
    case 'unkeep': {
      const ns = await liveNamespace(kube, target.owner)
      if (!ns) return { ok: false, status: 'absent', message: 'there is no preview to keep' }
      await annotateNamespace(kube, ns, { [ANNOTATION.keep]: command === 'keep' ? 'true' : null })
      const message =
        command === 'keep'
          ? 'kept: the sweep will neither put it to sleep nor remove it for its TTL (`/preview unkeep` undoes it)'
          : 'no longer kept: the sweep may put it to sleep and remove it for its TTL again'
      await github.reply(target.owner.pr, `📌 Preview ${message}.`)
      return { ok: true, status: command === 'keep' ? 'kept' : 'unkept', message }
    }
  }
}

export { COMMAND_HELP }
