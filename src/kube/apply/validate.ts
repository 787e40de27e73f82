// Validation before any change: a server-side dry run (dryRun=All) of every object, all at once, so that a run
// that cannot apply changes nothing. A refusal names the object, the field, and the template file and line.
import { ANNOTATION } from '../../preview/ownership.js'
import { resourceFromCrds } from '../resources/crds.js'
import { TemplateError } from '../../shared/errors.js'
import { type KubeObject, describeRef, refOf } from '../../shared/kube-object.js'
import { KubeError, type Kube } from '../port.js'
import { fieldLine, sourceOf } from '../../preview/sources.js'

/** Kinds whose objects the action re-creates when a field that cannot change did change (apply.ts). Not
 * PersistentVolumeClaims: deleting one waits for its pods and loses its data, so such a change is refused. */
export const REPLACEABLE_KINDS = new Set(['Job', 'StatefulSet', 'Service', 'Deployment', 'DaemonSet'])

const IMMUTABLE = /immutable|may not change|cannot be changed|Forbidden: updates to statefulset spec/i

/**
 * An update Kubernetes refuses only because fields cannot change: the object is replaced instead (apply.ts). The
 * API server lists every problem of one update in one 422: when any cause is something else (an invalid port
 * beside a changed selector), creating the object again would fail too, so it is a refusal, not a replacement.
 */
export function isImmutableChange(e: unknown): e is KubeError {
  if (!(e instanceof KubeError) || e.status !== 422) return false
  if (e.causes.length) return e.causes.every((c) => IMMUTABLE.test(`${c.message ?? ''} ${c.reason ?? ''}`))
  return IMMUTABLE.test(e.message)
}

export class ValidationError extends TemplateError {
  constructor(file: string, line: number | undefined, problem: string) {
    super(file, line, problem)
    this.name = 'ValidationError'
  }
}

/** The field the API server complains about, from its causes or, failing that, its message. Pure. */
export function refusedField(e: KubeError): { field?: string; message: string } {
  const cause = e.causes.find((c) => c.field)
  if (cause) return { field: cause.field!.replace(/^\./, ''), message: cause.message ?? e.message }
  const m = /(?:^|\s)\.?((?:metadata|spec|data|stringData|rules|subjects|roleRef)[\w.[\]-]*): (.*)$/.exec(
    e.message,
  )
  return m ? { field: m[1], message: m[2]! } : { message: e.message }
}

/** One line for a refusal, e.g. `Service web: spec.ports[0].port: Invalid value: 70000: must be between …`. */
function problemOf(o: KubeObject, e: KubeError): { file: string; line: number | undefined; text: string } {
  const { field, message } = refusedField(e)
  const source = sourceOf(o)
  const file = source?.template ?? o.metadata.annotations?.[ANNOTATION.template] ?? '(unknown template)'
  const line = field ? fieldLine(o, field) : source?.line
  const detail = message.replace(/^.*? is invalid: /, '')
  return {
    file,
    line,
    text: `${describeRef(refOf(o))}${field && !detail.startsWith(field) ? `: ${field}` : ''}: ${detail}`,
  }
}

/** The cluster refuses the object as written (not: who may do it, nor a server that is down). */
export const isRefusal = (e: unknown): e is KubeError =>
  e instanceof KubeError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 403

/** One error for every refusal: the first one's template and line, the others named after it. */
export function refusalError(refusals: Array<{ object: KubeObject; error: KubeError }>): ValidationError {
  const [first, ...rest] = refusals.map((r) => problemOf(r.object, r.error))
  const more = rest.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.text}`)
  return new ValidationError(
    first!.file,
    first!.line,
    `the cluster refuses ${first!.text}${more.length ? `; also ${more.join('; ')}` : ''}`,
  )
}

/**
 * Dry-runs the `checked` objects at once. Objects of kinds that a CRD in the same set defines cannot be checked
 * before the CRD is installed, and an immutable-field change is not a refusal (the object will be replaced);
 * everything else the API server refuses fails the run before anything changed.
 */
export async function validateObjects(
  kube: Kube,
  objects: KubeObject[],
  checked: (o: KubeObject) => boolean = () => true,
): Promise<void> {
  const refusals = await Promise.all(
    objects
      .filter((o) => checked(o) && !resourceFromCrds(objects, o.apiVersion, o.kind))
      .map((o) =>
        kube.apply(o, { dryRun: true }).then(
          () => null,
          (e: unknown) => {
            if (isImmutableChange(e) && REPLACEABLE_KINDS.has(o.kind)) return null
            if (isRefusal(e)) return { object: o, error: e }
            throw e
          },
        ),
      ),
  )
  const problems = refusals.filter((p) => p !== null)
  if (problems.length) throw refusalError(problems)
}
