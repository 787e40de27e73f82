// Text written by the PR's code (pod logs, termination messages, events) on its way to the log, the job summary,
// the PR comment and the deployment status. Pure.
//
// - Every secret the action knows is replaced by `***`, also in its base64 and URL-encoded forms.
// - In the log, the text is printed between `::stop-commands::<token>` and `::<token>::`, so none of its lines is
//   taken as a workflow command (`::add-mask::`, `::error`, `::set-output`…).
// - In Markdown, it cannot close a code fence, mention people or teams, or show images; a reason is capped.
import { randomBytes } from 'node:crypto'

export const REDACTED = '***'

/** The forms a secret can take in text: as it is, base64 (standard and URL-safe, with and without padding), URL-encoded. */
export function secretForms(secret: string): string[] {
  if (secret.length < 4) return [] // too short to tell from ordinary text (the runner does the same)
  const b64 = Buffer.from(secret, 'utf8').toString('base64')
  const forms = new Set([
    secret,
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url'),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
  ])
  return [...forms].filter((f) => f.length >= 4)
}

/** Replaces every form of every secret; the longest first, so one secret inside another goes whole. */
export function redact(text: string, secrets: Iterable<string>): string {
  const forms = [...new Set([...secrets].flatMap(secretForms))].sort((a, b) => b.length - a.length)
  let out = text
  for (const f of forms) out = out.split(f).join(REDACTED)
  return out
}

/** Lines for the log: between stop-commands markers whose token the text cannot know. */
export function stopCommandsBlock(lines: string[], token = randomBytes(16).toString('hex')): string[] {
  return [`::stop-commands::${token}`, ...lines, `::${token}::`]
}

const FENCE = /`{3,}|~{3,}/g

/**
 * Text for inside a Markdown code fence (``` … ```) in the summary: a run of three backticks or tildes cannot
 * close it.
 */
export function inFence(text: string): string {
  return text.replace(FENCE, (m) => m.split('').join('\u200b'))
}

/**
 * Text for Markdown prose or a table cell (the PR comment's reason): no mentions (`@user`, `@org/team`), no images
 * or links, no HTML, no code spans that could hide the rest; at most `max` characters.
 */
export function markdownSafe(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
  return cut.replace(/[\\`*_{}[\]()<>#!|~]/g, (c) => `\\${c}`).replace(/@(?=[A-Za-z0-9])/g, '@\u200b')
}
