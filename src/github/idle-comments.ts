// What the sticky PR comment and the replies say about sleep, wake, commands and the TTL. Pure.
import { commentMarker } from './comment.js'
import { cell } from './report.js'
import { stamp } from '../preview/idle.js'

export function asleepComment(environment: string, namespace: string, since: Date, logUrl: string): string {
  return [
    commentMarker(environment),
    '### Preview of this pull request',
    '',
    `💤 **Asleep** since ${stamp(since)}: its workloads are stopped; its URL, Services, Secrets and volumes stay.`,
    '',
    'Comment `/preview wake` to wake it (or push a commit: any deploy wakes it).',
    '',
    `Namespace \`${namespace}\` · [run log](${logUrl})`,
  ].join('\n')
}

export function wokenComment(
  environment: string,
  o: { status: string; url: string; reason: string },
  namespace: string,
  now: Date,
  logUrl: string,
): string {
  const headline =
    o.status === 'ready'
      ? `✅ **Awake and ready**${o.url ? ` at ${o.url}` : ''}`
      : `❌ **Woken, not healthy**: ${cell(o.reason)}`
  return [
    commentMarker(environment),
    '### Preview of this pull request',
    '',
    headline,
    '',
    `Woken ${stamp(now)} · namespace \`${namespace}\` · [run log](${logUrl})`,
  ].join('\n')
}

export const ttlMarker = (environment: string) => `<!-- kube-pr-preview:ttl:${environment} -->`

export function ttlNotice(environment: string, goes: Date, keepLabel: string): string {
  return [
    ttlMarker(environment),
    `⏳ This preview will be removed at ${stamp(goes)} (the \`ttl\` of the preview workflow).`,
    '',
    `To keep it, comment \`/preview keep\`${keepLabel ? ` or add the label \`${keepLabel}\`` : ''}; a push also starts the time again.`,
  ].join('\n')
}
