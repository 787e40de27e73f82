// What one answer of a preview URL means: it works, it is broken, it may heal (ask again), it is worth a warning,
// or it is a redirect to follow. Pure.

/** One HTTP exchange as the smoke check saw it (no redirect followed). */
export type Answer =
  | {
      kind: 'response'
      status: number
      statusText: string
      /** The Location header of a redirect. */
      location?: string
      /** The first bytes of the body, as text. */
      body: string
      ms: number
    }
  | {
      kind: 'error'
      /** refused, reset, timeout, unresolved (the host has no DNS record here), tls, or other. */
      code: 'refused' | 'reset' | 'timeout' | 'unresolved' | 'tls' | 'other'
      message: string
      ms: number
    }

export interface AnswerContext {
  url: string
  /** A 404 here fails the run (the path was declared); else it is a warning (an API with nothing at `/`). */
  declared: boolean
  /** Hosts the preview serves (of the `urls` output), and its scheme. */
  hosts: Set<string>
  scheme: string
  /** The action put basic-auth in front and sent its credentials: a 401 is then its own protection failing. */
  ownAuth: boolean
}

export type Verdict =
  | { outcome: 'ok'; text: string }
  | { outcome: 'follow'; url: string }
  /** Broken now; asked again until the retry window closes, then a failure. */
  | { outcome: 'retry'; text: string }
  | { outcome: 'fail'; text: string }
  | { outcome: 'warn'; text: string }

const BODY_CHARS = 200

/** `500 Internal Server Error in 12 ms`, with the first bytes of the body when it is not a success. */
export function statusLine(a: Extract<Answer, { kind: 'response' }>, withBody = false): string {
  const line = `${a.status}${a.statusText ? ` ${a.statusText}` : ''} in ${Math.round(a.ms)} ms`
  const body = a.body.replace(/\s+/g, ' ').trim()
  if (!withBody || !body) return line
  return `${line}: ${body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS - 1)}…` : body}`
}

const ERROR_TEXT: Record<Extract<Answer, { kind: 'error' }>['code'], string> = {
  refused: 'connection refused',
  reset: 'connection reset',
  timeout: 'no answer (timed out)',
  unresolved: 'the host name does not resolve from this runner',
  tls: 'the TLS handshake failed (a certificate this runner does not trust?)',
  other: 'request failed',
}

export function judgeAnswer(a: Answer, c: AnswerContext): Verdict {
  if (a.kind === 'error') {
    if (a.code === 'unresolved')
      return {
        outcome: 'warn',
        text: `not checked: ${new URL(c.url).hostname} does not resolve from this runner (${a.message}); the preview may still work for people on another network. Set smoke-connect to the front door's host:port to check it from here`,
      }
    const text = `${ERROR_TEXT[a.code]} after ${Math.round(a.ms)} ms (${a.message})`
    // The preview may be fine for people on another network (a wildcard record the runner's DNS does not see).
    // A certificate this runner does not trust may be trusted where people open it (a company CA): a warning.
    if (a.code === 'tls') return { outcome: 'warn', text }
    return { outcome: 'retry', text }
  }
  const s = a.status
  if (s >= 200 && s < 300) return { outcome: 'ok', text: statusLine(a) }
  if (s >= 300 && s < 400 && s !== 304) return redirect(a, c)
  if (s >= 500) return { outcome: 'retry', text: statusLine(a, true) }
  if (s === 404)
    // A controller that has not picked the route up yet answers 404 too: asked again before judging.
    return c.declared
      ? { outcome: 'retry', text: `${statusLine(a, true)} (on the declared path)` }
      : { outcome: 'retry', text: statusLine(a, true) }
  if ((s === 401 || s === 403) && !(s === 401 && c.ownAuth))
    return {
      outcome: 'warn',
      text: `${statusLine(a)}: protected by something the action did not set up; the smoke check cannot look behind it`,
    }
  if (s === 401)
    return { outcome: 'fail', text: `${statusLine(a, true)}: the basic-auth credentials were refused` }
  return { outcome: 'warn', text: statusLine(a, true) }
}

/** What a 404 that outlived the retries means: broken on a declared path, a warning on `/`. */
export function finalVerdict(last: Verdict, a: Answer | undefined, c: AnswerContext): Verdict {
  if (last.outcome !== 'retry') return last
  if (a?.kind === 'response' && a.status === 404 && !c.declared)
    return {
      outcome: 'warn',
      text: `${last.text}: nothing at this path (declare a path that answers in smoke-paths)`,
    }
  return { outcome: 'fail', text: last.text }
}

function redirect(a: Extract<Answer, { kind: 'response' }>, c: AnswerContext): Verdict {
  let to: URL
  try {
    to = new URL(a.location ?? '', c.url)
  } catch {
    return { outcome: 'fail', text: `${statusLine(a)} to an invalid Location "${a.location ?? ''}"` }
  }
  if (!a.location) return { outcome: 'fail', text: `${statusLine(a)} without a Location` }
  const scheme = to.protocol.replace(/:$/, '')
  if (!c.hosts.has(to.host) || scheme !== c.scheme) {
    const https = scheme === 'https' && c.scheme === 'http' && c.hosts.has(to.host)
    return {
      outcome: 'fail',
      text:
        `${statusLine(a)} to ${to.toString()}, which this preview does not serve` +
        (https
          ? ' (the app forces https, e.g. Rails config.force_ssl, on a preview served over http: turn it off for previews, or serve them over https)'
          : ''),
    }
  }
  return { outcome: 'follow', url: to.toString() }
}
