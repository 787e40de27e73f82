// The smoke check: after the wait, request every preview URL through the front door as a browser would, and say
// per service whether it answers. The request itself is behind HttpProbe (./http.ts is the real one).
import { finalVerdict, judgeAnswer, type Answer, type AnswerContext, type Verdict } from './verdict.js'
import type { SmokeTarget } from './targets.js'

export interface ProbeRequest {
  url: string
  /** Connect here (host:port) instead of resolving the URL's host, as curl's --connect-to. */
  connectTo: { host: string; port: number } | null
  basicAuth: { user: string; password: string } | null
  timeoutMs: number
}

export interface HttpProbe {
  request(r: ProbeRequest): Promise<Answer>
}

export interface SmokeOptions {
  scheme: string
  connectTo: ProbeRequest['connectTo']
  basicAuth: ProbeRequest['basicAuth']
  /** How long a URL that may heal (404, 5xx, refused, timeout) is asked again before it counts as broken. */
  retryMs: number
  /** Never past the run's deadline. */
  deadline: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export interface SmokeResult {
  service: string
  url: string
  outcome: 'ok' | 'fail' | 'warn'
  /** `200 OK in 84 ms`, or what is wrong. */
  text: string
}

const REQUEST_TIMEOUT_MS = 10_000
const MAX_REDIRECTS = 5

export async function smokeCheck(
  probe: HttpProbe,
  targets: SmokeTarget[],
  o: SmokeOptions,
): Promise<SmokeResult[]> {
  const hosts = new Set(targets.map((t) => new URL(t.url).host))
  return Promise.all(targets.map((t) => checkOne(probe, t, hosts, o)))
}

async function checkOne(
  probe: HttpProbe,
  t: SmokeTarget,
  hosts: Set<string>,
  o: SmokeOptions,
): Promise<SmokeResult> {
  const now = o.now ?? Date.now
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const until = Math.min(now() + o.retryMs, o.deadline)
  let pause = 500
  for (;;) {
    const { verdict, answer, url } = await follow(probe, t, hosts, o)
    const left = until - now()
    if (verdict.outcome !== 'retry' || left <= 0) {
      const v = finalVerdict(verdict, answer, context(t, url, hosts, o))
      return {
        service: t.service,
        url: t.url,
        outcome: v.outcome as SmokeResult['outcome'],
        text: text(v, t, url),
      }
    }
    await sleep(Math.min(pause, left))
    pause = Math.min(pause * 2, 4000)
  }
}

const context = (t: SmokeTarget, url: string, hosts: Set<string>, o: SmokeOptions): AnswerContext => ({
  url,
  declared: t.declared,
  hosts,
  scheme: o.scheme,
  ownAuth: o.basicAuth !== null,
})

/** One request and the redirects it leads to within the preview's hosts. */
async function follow(
  probe: HttpProbe,
  t: SmokeTarget,
  hosts: Set<string>,
  o: SmokeOptions,
): Promise<{ verdict: Verdict; answer?: Answer; url: string }> {
  let url = t.url
  for (let i = 0; i <= MAX_REDIRECTS; i++) {
    const answer = await probe.request({
      url,
      connectTo: o.connectTo,
      basicAuth: o.basicAuth,
      timeoutMs: REQUEST_TIMEOUT_MS,
    })
    const verdict = judgeAnswer(answer, context(t, url, hosts, o))
    if (verdict.outcome !== 'follow') return { verdict, answer, url }
    url = verdict.url
  }
  return { verdict: { outcome: 'fail', text: `more than ${MAX_REDIRECTS} redirects` }, url }
}

const text = (v: Verdict, t: SmokeTarget, url: string) =>
  v.outcome === 'follow' ? v.url : url === t.url ? v.text : `${v.text} (after redirects, at ${url})`
