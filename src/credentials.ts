// Passwords a preview's templates ask for as `{{credentials.<name>}}`: generated once per preview, kept in the
// preview's own Secret and reused on every redeploy (a database keeps the password it was created with).
import { randomBytes } from 'node:crypto'
import type { KubeObject } from './render.js'

export const CREDENTIALS_SECRET = 'preview-credentials'

export function decodeCredentials(secret: KubeObject | null): Record<string, string> {
  const data = (secret as { data?: Record<string, string> } | null)?.data ?? {}
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  )
}

/** 24 letters and digits: safe inside URLs (DATABASE_URL) and shells without quoting. */
export function generatePassword(random: (n: number) => Buffer = randomBytes): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let out = ''
  while (out.length < 24) {
    for (const byte of random(32)) {
      if (byte < 248 && out.length < 24) out += alphabet[byte % 62]
    }
  }
  return out
}

/** The existing value of every name, and a new one for each name seen for the first time. */
export function fillCredentials(
  names: string[],
  existing: Record<string, string>,
  generate: () => string = generatePassword,
): { values: Record<string, string>; generated: string[] } {
  const values: Record<string, string> = { ...existing }
  const generated: string[] = []
  for (const name of names) {
    if (values[name]) continue
    values[name] = generate()
    generated.push(name)
  }
  return { values, generated }
}

export function credentialsSecretObject(values: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: CREDENTIALS_SECRET },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  }
}
