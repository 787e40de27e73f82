// Validation before any change: a server-side dry run (dryRun=All) of every object, all at once, so that a run
// that cannot apply changes nothing. A refusal names the object, the field, and the template file and line.
import { ANNOTATION } from '../../preview/ownership.js'
import { resourceFromCrds } from '../resources/crds.js'
import { TemplateError } from '../../shared/errors.js'
import { type KubeObject, describeRef, refOf } from '../../shared/kube-object.js'
import { KubeError, type Kube } from '../port.js'
import { fieldLine, sourceOf } from '../../preview/sources.js'
import { quotaAmounts } from '../wait/refusals.js'
import { quantity } from '../../preview/requests.js'

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

/** A create refused for a port or IP that the live object (which the replacement deletes first) holds. */
const ALLOCATED = /already allocated/i

/**
 * A quota refusal of the create counts the live object too, which the replacement deletes first: it is a refusal
 * only when the new object alone asks more than a limit (a LoadBalancer Service under `services.loadbalancers: 0`).
 * Pure.
 */
export function quotaRefusesNew(message: string): boolean {
  const amounts = quotaAmounts(message)
  if (!amounts) return false
  return Object.entries(amounts.limited).some(
    ([resource, limit]) => quantity(amounts.requested[resource] ?? '') > quantity(limit),
  )
}

/**
 * An object that must be replaced is deleted before it is created again (apply.ts), so the cluster is asked first
 * whether it would take the object as new: a create dry run. Only the update was checked so far, and what only a
 * create meets (an admission policy or webhook on CREATE) would otherwise refuse it after the live one is gone.
 * The name is taken (by the object to replace): the API server validates and admits an object before it looks
 * for its name, so AlreadyExists means it would be accepted. Quota and allocated ports or IPs are judged with the
 * live object still there: a refusal only for what the live object's going cannot free. Returns the problem, or
 * null.
 */
async function refusedAsNew(
  kube: Kube,
  o: KubeObject,
  immutable: KubeError,
): Promise<{ file: string; line: number | undefined; text: string } | null> {
  try {
    await kube.create(o, { dryRun: true })
    return null
  } catch (e) {
    const causes = e instanceof KubeError ? e.causes.map((c) => c.message ?? '') : []
    if (!(e instanceof KubeError) || e.status < 400 || e.status >= 500 || e.status === 401) throw e
    if (e.status === 403 && /cannot [a-z]+ resource/i.test(e.message)) throw e
    if (/exceeded quota: /i.test(e.message) && !quotaRefusesNew(e.message)) return null
    if (ALLOCATED.test(e.message) && causes.every((c) => !c || ALLOCATED.test(c))) return null
    const field = immutable.causes.find((c) => c.field)?.field ?? 'a field'
    const problem = problemOf(o, e)
    return {
      ...problem,
      text: `${problem.text} (it must be replaced, as ${field.replace(/^\./, '')} cannot change in place, and the cluster would refuse it as a new object; nothing was deleted)`,
    }
  }
}

/** The cluster refuses the object as written (not: who may do it, nor a server that is down). */
export const isRefusal = (e: unknown): e is KubeError =>
  e instanceof KubeError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 403

/**
 * Dry-runs the `checked` objects at once. Objects of kinds that a CRD in the same set defines cannot be checked
 * before the CRD is installed, and an immutable-field change is not a refusal (the object will be replaced) when
 * the cluster would take the object as new; everything else the API server refuses fails the run before anything
 * changed.
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
            if (isImmutableChange(e) && REPLACEABLE_KINDS.has(o.kind)) return refusedAsNew(kube, o, e)
            if (isRefusal(e)) return problemOf(o, e)
            throw e
          },
        ),
      ),
  )
  const problems = refusals.filter((p) => p !== null)
  if (problems.length) throw errorOf(problems)
}

/** One error for every refusal of an apply: the first one's template and line, the others named after it. */
export const refusalError = (refusals: Array<{ object: KubeObject; error: KubeError }>) =>
  errorOf(refusals.map((r) => problemOf(r.object, r.error)))

function errorOf(problems: Array<{ file: string; line: number | undefined; text: string }>): ValidationError {
  const [first, ...rest] = problems
  const more = rest.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.text}`)
  return new ValidationError(
    first!.file,
    first!.line,
    `the cluster refuses ${first!.text}${more.length ? `; also ${more.join('; ')}` : ''}`,
  )
}
