// The template context: everything a template can use, documented in the README ("Writing templates"). Pure.
import type Handlebars from 'handlebars'
import { previewName } from './naming.js'
import { hostFor, type Plan } from './plan.js'

export interface TemplateContext {
  pr: {
    number: number
    title: string
    branch: string
    sha: string
    shortSha: string
    baseBranch: string
    url: string
  }
  repo: { owner: string; name: string; fullName: string }
  preview: {
    /** The namespace every object lands in. */
    namespace: string
    /** A short unique name for this preview (`<repo>-<hash>-pr-<n>`, at most 63 characters), e.g. for labels. */
    name: string
    environment: string
    domain: string
    /** Host and URL of the web app. */
    host: string
    url: string
    /** For a pod's `imagePullSecrets`: the pull Secret of the registry inputs, or an empty list. */
    imagePullSecrets: Array<{ name: string }>
  }
  image: string
  values: Record<string, unknown>
  credentials: Record<string, string>
  [key: string]: unknown
}

export function templateContext(
  plan: Plan,
  values: Record<string, unknown>,
  credentials: Record<string, string>,
  imagePullSecrets: Array<{ name: string }> = [],
): TemplateContext {
  return {
    pr: {
      number: plan.pr.number,
      title: plan.pr.title,
      branch: plan.pr.head.ref,
      sha: plan.pr.head.sha,
      shortSha: plan.pr.head.sha.slice(0, 7),
      baseBranch: plan.pr.base.ref,
      url: plan.pr.htmlUrl,
    },
    repo: {
      owner: plan.pr.repository.owner,
      name: plan.pr.repository.name,
      fullName: plan.pr.repository.fullName,
    },
    preview: {
      namespace: plan.namespace,
      name: previewName(plan.names),
      environment: plan.environment,
      domain: plan.domain,
      host: plan.host,
      url: plan.url,
      imagePullSecrets,
    },
    image: plan.image,
    values,
    credentials,
  }
}

/** `{{host "kibana"}}` → the host name of another service of the preview; `{{url "kibana"}}` → its URL. */
export function contextHelpers(plan: Plan): Record<string, Handlebars.HelperDelegate> {
  const host = (service: unknown) =>
    typeof service === 'string' && service ? hostFor(plan, service) : plan.host
  return {
    host: (...all: unknown[]) => host(all.length > 1 ? all[0] : undefined),
    url: (...all: unknown[]) => `${plan.scheme}://${host(all.length > 1 ? all[0] : undefined)}`,
  }
}

/** Values from the templates folder's values.yaml, overridden key by key by the `values` input. */
export function mergeValues(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(override)) {
    const b = out[k]
    out[k] =
      isMapping(b) && isMapping(v)
        ? mergeValues(b as Record<string, unknown>, v as Record<string, unknown>)
        : v
  }
  return out
}

const isMapping = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)
