// The smoke check's inputs: whether it runs, the path per service, and where to connect instead of resolving the
// preview's hosts. Pure; errors name the input.
import { parse as parseYaml } from 'yaml'
import { InputError } from '../shared/errors.js'
import type { InputReader } from './reader.js'
import { parseBoolean } from './parse.js'

export interface SmokeSettings {
  /** Request every preview URL after the wait (smoke-check). */
  smokeCheck: boolean
  /** service → path (smoke-paths), over the paths the templates declare. */
  smokePaths: Record<string, string>
  /** Connect here for every preview host instead of resolving it (smoke-connect); null: resolve. */
  smokeConnect: { host: string; port: number } | null
}

const SERVICE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

export function parseSmokePaths(raw: string): Record<string, string> {
  if (!raw.trim()) return {}
  let parsed: unknown
  try {
    parsed = parseYaml(raw)
  } catch {
    parsed = null
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InputError(
      'smoke-paths',
      'must be a YAML mapping of service to path, such as `{web: /up, api: /health}`.',
    )
  const out: Record<string, string> = {}
  for (const [service, path] of Object.entries(parsed)) {
    if (!SERVICE.test(service))
      throw new InputError(
        'smoke-paths',
        `"${service}" is not a service name (lower-case letters, digits and -).`,
      )
    if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path))
      throw new InputError(
        'smoke-paths',
        `${service}: "${String(path)}" is not a path: it starts with / and has no spaces.`,
      )
    out[service] = path
  }
  return out
}

/** `host:port` (an IPv6 address in brackets: `[::1]:8080`). */
export function parseSmokeConnect(raw: string): SmokeSettings['smokeConnect'] {
  const text = raw.trim()
  if (!text) return null
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(text)
  const port = Number(m?.[2])
  if (!m || port < 1 || port > 65535)
    throw new InputError(
      'smoke-connect',
      `"${text}" is not host:port, e.g. 10.0.0.7:80 or ingress.internal:443.`,
    )
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port }
}

export function parseSmoke(read: InputReader): SmokeSettings {
  return {
    smokeCheck: parseBoolean('smoke-check', read('smoke-check'), true),
    smokePaths: parseSmokePaths(read('smoke-paths')),
    smokeConnect: parseSmokeConnect(read('smoke-connect')),
  }
}
