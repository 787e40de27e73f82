// GitHub writes that first check that the run still holds its preview's lock (the lock is the Kubernetes port's).
import type { GitHub } from './client.js'

/** The same GitHub port, but every write first checks that the run still holds its lock. */
export function guardGitHub(github: GitHub, lock: { check(): void }): GitHub {
  return {
    ...github,
    createDeployment: async (d) => (lock.check(), github.createDeployment(d)),
    setStatus: async (id, st) => (lock.check(), github.setStatus(id, st)),
    upsertComment: async (...a) => (lock.check(), github.upsertComment(...a)),
    deleteEnvironment: async (n) => (lock.check(), github.deleteEnvironment(n)),
  }
}
