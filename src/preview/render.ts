// Renders Handlebars templates into Kubernetes objects. Pure.
//
// Structural safety: the YAML structure is the template's alone. Each `{{expression}}` renders as a placeholder,
// the text is parsed, and only then do the values go into the scalars and keys that hold them (see
// inserted-values.ts): no value (a branch name, a PR title, a values entry) can add, remove or change structure,
// in any YAML context. `{{{raw}}}`, `{{& raw}}` and the `log` helper are refused.
import Handlebars from 'handlebars'
import { parseAllDocuments } from 'yaml'
import { claimProblems } from './claims.js'
import { crossObjectProblems, tenancyProblems, type TenancyRules } from './tenancy.js'
import { ownerAnnotations, ownerLabels, ANNOTATION, type Owner } from './ownership.js'
import type { KubeObject, TemplateFile, RenderedObject } from '../shared/kube-object.js'
import { TemplateError } from '../shared/errors.js'
import { lineOfPath, recordSource, sourceOf } from './sources.js'
import { KUBECTL_YAML, yamlScalar } from './yaml-scalar.js'
import { hasPlaceholderCharacters, insertValues, InsertedValues, shownText } from './inserted-values.js'
import { parseTemplate } from './template-syntax.js'

export { credentialNames } from './template-syntax.js'

/** Where the `{{…}}` of the render under way write their values (renders are synchronous: one at a time). */
let sink: InsertedValues | undefined

/** Handlebars with our escaping: the one place the output of `{{…}}` is decided. */
function handlebars(helpers: Record<string, Handlebars.HelperDelegate>): typeof Handlebars {
  const hb = Handlebars.create()
  // The runtime reads Utils.escapeExpression (one object shared by every Handlebars environment) when a
  // template is instantiated: ours replaces HTML escaping before anything is compiled.
  hb.Utils.escapeExpression = ((v: unknown) => (sink ? sink.placeholder(v) : yamlScalar(v))) as (
    s: string,
  ) => string
  // Nothing a template does may write to the log: Handlebars' `log` helper would print any value (a password
  // before it is masked, or a workflow command).
  hb.unregisterHelper('log')
  hb.registerHelper('log', () => {
    throw new Error("the log helper is not available: a template cannot write to the run's log")
  })
  hb.registerHelper(BUILTIN_HELPERS)
  hb.registerHelper(helpers)
  return hb
}

const str = (v: unknown) =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)
const args = (all: unknown[]) => all.slice(0, -1) // Handlebars passes its options object last

/** Helpers compute plain values; their results are quoted like any other value. */
const BUILTIN_HELPERS: Record<string, Handlebars.HelperDelegate> = {
  /** `{{concat "https://" preview.host "/health"}}` → one string. */
  concat: (...all: unknown[]) => args(all).map(str).join(''),
  /** `{{default values.replicas 1}}` → the first argument that is not empty. */
  default: (...all: unknown[]) => args(all).find((v) => v !== undefined && v !== null && v !== ''),
  lower: (v: unknown) => str(v).toLowerCase(),
  upper: (v: unknown) => str(v).toUpperCase(),
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  not: (v: unknown) => !v,
  and: (...all: unknown[]) => args(all).every(Boolean),
  or: (...all: unknown[]) => args(all).find(Boolean) ?? false,
  /** `{{json values.env}}`: the same as `{{values.env}}`, for readers who want to see it is a structure. */
  json: (v: unknown) => v,
  /** `{{trunc pr.branch 20}}` → at most n characters. */
  trunc: (v: unknown, n: unknown) => str(v).slice(0, Number(n)),
}

export interface RenderInput {
  templates: TemplateFile[]
  context: Record<string, unknown>
  helpers?: Record<string, Handlebars.HelperDelegate>
  owner: Owner
  /** Cluster-wide kinds the user allowed (the `allow-cluster-scoped` input); never Namespace. */
  allowClusterScoped?: string[]
  /** The preview's own hosts and namespace: other host names and RoleBinding subjects are template errors. */
  claims?: TenancyRules
  /** Most objects one render may produce (the `max-objects` input); beyond it, or beyond MAX_BYTES, it is refused. */
  maxObjects?: number
}

