// The objects of one preview, rendered from its templates and the action's own additions (guardrails, front door,
// registry login, generated credentials). Pure: the deploy, the render command and the tests share it.
import {
  credentialsSecretObject,
  fillCredentials,
  renderHidingCredentials,
} from '../../preview/credentials.js'
import { contextHelpers, mergeValues, templateContext } from '../../preview/context.js'
import { OPEN_FRONT_DOOR } from '../../preview/frontdoor.js'
import { admissionFromInputs } from '../../preview/admission.js'
import { guardrailObjects } from '../../preview/guardrails.js'
import { resolvePersistence } from '../../preview/persistence.js'
import type { PreparedFrontDoor } from '../../kube/frontdoor.js'
import { ownerOf } from '../../preview/ownership.js'
import type { Plan } from '../../preview/plan.js'
import { imagePullSecrets, registryObjects } from '../../preview/registry.js'
import { credentialNames, render, stampOwnership } from '../../preview/render.js'
import { withSecretData } from '../../preview/secret-data.js'
import { checkAuthProxyRouting, checkOwnAuthProxy } from '../../preview/auth-proxy.js'
import { ownAuthProxyTemplate } from '../../preview/templates.js'
import type { DeployOptions } from './types.js'

export { ownerOf }

/** Renders the preview's objects; the credentials Secret is added when the templates ask for credentials. */
export function renderPreview(
  plan: Plan,
  o: Pick<DeployOptions, 'templates' | 'values' | 'allowClusterScoped' | 'guardrails' | 'registry'> & {
    frontDoor?: PreparedFrontDoor
    /** Where pods reach the API server (the egress guard denies them); read from the cluster. */
    apiServerAddresses?: string[]
    /** The cluster's default StorageClass, for `values.persistence.enabled: auto`; absent or null: none. */
    defaultStorageClass?: string | null
  },
  existingCredentials: Record<string, string>,
) {
  const owner = ownerOf(plan)
  const names = credentialNames(o.templates.files)
  const credentials = fillCredentials(names, existingCredentials)
  const persistence = resolvePersistence(
    mergeValues(o.templates.defaults, o.values),
    o.defaultStorageClass ?? null,
  )
  const values = persistence.values
  // With basic-auth, the password proxy is the action's own: the set must hold it unchanged.
  const auth = !!o.frontDoor?.context.auth
  if (auth) checkOwnAuthProxy(o.templates.files, ownAuthProxyTemplate())
  const rendered = renderHidingCredentials(credentials.values, (shown) =>
    render({
      templates: o.templates.files,
      context: {
        ...templateContext(plan, values, shown, imagePullSecrets(o.registry ?? null)),
        ...(o.frontDoor?.context ?? OPEN_FRONT_DOOR),
      },
      helpers: contextHelpers(plan),
      owner,
      allowClusterScoped: o.allowClusterScoped,
      claims: {
        domain: plan.domain,
        unique: plan.names.unique,
        namespace: plan.namespace,
        allowServiceTypes: new Set(o.guardrails.allowServiceTypes),
      },
      maxObjects: o.guardrails.maxObjects,
    }),
  )
  if (auth) checkAuthProxyRouting(rendered)
  const registry = registryObjects(plan.image, o.registry ?? null).map((r) =>
    stampOwnership(r, owner, '(registry inputs)'),
  )
  const admission = o.frontDoor?.admission ?? admissionFromInputs(o.guardrails)
  const templated = rendered.map((r) => withSecretData(r.object))
  const objects = [
    ...guardrailObjects(
      o.guardrails,
      owner,
      rendered.map((r) => r.object),
      { apiServerAddresses: o.apiServerAddresses ?? [] },
      admission,
    ),
    ...(o.frontDoor?.objects ?? []).map((x) => stampOwnership(x, owner, '(front door)')),
    ...registry,
    ...templated,
  ]
  if (names.length > 0)
    objects.unshift(
      stampOwnership(credentialsSecretObject(credentials.values), owner, '(generated credentials)'),
    )
  return { objects, credentials, persistence: persistence.line }
}
