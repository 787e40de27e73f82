// A plain-HTTP proxy in front of kube-apiserver that injects faults: HTTP 429/5xx answers and dropped
// connections, for the next requests that match a rule. Counts every request it sees.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export interface FaultRule {
  /** path without the query; url with it (e.g. to tell a dry run, `dryRun=All`, from the real write). */
  match: (method: string, path: string, url: string) => boolean
  /** An HTTP answer, or 'reset' to drop the connection. */
  fault: { status: number; headers?: Record<string, string> } | 'reset'
  times: number
}

export interface FaultProxy {
  url: string
  rules: FaultRule[]
  seen: Array<{ method: string; path: string; injected: string | null }>
  /** The kubeconfig text, pointed at the proxy. */
  kubeconfig: string
  close(): Promise<void>
}

export async function startFaultProxy(kubeconfig: string): Promise<FaultProxy> {
  const upstream = new URL(/server: (\S+)/.exec(kubeconfig)![1]!)
  const rules: FaultRule[] = []
  const seen: FaultProxy['seen'] = []
  const sockets = new Set<Socket>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    const rule = rules.find((r) => r.times > 0 && r.match(method, path.split('?')[0]!, path))
    if (rule) {
      rule.times--
      seen.push({ method, path, injected: rule.fault === 'reset' ? 'reset' : String(rule.fault.status) })
      if (rule.fault === 'reset') return req.socket.destroy()
      res.writeHead(rule.fault.status, { 'content-type': 'application/json', ...rule.fault.headers })
      return res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'injected',
          code: rule.fault.status,
        }),
      )
    }
    seen.push({ method, path, injected: null })
    const out = httpsRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path,
        headers: { ...req.headers, host: upstream.host },
        rejectUnauthorized: false,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    out.on('error', () => res.destroy())
    req.pipe(out)
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const proxied = kubeconfig
    .replace(/server: \S+/, `server: ${url}`)
    .replace(/certificate-authority-data: \S+/, 'insecure-skip-tls-verify: true')
  return {
    url,
    rules,
    seen,
    kubeconfig: proxied,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