/** Built-in kinds that are cluster-wide; other kinds are checked against the cluster before anything is applied. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ClusterIssuer',
])

export function render(input: RenderInput): RenderedObject[] {
  const hb = handlebars(input.helpers ?? {})
  const out: RenderedObject[] = []
  let bytes = 0
  const seen = new Map<string, string>()
  for (const file of [...input.templates].sort((a, b) => a.name.localeCompare(b.name))) {
    const ast = parseTemplate(file)
    if (hasPlaceholderCharacters(file.text))
      throw new TemplateError(
        file.name,
        undefined,
        'holds the private-use characters U+E000 or U+E001; remove them',
      )
    let text: string
    const inserted = new InsertedValues()
    sink = inserted
    try {
      text = hb.compile(ast, { noEscape: false })(input.context, { allowProtoPropertiesByDefault: false })
    } catch (e) {
      const message = (e as Error).message
      throw new TemplateError(file.name, Number(/line (\d+)/.exec(message)?.[1]) || undefined, message)
    } finally {
      sink = undefined
    }
    const docs = parseAllDocuments(text, { ...KUBECTL_YAML, uniqueKeys: true, prettyErrors: true })
    if (!Array.isArray(docs)) throw new TemplateError(file.name, undefined, 'could not be read as YAML')
    for (const doc of docs) {
      const error = doc.errors[0]
      if (error) {
        const line = error.linePos?.[0].line
        const shown = line
          ? ` — rendered line ${line}: ${shownText(text.split('\n')[line - 1] ?? '', inserted)
              .trim()
              .slice(0, 160)}`
          : ''
        throw new TemplateError(
          file.name,
          line,
          `the rendered YAML is invalid: ${error.message.split('\n')[0]}${shown}`,
        )
      }
      // The structure is the template's alone; now the values go into their scalars.
      const problem = insertValues(doc, inserted)
      if (problem) {
        const at = problem.placeholder ? text.indexOf(problem.placeholder, problem.offset) : -1
        throw new TemplateError(file.name, lineOf(text, at >= 0 ? at : problem.offset), problem.problem)
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 })
      if (value === null || value === undefined) continue
      const line = doc.contents ? lineOf(text, doc.contents.range?.[0] ?? 0) : undefined
      const object = checkObject(file.name, line, value, input.owner, new Set(input.allowClusterScoped ?? []))
      const claim =
        input.claims && (claimProblems(object, input.claims)[0] ?? tenancyProblems(object, input.claims)[0])
      if (claim) throw new TemplateError(file.name, lineOfPath(doc, text, claim.path) ?? line, claim.problem)
      const key = `${object.apiVersion.split('/').length > 1 ? object.apiVersion.split('/')[0] : ''}/${object.kind}/${object.metadata.name}`
      const earlier = seen.get(key)
      if (earlier)
        throw new TemplateError(
          file.name,
          line,
          `${object.kind} "${object.metadata.name}" is also defined in ${earlier}`,
        )
      seen.set(key, file.name)
      recordSource(object, { template: file.name, line, document: doc, text })
      out.push({ object, template: file.name })
      bytes += Buffer.byteLength(JSON.stringify(object))
      checkSize(out, bytes, input.maxObjects ?? DEFAULT_MAX_OBJECTS, file.name, line)
    }
  }
  if (input.claims) {
    const [cross] = crossObjectProblems(out.map((r) => r.object))
    if (cross) {
      const { template } = out.find((r) => r.object === cross.object)!
      throw new TemplateError(template, fieldLineOf(cross.object, cross.path), cross.problem)
    }
  }
  return out
}

export const DEFAULT_MAX_OBJECTS = 300
/** 3 MiB: far more than a stack needs, far less than what fills etcd for every tenant. */
export const MAX_BYTES = 3 * 1024 * 1024

