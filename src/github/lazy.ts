// The GitHub port, loaded at its first call: Octokit and @actions/github (with undici, its fetch) are a chunk of
// the bundle of their own, so a run's start (its inputs, its plan, its first Kubernetes request) does not wait
// for them, and a run that never calls GitHub never loads them.
import type { GitHub } from './port.js'

const METHODS = [
  'pullRequest',
  'createDeployment',
  'setStatus',
  'listDeployments',
  'upsertComment',
  'removeLabel',
  'deleteEnvironment',
  'deleteDeployment',
  'reply',
  'permissionOf',
  'react',
  'upsertIssue',
] as const satisfies ReadonlyArray<keyof GitHub>

// Every method of the port is listed: a new one that is not fails to compile here.
type Unlisted = Exclude<keyof GitHub, (typeof METHODS)[number]>
const everyMethod: Unlisted extends never ? true : never = true

/** A GitHub port whose every call first loads the real one (once). */
export function lazyGitHub(load: () => Promise<GitHub>): GitHub {
  void everyMethod
  let loaded: Promise<GitHub> | undefined
  const call =
    (name: (typeof METHODS)[number]) =>
    async (...args: unknown[]): Promise<unknown> => {
      const port = await (loaded ??= load())
      return (port[name] as (...a: unknown[]) => Promise<unknown>)(...args)
    }
  return Object.fromEntries(METHODS.map((name) => [name, call(name)])) as unknown as GitHub
}
