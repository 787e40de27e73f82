// A Kubernetes object as the action handles it, and the reference that names one. Shared by every layer.

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    [key: string]: unknown
  }
  [key: string]: unknown
}

/** A template file: its path relative to the templates folder (shown in errors) and its text. */
export interface TemplateFile {
  name: string
  text: string
}

/** An object and the template it was rendered from. */
export interface RenderedObject {
  object: KubeObject
  template: string
}

export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

export function refOf(o: {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string }
}): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }
}

/** `apps/Deployment/web`: the group (not the version), kind and name, which identify an object in a namespace. */
export function refKey(r: ObjectRef): string {
  const group = r.apiVersion.includes('/') ? r.apiVersion.split('/')[0] : ''
  return `${group}/${r.kind}/${r.name}`
}

export function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.name}`
}
