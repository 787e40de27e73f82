// What a run tells people: the URLs of the preview's services and the job summary. Pure.
import type { KubeObject } from '../shared/kube-object.js'
import type { WorkloadStatus } from '../shared/readiness.js'

interface IngressLike {
  spec?: {
    tls?: Array<{ hosts?: string[] }>
    rules?: Array<{ host?: string; http?: { paths?: Array<{ backend?: { service?: { name?: string } } }> } }>
  }
}

interface HTTPRouteLike {
  spec?: { hostnames?: string[]; rules?: Array<{ backendRefs?: Array<{ name?: string }> }> }
}

/** Names the service a route's hosts belong to when its backend is not that service (e.g. an auth proxy). */
export const SERVICE_ANNOTATION = 'kube-pr-preview.io/service'

/**
 * service → URL, from the hosts of the rendered Ingresses and HTTPRoutes, keyed by the route's
 * kube-pr-preview.io/service annotation, else the backend Service of each host.
 */
export function serviceUrls(objects: KubeObject[], scheme: string): Record<string, string> {
  const urls: Record<string, string> = {}
  const add = (o: KubeObject, host: string | undefined, backend: string | undefined) => {
    if (!host || host.includes('*')) return
    const service = o.metadata.annotations?.[SERVICE_ANNOTATION] ?? backend ?? o.metadata.name
    urls[service] ??= `${scheme}://${host}`
  }
  for (const o of objects) {
    if (o.kind === 'Ingress')
      for (const rule of (o as IngressLike).spec?.rules ?? [])
        add(o, rule.host, rule.http?.paths?.[0]?.backend?.service?.name)
    if (o.kind === 'HTTPRoute' && o.apiVersion.startsWith('gateway.networking.k8s.io/')) {
      const spec = (o as HTTPRouteLike).spec
      for (const host of spec?.hostnames ?? []) add(o, host, spec?.rules?.[0]?.backendRefs?.[0]?.name)
    }
  }
  return urls
}

/** The web app's URL: the one on the preview's own host, else the first service's, else none. */
export function primaryUrl(urls: Record<string, string>, host: string): string {
  const values = Object.values(urls)
  return values.find((u) => new URL(u).host === host) ?? values[0] ?? ''
}

/** What a run with `wait: false` says, instead of "Ready": it applied the preview and did not look further. */
export const NOT_CHECKED = 'applied, readiness not checked'
export const NOT_CHECKED_STATUS = 'Applied, readiness not checked (wait: false)'

/** The summary's status line of a deploy. */
export function deployStatusLine(
  o: { status: string; url: string; reason: string; readinessChecked: boolean },
  sha: string,
): string {
  if (o.status === 'deployed')
    return `${o.readinessChecked ? 'Deployed' : `Deployed (${NOT_CHECKED})`} ${sha.slice(0, 7)}${o.url ? ` — ${o.url}` : ''}`
  return `${o.status === 'skipped' ? 'Not deployed' : 'Failed'}: ${o.reason}`
}

export interface SummaryInput {
  title: string
  status: string
  rows: Array<{ name: string; kind: string; ready: string; url: string }>
  facts: Array<[string, string]>
  problems: string[]
  notes: string[]
}

/** Text that is safe inside one Markdown table cell. */
export const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function summaryMarkdown(s: SummaryInput): string {
  const lines = [`### ${s.title}`, '', `**${s.status}**`, '']
  if (s.rows.length) {
    lines.push('| Service | Kind | Ready | URL |', '| --- | --- | --- | --- |')
    for (const r of s.rows)
      lines.push(`| ${cell(r.name)} | ${r.kind} | ${cell(r.ready)} | ${r.url ? `<${r.url}>` : ''} |`)
    lines.push('')
  }
  if (s.facts.length) {
    lines.push('| | |', '| --- | --- |')
    for (const [k, v] of s.facts) lines.push(`| ${cell(k)} | ${cell(v)} |`)
    lines.push('')
  }
  if (s.problems.length)
    lines.push(
      '<details open><summary>What went wrong</summary>',
      '',
      '```',
      ...s.problems,
      '```',
      '</details>',
      '',
    )
  for (const n of s.notes) lines.push(`> ${n}`, '')
  return lines.join('\n')
}

export function workloadRows(
  workloads: WorkloadStatus[],
  urls: Record<string, string>,
): SummaryInput['rows'] {
  const icon = (state: string) => (state === 'ready' ? '✅' : state === 'failed' ? '❌' : '⏳')
  return workloads.map((w) => ({
    name: w.object.metadata.name,
    kind: w.object.kind,
    ready: `${icon(w.readiness.state)} ${w.readiness.message}`,
    url: urls[w.object.metadata.name] ?? '',
  }))
}
