// The smoke check's HTTP request with Node's http/https: one exchange, no redirect followed, the first bytes of
// the body, the error named as refused, reset, timeout, unresolved or TLS.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { HttpProbe, ProbeRequest } from './check.js'
import type { Answer } from './verdict.js'

const BODY_BYTES = 1024

function errorCode(e: NodeJS.ErrnoException): Extract<Answer, { kind: 'error' }>['code'] {
  const code = e.code ?? ''
  if (code === 'ECONNREFUSED') return 'refused'
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(e.message)) return 'reset'
  if (code === 'ETIMEDOUT' || code === 'PREVIEW_TIMEOUT') return 'timeout'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'unresolved'
  if (
    /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_TLS_CERT)/.test(code) ||
    /certificate|SSL/i.test(e.message)
  )
    return 'tls'
  return 'other'
}

export const nodeHttpProbe: HttpProbe = {
  request(r: ProbeRequest): Promise<Answer> {
    const url = new URL(r.url)
    const https = url.protocol === 'https:'
    const started = performance.now()
    const ms = () => performance.now() - started
    const headers: Record<string, string> = {
      host: url.host,
      'user-agent': 'kube-pr-preview smoke check',
      accept: '*/*',
    }
    if (r.basicAuth)
      headers.authorization = `Basic ${Buffer.from(`${r.basicAuth.user}:${r.basicAuth.password}`).toString('base64')}`
    const options = {
      method: 'GET',
      host: r.connectTo?.host ?? url.hostname.replace(/^\[|\]$/g, ''),
      port: r.connectTo?.port ?? (url.port ? Number(url.port) : https ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers,
      // The certificate is checked against the preview's host also when connecting elsewhere.
      servername: https ? url.hostname : undefined,
      agent: false as const,
    }
    return new Promise<Answer>((resolve) => {
      const req = (https ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
        const chunks: Buffer[] = []
        let size = 0
        const done = () => {
          resolve({
            kind: 'response',
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
            body: Buffer.concat(chunks).subarray(0, BODY_BYTES).toString('utf8'),
            ms: ms(),
          })
          res.destroy()
        }
        res.on('data', (c: Buffer) => {
          chunks.push(c)
          size += c.length
          if (size >= BODY_BYTES) done()
        })
        res.on('end', done)
        res.on('error', done)
      })
      req.setTimeout(r.timeoutMs, () => {
        const e = Object.assign(new Error(`no answer within ${r.timeoutMs} ms`), { code: 'PREVIEW_TIMEOUT' })
        req.destroy(e)
      })
      req.on('error', (e: NodeJS.ErrnoException) =>
        resolve({ kind: 'error', code: errorCode(e), message: e.code ?? e.message, ms: ms() }),
      )
      req.end()
    })
  },
}
