// A template's Handlebars syntax, read before any render: parsed once per text, `{{{raw}}}` and the `log` helper
// refused with their line, and the `credentials.<name>` it uses. Pure.
import Handlebars from 'handlebars'
import type { TemplateFile } from '../shared/kube-object.js'
import { TemplateError } from '../shared/errors.js'

type Node = { type: string; loc?: { start: { line: number } }; [key: string]: unknown }

/** Visits every node of a Handlebars syntax tree. */
function walk(node: unknown, visit: (n: Node) => void): void {
  if (!node || typeof node !== 'object') return
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit))
  const n = node as Node
  if (typeof n.type === 'string') visit(n)
  for (const [key, child] of Object.entries(n)) if (key !== 'loc') walk(child, visit)
}

/** Parsed templates by their text: a run looks at the same templates several times (credentials, renders). */
const parsed = new Map<string, ReturnType<typeof Handlebars.parse>>()

export function parseTemplate(file: TemplateFile): ReturnType<typeof Handlebars.parse> {
  const known = parsed.get(file.text)
  if (known) return known
  let ast: ReturnType<typeof Handlebars.parse>
  try {
    ast = Handlebars.parse(file.text)
  } catch (e) {
    const message = (e as Error).message
    const line = Number(/line (\d+)/.exec(message)?.[1]) || undefined
    throw new TemplateError(file.name, line, `Handlebars syntax error: ${message.split('\n').slice(-1)[0]}`)
  }
  walk(ast, (n) => {
    const helper = (n.path as { original?: unknown } | undefined)?.original
    if (
      ['MustacheStatement', 'SubExpression', 'BlockStatement'].includes(n.type) &&
      helper === 'log' &&
      ((n.params as unknown[] | undefined)?.length || n.type !== 'MustacheStatement')
    )
      throw new TemplateError(
        file.name,
        n.loc?.start.line,
        "the log helper is not available: a template cannot write to the run's log (it could print a password or a workflow command)",
      )
    if (n.type === 'MustacheStatement' && n.escaped === false) {
      throw new TemplateError(
        file.name,
        n.loc?.start.line,
        'raw output ({{{…}}} or {{& …}}) is not allowed: use {{…}}, which inserts the value as data, never as YAML.',
      )
    }
  })
  parsed.set(file.text, ast)
  return ast
}

/** The `credentials.<name>` the templates use, so the caller can find or generate each. */
export function credentialNames(templates: TemplateFile[]): string[] {
  const names = new Set<string>()
  for (const file of templates) {
    walk(parseTemplate(file), (n) => {
      const parts = n.type === 'PathExpression' ? (n.parts as string[]) : []
      if (parts[0] === 'credentials' && parts[1]) names.add(parts[1])
    })
  }
  return [...names].sort()
}
