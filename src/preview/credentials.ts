// Passwords a preview's templates ask for as `{{credentials.<name>}}`: generated once per preview, kept in the
// preview's own Secret and reused on every redeploy (a database keeps the password it was created with).
import { randomBytes } from 'node:crypto'
import { TemplateError } from '../shared/errors.js'
import type { KubeObject } from '../shared/kube-object.js'

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

/** Hides every known credential in later log lines: called before the first render that uses them. */
export function maskCredentials(values: Record<string, string>, log: { secret(value: string): void }): void {
  for (const value of Object.values(values)) if (value) log.secret(value)
}

/** The text with every credential value (as is, and as it looks inside a quoted YAML string) replaced by ***. */
export function redactCredentials(text: string, values: Record<string, string>): string {
  const forms = Object.values(values)
    .flatMap((v) => [v, JSON.stringify(v).slice(1, -1)])
    .filter((v) => v.length >= 3)
    .sort((a, b) => b.length - a.length)
  let out = text
  for (const form of forms) out = out.split(form).join('***')
  return out
}

/**
 * Runs a render that inserts the credentials. A template error (whose message may quote a rendered line) is
 * reported as the same render with placeholders in place of the credentials would report it, and with any
 * credential value redacted: a quoting mistake in a template never prints a password, masked or not.
 */
export function renderHidingCredentials<T>(
  values: Record<string, string>,
  render: (credentials: Record<string, string>) => T,
): T {
  try {
    return render(values)
  } catch (e) {
    if (!(e instanceof TemplateError) || Object.keys(values).length === 0) throw e
    const placeholders = Object.fromEntries(Object.keys(values).map((k) => [k, `(credentials.${k})`]))
    let shown: TemplateError = new TemplateError(
      e.file,
      e.line,
      'the rendered YAML is invalid where a credential is inserted (the details would show the credential)',
    )
    try {
      render(placeholders)
    } catch (again) {
      if (again instanceof TemplateError) shown = again
    }
    shown.message = redactCredentials(shown.message, values)
    throw shown
  }
}
