// Where each rendered object came from (its template, the rendered YAML document and line), so that any later
// error — a claim, a dry-run refusal — can point at the template line. Pure.
import type { KubeObject } from '../shared/kube-object.js'

/** Where an object came from: its template and the rendered YAML document, to point errors at a line. */
export interface ObjectSource {
  template: string
  /** First line of the object's document in the rendered template. */
  line: number | undefined
  document: { getIn(path: Iterable<unknown>, keepScalar?: boolean): unknown }
  text: string
}

const sources = new WeakMap<KubeObject, ObjectSource>()

/** Remembers where a rendered object came from (render does, for every object). */
export function recordSource(o: KubeObject, source: ObjectSource): void {
  sources.set(o, source)
}

/** The template and document an object was rendered from (undefined for objects the action adds itself). */
export function sourceOf(o: KubeObject): ObjectSource | undefined {
  return sources.get(o)
}

/** `spec.ports[0].port` → [`spec`, `ports`, 0, `port`], the API server's way of naming a field. */
export function fieldPath(field: string): Array<string | number> {
  const out: Array<string | number> = []
  for (const m of field.replace(/^\./, '').matchAll(/([^.[\]]+)|\[(\d+)\]|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1])
    else if (m[2] !== undefined) out.push(Number(m[2]))
    else if (m[3] !== undefined) out.push(m[3])
  }
  return out
}

/** The rendered line of a field of an object (or of its nearest parent that is written out), when known. */
export function fieldLine(o: KubeObject, field: string): number | undefined {
  const source = sources.get(o)
  if (!source) return undefined
  return lineOfPath(source.document, source.text, fieldPath(field)) ?? source.line
}

/** The line (1-based) of a path inside a parsed YAML document of `text`, when the document can say. */
export function lineOfPath(
  doc: { getIn(path: Iterable<unknown>, keepScalar?: boolean): unknown },
  text: string,
  path: Array<string | number>,
): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined
    if (node?.range) return text.slice(0, node.range[0]).split('\n').length
  }
  return undefined
}
