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

/** An update Kubernetes refuses because a field cannot change: the object is replaced instead (apply.ts). */
export function isImmutableChange(e: unknown): e is KubeError {
  return (
    e instanceof KubeError &&
    e.status === 422 &&
    /immutable|may not change|cannot be changed|Forbidden: updates to statefulset spec/i.test(e.message)
  )
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

/**
 * Dry-runs every object at once. Objects of kinds that a CRD in the same set defines cannot be checked before the
 * CRD is installed, and an immutable-field change is not a refusal (the object will be replaced); everything else
 * the API server refuses fails the run before anything changed.
 */
export async function validateObjects(kube: Kube, objects: KubeObject[]): Promise<void> {
  const checked = objects.filter((o) => !resourceFromCrds(objects, o.apiVersion, o.kind))
  const refusals = await Promise.all(
    checked.map((o) =>
      kube.apply(o, { dryRun: true }).then(
        () => null,
        (e: unknown) => {
          if (isImmutableChange(e) && REPLACEABLE_KINDS.has(o.kind)) return null
          if (
            e instanceof KubeError &&
            e.status >= 400 &&
            e.status < 500 &&
            e.status !== 401 &&
            e.status !== 403
          )
            return problemOf(o, e)
          throw e
        },
      ),
    ),
  )
  const problems = refusals.filter((p) => p !== null)
  if (problems.length === 0) return
  const [first, ...rest] = problems
  const more = rest.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.text}`)
  throw new ValidationError(
    first!.file,
    first!.line,
    `the cluster refuses ${first!.text}${more.length ? `; also ${more.join('; ')}` : ''}`,
  )
}
