// Commands in PR comments, pure: `/preview wake` and its siblings, read from the first line of a comment, and who
// may give them. Anything else (a quote, a code block, a mention mid-sentence) is not a command.

export const COMMANDS = ['wake', 'sleep', 'redeploy', 'destroy', 'keep', 'unkeep'] as const
export type Command = (typeof COMMANDS)[number]

export type ParsedComment =
  | { kind: 'command'; command: Command }
  /** `/preview <something else>`: addressed to the action, but not a command it knows. */
  | { kind: 'unknown'; word: string }
  | { kind: 'none' }

/**
 * A command is the comment's first non-empty line, `/preview <command>` and nothing else (case and surrounding
 * spaces do not matter). A quoted line (`> /preview destroy`) or one in a code block is not a command.
 */
export function parseCommand(body: string): ParsedComment {
  const first = body.split(/\r?\n/).find((line) => line.trim() !== '')
  if (first === undefined) return { kind: 'none' }
  const m = /^\s*\/preview(?:\s+(\S+))?\s*$/i.exec(first)
  if (!m) return { kind: 'none' }
  const word = (m[1] ?? '').toLowerCase()
  return (COMMANDS as readonly string[]).includes(word)
    ? { kind: 'command', command: word as Command }
    : { kind: 'unknown', word }
}

/**
 * Obeyed: a commenter whose repository permission is write, maintain or admin. GitHub's permission API says
 * `write` for maintain (and for custom roles based on write) and `admin` for admin.
 */
export function mayCommand(permission: string | null): boolean {
  return permission === 'admin' || permission === 'write' || permission === 'maintain'
}

export const COMMAND_HELP =
  'Commands: `/preview wake`, `/preview sleep`, `/preview redeploy`, `/preview destroy`, `/preview keep`, `/preview unkeep`.'
