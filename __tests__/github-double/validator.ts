// Checks a request against GitHub's official OpenAPI description (the committed extract of the operations the
// action uses). A request that matches no operation, or whose parameters or body break the schema, is refused.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'

interface ExtractParameter {
  name: string
  in: 'path' | 'query' | 'header'
  required: boolean
  schema: object
}
interface ExtractOperation {
  operationId: string
  method: string
  path: string
  parameters: ExtractParameter[]
  requestBody: { required: boolean; schema: object } | null
}

export interface MatchedRequest {
  operationId: string
  params: Record<string, string>
  query: Record<string, unknown>
  body: unknown
}

export type Validation =
  { ok: true; request: MatchedRequest } | { ok: false; status: 404 | 422; message: string }

interface CompiledOperation {
  op: ExtractOperation
  pattern: RegExp
  pathNames: string[]
  params: Map<string, { required: boolean; validate: ValidateFunction }>
  body: ValidateFunction | null
}

const extract = JSON.parse(readFileSync(new URL('./openapi-extract.json', import.meta.url), 'utf8')) as {
  operations: ExtractOperation[]
}

// Query and path parameters arrive as strings: coerce them to the schema's type, as GitHub does.
const paramAjv = new Ajv({ strict: false, coerceTypes: true, validateFormats: false, allErrors: true })
const bodyAjv = new Ajv({ strict: false, validateFormats: false, allErrors: true })

/**
 * GitHub ignores unknown body fields, which hides typos in a client; the double is stricter and refuses unknown
 * top-level fields of a request body.
 */
function closeTopLevel(schema: object): object {
  const s = schema as { type?: string; properties?: object; additionalProperties?: unknown }
  if (s.type === 'object' && s.properties && s.additionalProperties === undefined) {
    return { ...s, additionalProperties: false }
  }
  return schema
}

/**
 * OpenAPI 3.0's `nullable` next to `oneOf`/`anyOf` without a `type` (as in issues/update's title and milestone)
 * is not JSON Schema: ajv refuses it. It means "or null", which is what this writes, everywhere in the schema.
 */
export function nullableToJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableToJsonSchema)
  if (!schema || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(schema)) out[k] = nullableToJsonSchema(v)
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable
    const alternatives = (out.oneOf ?? out.anyOf) as unknown[] | undefined
    if (alternatives) {
      const key = out.oneOf ? 'oneOf' : 'anyOf'
      out[key] = [...alternatives, { type: 'null' }]
    }
  } else if (out.nullable === false && out.type === undefined) delete out.nullable
  return out
}

const compiled: CompiledOperation[] = extract.operations.map((op) => {
  const pathNames: string[] = []
  const pattern = new RegExp(
    '^' +
      op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        pathNames.push(name)
        return '([^/]+)'
      }) +
      '$',
  )
  const params = new Map<string, { required: boolean; validate: ValidateFunction }>()
  for (const p of op.parameters) {
    if (p.in === 'header') continue
    // Validate through a holder object so that ajv's type coercion can replace the value in place.
    const validate = paramAjv.compile({ type: 'object', properties: { v: p.schema } })
    params.set(`${p.in}:${p.name}`, { required: p.required, validate })
  }
  const body = op.requestBody
    ? bodyAjv.compile(closeTopLevel(nullableToJsonSchema(op.requestBody.schema) as object))
    : null
  return { op, pattern, pathNames, params, body }
})

function describe(errors: ValidateFunction['errors']): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')
}

export function validateRequest(
  method: string,
  path: string,
  query: URLSearchParams,
  rawBody: string,
): Validation {
  const candidates = compiled.filter((c) => c.pattern.test(path))
  if (candidates.length === 0) return { ok: false, status: 404, message: `no GitHub operation at ${path}` }
  const c = candidates.find((x) => x.op.method === method)
  if (!c) return { ok: false, status: 404, message: `${method} is not an operation of ${path}` }

  const problems: string[] = []
  const params: Record<string, string> = {}
  const match = c.pattern.exec(path)!
  c.pathNames.forEach((name, i) => {
    const value = decodeURIComponent(match[i + 1]!)
    params[name] = value
    const rule = c.params.get(`path:${name}`)
    if (rule && !rule.validate({ v: value }))
      problems.push(`path parameter ${name}: ${describe(rule.validate.errors)}`)
  })

  const parsedQuery: Record<string, unknown> = {}
  for (const [key, value] of query) {
    const rule = c.params.get(`query:${key}`)
    if (!rule) {
      problems.push(`unknown query parameter ${key}`)
      continue
    }
    const holder: Record<string, unknown> = { v: value }
    if (!rule.validate(holder)) problems.push(`query parameter ${key}: ${describe(rule.validate.errors)}`)
    parsedQuery[key] = holder.v
  }
  for (const [key, rule] of c.params) {
    const [where, name] = key.split(':') as [string, string]
    if (where === 'query' && rule.required && !query.has(name))
      problems.push(`missing query parameter ${name}`)
  }

  let body: unknown = undefined
  if (rawBody.trim() !== '') {
    try {
      body = JSON.parse(rawBody)
    } catch {
      problems.push('body is not JSON')
    }
  }
  if (c.body) {
    if (body === undefined) {
      if (c.op.requestBody?.required) problems.push('missing request body')
    } else if (!c.body(body)) {
      problems.push(`body: ${describe(c.body.errors)}`)
    }
  } else if (body !== undefined && method !== 'GET' && method !== 'DELETE') {
    problems.push('this operation takes no body')
  }

  if (problems.length > 0) {
    return { ok: false, status: 422, message: `${c.op.operationId}: ${problems.join('; ')}` }
  }
  return { ok: true, request: { operationId: c.op.operationId, params, query: parsedQuery, body } }
}
