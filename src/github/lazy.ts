// The GitHub port, loaded at its first call: Octokit and @actions/github (with undici, its fetch) are a chunk of
// the bundle of their own, so a run's start (its inputs, its plan, its first Kubernetes request) does not wait
// for them, and a run that never calls GitHub never loads them.
import type { GitHub } from './port.js'

/** A GitHub port whose every call first loads the real one (once). The object literal names every method. */
export function lazyGitHub(load: () => Promise<GitHub>): GitHub {
  let loaded: Promise<GitHub> | undefined
  const call = <K extends keyof GitHub>(name: K) =>
    (async (...args: unknown[]) => {
      const port = await (loaded ??= load())
      return (port[name] as (...a: unknown[]) => Promise<unknown>)(...args)
    }) as GitHub[K]
  return {
    pullRequest: call('pullRequest'),
    createDeployment: call('createDeployment'),
    setStatus: call('setStatus'),
    listDeployments: call('listDeployments'),
    upsertComment: call('upsertComment'),
    removeLabel: call('removeLabel'),
    deleteEnvironment: call('deleteEnvironment'),
    deleteDeployment: call('deleteDeployment'),
    reply: call('reply'),
    permissionOf: call('permissionOf'),
    react: call('react'),
    upsertIssue: call('upsertIssue'),
  }
}