function checkSize(
  out: RenderedObject[],
  bytes: number,
  max: number,
  file: string,
  line: number | undefined,
) {
  if (out.length > max)
    throw new TemplateError(
      file,
      line,
      `the templates render more than ${max} objects (max-objects); a loop over a long list would fill the cluster's storage for everyone. Raise max-objects if the preview really needs them`,
    )
  if (bytes > MAX_BYTES)
    throw new TemplateError(
      file,
      line,
      `the templates render more than 3 MiB of objects; a preview's objects are its configuration, not its data (seed data in a Job, or a volume)`,
    )
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

function checkObject(
  file: string,
  line: number | undefined,
  value: unknown,
  owner: Owner,
  allowed: Set<string>,
): KubeObject {
  const fail = (problem: string): never => {
    throw new TemplateError(file, line, problem)
  }
  if (typeof value !== 'object' || Array.isArray(value))
    fail('each YAML document must be one Kubernetes object (a mapping)')
  const o = value as Partial<KubeObject>
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) fail('the object has no apiVersion')
  if (typeof o.kind !== 'string' || !o.kind) fail('the object has no kind')
  if (typeof o.metadata !== 'object' || o.metadata === null) fail(`the ${o.kind} has no metadata`)
  const meta = o.metadata!
  if (typeof meta.name !== 'string' || !NAME.test(meta.name) || meta.name.length > 253) {
    fail(
      `the ${o.kind}'s metadata.name ${JSON.stringify(meta.name)} is not a valid Kubernetes name (lowercase letters, digits, '-' and '.')`,
    )
  }
  const clusterWide = CLUSTER_SCOPED_KINDS.has(o.kind!)
  if (o.kind === 'Namespace') {
    fail(
      `Namespace "${meta.name}": a preview may not create namespaces (the action creates the preview's own)`,
    )
  }
  if (clusterWide && !allowed.has(o.kind!)) {
    fail(
      `${o.kind} "${meta.name}" is cluster-wide; a preview may only hold objects in its own namespace, unless the kind is listed in the allow-cluster-scoped input`,
    )
  }
  if (clusterWide && meta.namespace !== undefined)
    fail(`${o.kind} "${meta.name}" is cluster-wide: remove metadata.namespace`)
  if (!clusterWide && meta.namespace !== undefined && meta.namespace !== owner.namespace) {
    fail(
      `${o.kind} "${meta.name}" names namespace ${JSON.stringify(meta.namespace)}; leave metadata.namespace out — every object goes in the preview's namespace`,
    )
  }
  const labels = meta.labels ?? {}
  const annotations = meta.annotations ?? {}
  if (typeof labels !== 'object' || typeof annotations !== 'object')
    fail('metadata.labels and metadata.annotations must be mappings')
  return stampOwnership(o as KubeObject, owner, file, !clusterWide)
}

/** Puts an object in the preview's namespace with the preview's ownership labels and annotations. */
export function stampOwnership(o: KubeObject, owner: Owner, template: string, namespaced = true): KubeObject {
  const { namespace, ...metadata } = o.metadata
  return {
    ...o,
    metadata: {
      ...metadata,
      ...(namespaced ? { namespace: owner.namespace } : {}),
      labels: { ...stringMap(o.metadata.labels ?? {}), ...ownerLabels(owner) },
      annotations: {
        ...stringMap(o.metadata.annotations ?? {}),
        ...ownerAnnotations(owner),
        [ANNOTATION.template]: template,
      },
    },
  }
}

function stringMap(m: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]))
}

/** The rendered line of a path of an object this render made. */
function fieldLineOf(o: KubeObject, path: Array<string | number>): number | undefined {
  const source = sourceOf(o)
  return source ? (lineOfPath(source.document, source.text, path) ?? source.line) : undefined
}
