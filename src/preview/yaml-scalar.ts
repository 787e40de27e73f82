// How a value becomes YAML: one scalar that reads back as exactly that value, and YAML read as kubectl reads it.
// Pure.
import type { DocumentOptions, ParseOptions, SchemaOptions } from 'yaml'

// Characters that YAML (1.1 or 1.2) or a terminal could read as structure or line breaks: always escaped.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g

/** One YAML scalar (or JSON flow collection) that reads back as exactly `value`. */
export function yamlScalar(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  }
  if (typeof value === 'object') {
    // JSON is a subset of YAML's flow style; strings inside get the same escaping.
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).replace(
      UNSAFE,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
  }
  return 'null'
}

/**
 * YAML as `kubectl apply -f` reads it (sigs.k8s.io/yaml, which is YAML 1.1): `0755` is octal (493), `yes`, `no`,
 * `on`, `off`, `y` and `n` are booleans, `0b1010` is binary. Like kubectl, timestamps and sexagesimal numbers
 * (`1:30`) stay strings. Values inserted by `{{…}}` are quoted, so none of this can change what a value says.
 */
export const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.filter(
      (t) =>
        typeof t === 'string' ||
        (t.tag !== 'tag:yaml.org,2002:timestamp' && (t as { format?: string }).format !== 'TIME'),
    ),
}
