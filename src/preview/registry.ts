// Pulling the app image from a private registry: the `registry-username` / `registry-password` inputs become a
// kubernetes.io/dockerconfigjson Secret in the preview, for the registry of the `image`, attached to the
// namespace's default ServiceAccount (so every pod that names no other account gets it, user templates included)
// and offered to templates as `preview.imagePullSecrets`. Pure.
import type { KubeObject } from '../shared/kube-object.js'
import type { RegistryLogin } from '../inputs/registry.js'

export const PULL_SECRET = 'preview-registry'

const DOCKER_HUB = 'https://index.docker.io/v1/'

/**
 * The registry host of an image reference, as container runtimes read it: the first path component when it has a
 * dot or a port or is `localhost` (`ghcr.io/acme/app:1`), else Docker Hub (`acme/app`, `redis:7`).
 */
export function registryOf(image: string): string {
  const slash = image.indexOf('/')
  if (slash < 0) return DOCKER_HUB
  const first = image.slice(0, slash)
  if (first.includes('.') || first.includes(':') || first === 'localhost') return first
  return DOCKER_HUB
}

/** The base64 `user:password` of a dockerconfig's `auth` field. */
const basicAuth = (login: RegistryLogin) =>
  Buffer.from(`${login.username}:${login.password}`).toString('base64')

/** The `.dockerconfigjson` of one registry login. */
export function dockerConfigJson(registry: string, login: RegistryLogin): string {
  return JSON.stringify({
    auths: { [registry]: { username: login.username, password: login.password, auth: basicAuth(login) } },
  })
}

/** What a log must hide: the password and the base64 `auth` that contains it. */
export function registrySecrets(login: RegistryLogin | null): string[] {
  if (!login) return []
  return [login.password, basicAuth(login)]
}

/** The pull Secret and the default ServiceAccount that uses it; none without a login. */
export function registryObjects(image: string, login: RegistryLogin | null): KubeObject[] {
  if (!login) return []
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: PULL_SECRET },
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': Buffer.from(dockerConfigJson(registryOf(image), login)).toString('base64'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default' },
      imagePullSecrets: [{ name: PULL_SECRET }],
    },
  ]
}

/** `preview.imagePullSecrets` of the template context: a list ready for a pod's `imagePullSecrets`. */
export function imagePullSecrets(login: RegistryLogin | null): Array<{ name: string }> {
  return login ? [{ name: PULL_SECRET }] : []
}
