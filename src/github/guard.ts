// GitHub writes that first check that the run still holds its preview's lock (the lock is the Kubernetes port's).
import type { GitHub } from './client.js'

/** The same GitHub port, but every write first checks that the run still holds its lock. */
export function guardGitHub(github: GitHub, lock: { check(): void; verify(): Promise<void> }): GitHub {
  return {
    ...github,
    createDeployment: async (d) => (await lock.verify(), github.createDeployment(d)),
    // A status or comment after a close's `inactive` would say a removed preview is up: read the cluster first.
    // `inactive` never says a preview is up, so it is not guarded: a deploy that lost the preview to a close (its
    // lock is lost then) must still close the deployment it created, or that deployment stays without a status.
    setStatus: async (id, st) => (
      st.state === 'inactive' ? undefined : await lock.verify(),
      github.setStatus(id, st)
    ),
    upsertComment: async (...a) => (await lock.verify(), github.upsertComment(...a)),
    removeLabel: async (n, l) => (await lock.verify(), github.removeLabel(n, l)),
    deleteEnvironment: async (n) => (lock.check(), github.deleteEnvironment(n)),
    // Like `inactive`, removing a deployment never says a preview is up.
    deleteDeployment: (id) => github.deleteDeployment(id),
    reply: async (n, body) => (lock.check(), github.reply(n, body)),
  }
}
