// What of a kubeconfig must never appear in a log: its secrets, found whatever the style it is written in. Pure,
// but for reading a tokenFile that exists.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

const SECRET_KEYS = [
  'token',
  'client-key-data',
  'client-certificate-data',
  'password',
  'id-token',
  'refresh-token',
  'client-secret',
  'access-token',
]

/**
 * Values of the kubeconfig that must never appear in a log, whatever its style (block or flow YAML, JSON): every
 * user's token, password, client key and certificate, auth-provider settings, exec plugin environment values,
 * and the contents of a tokenFile (read when it exists); line by line as well, for a text that does not parse;
 * and the whole text. Tokens that exec plugins or auth providers return are masked when they are first used
 * (see `transportFromKubeconfig`).
 */
export function kubeconfigSecrets(
  text: string,
  readFile: (path: string) => string | undefined = readIfThere,
): string[] {
  const found = new Set<string>([text.trim()])
  let config: { users?: Array<{ user?: Record<string, unknown> }> } | undefined
  try {
    config = parse(text) as typeof config
  } catch {
    // not YAML: the whole text and the line pattern below find what they can
  }
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim().length >= 6) {
      found.add(v)
      found.add(v.trim())
    }
  }
  const walk = (v: unknown) => {
    if (typeof v === 'string') add(v)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit)
    else if (node !== null && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (SECRET_KEYS.includes(key)) add(value)
        visit(value)
      }
  }
  visit(config)
  for (const entry of Array.isArray(config?.users) ? config.users : []) {
    const user = (entry?.user ?? {}) as Record<string, unknown>
    walk(user['auth-provider'])
    const exec = (user.exec ?? {}) as { env?: Array<{ value?: unknown }> }
    for (const e of Array.isArray(exec.env) ? exec.env : []) add(e?.value)
    if (typeof user.tokenFile === 'string') add(readFile(user.tokenFile))
  }
  const pattern = new RegExp(`^\\s*-?\\s*(${SECRET_KEYS.join('|')})\\s*:\\s*["']?([^"'\\s]+)["']?\\s*$`, 'gm')
  for (const m of text.matchAll(pattern)) add(m[2])
  return [...found]
}

const readIfThere = (path: string) => {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}
