// Values are data in every YAML context. Pure.
//
// While a template renders, each `{{…}}` writes a placeholder (a private-use character, its number, another)
// instead of its value. The rendered text is then parsed as YAML — its structure is the template's alone — and
// every scalar and key that holds placeholders gets the values put back into its string: a value is part of
// exactly one scalar, with exactly its text, whether the `{{…}}` stood alone, inside quotes, in a flow
// collection, next to other text or in a key. A `{{…}}` that stands alone as a plain scalar keeps the value's
// type (a number, a boolean, a list, a mapping). In a block scalar (`|`, `>`) a value with a line break would
// add lines to what the block holds (a configuration file, a script): that is a template error.
import { isPair, isScalar, visit, type Document, type Node, type Scalar } from 'yaml'

const OPEN = '\ue000'
const CLOSE = '\ue001'
const TOKEN = /\ue000(\d+)\ue001/g
const ONE_TOKEN = /^\ue000(\d+)\ue001$/
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/

/** The values one render inserted, by placeholder number. */
export class InsertedValues {
  readonly values: unknown[] = []
  placeholder(value: unknown): string {
    this.values.push(value)
    return `${OPEN}${this.values.length - 1}${CLOSE}`
  }
}

/** True when a template's own text holds a placeholder character (it could not be told from a value). */
export const hasPlaceholderCharacters = (text: string) => text.includes(OPEN) || text.includes(CLOSE)

/** A value as text next to other text: strings as they are, structures as JSON, nothing as empty. */
export const asText = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)

export interface InsertionProblem {
  /** Offset of the scalar in the rendered text, for its line. */
  offset: number
  /** The placeholder at fault, when the line of the value itself can be told. */
  placeholder?: string
  problem: string
}

/**
 * Puts the values back into a parsed document, in place. Returns the first problem: a value with a line break in
 * a block scalar, or a `{{…}}` in a tag or an anchor.
 */
export function insertValues(doc: Document, inserted: InsertedValues): InsertionProblem | undefined {
  let problem: InsertionProblem | undefined
  const fill = (text: string) => text.replace(TOKEN, (_m, i: string) => asText(inserted.values[Number(i)]))
  visit(doc, {
    Node(key, node) {
      if (problem) return visit.BREAK
      const n = node as Node & { anchor?: string; tag?: string }
      if ((n.anchor && TOKEN.test(n.anchor)) || (n.tag && TOKEN.test(n.tag))) {
        TOKEN.lastIndex = 0
        problem = {
          offset: n.range?.[0] ?? 0,
          problem: '{{…}} is used in a YAML tag or anchor; put it in a value or a key',
        }
        return visit.BREAK
      }
      TOKEN.lastIndex = 0
      if (!isScalar(node) || typeof node.value !== 'string') return
      const scalar = node as Scalar<string>
      const text = scalar.value
      if (!text.includes(OPEN)) return
      const alone = ONE_TOKEN.exec(text)
      if (alone && scalar.type === 'PLAIN' && key !== 'key') {
        const value = inserted.values[Number(alone[1])]
        // A structure becomes a node of its own; other values replace the scalar's value with their type.
        if (value !== null && typeof value === 'object') return doc.createNode(value)
        scalar.value = (value === undefined ? null : value) as string
        return
      }
      if (scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED') {
        for (const m of text.matchAll(TOKEN)) {
          if (LINE_BREAK.test(asText(inserted.values[Number(m[1])]))) {
            problem = {
              offset: scalar.range?.[0] ?? 0,
              placeholder: m[0],
              problem:
                'a value with a line break is inserted into a block scalar (| or >), where it would add lines; use a value of one line, or give it a field of its own',
            }
            return visit.BREAK
          }
        }
      }
      scalar.value = fill(text)
    },
  })
  if (problem) return problem
  // Keys that held a placeholder: their values are strings now; two equal keys would be a duplicate.
  visit(doc, {
    Map(_key, map) {
      if (problem) return visit.BREAK
      const seen = new Set<string>()
      for (const pair of map.items) {
        if (!isPair(pair)) continue
        const k = isScalar(pair.key) ? asText(pair.key.value) : undefined
        if (k === undefined) continue
        if (seen.has(k)) {
          problem = {
            offset: (pair.key as Node).range?.[0] ?? 0,
            problem: `the key ${JSON.stringify(k)} appears twice once the values are inserted`,
          }
          return visit.BREAK
        }
        seen.add(k)
      }
    },
  })
  return problem
}

/** The rendered text with values in place of the placeholders, for showing a line in an error. */
export function shownText(text: string, inserted: InsertedValues): string {
  return text.replace(TOKEN, (_m, i: string) => asText(inserted.values[Number(i)]))
}
