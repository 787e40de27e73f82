// A fork PR's `closed` run: GitHub gives workflow runs of pull_request events from forks no secrets, so the
// kubeconfig is empty. That run cannot reach the cluster, and it is not a failure: it says why and what removes
// the preview instead. Pure.
import type { Plan } from '../preview/plan.js'
import type { Settings } from '../inputs/settings.js'

export function forkCloseWithoutKubeconfig(plan: Plan, settings: Settings): string | null {
  if (plan.action !== 'destroy' || settings.kubeconfig || !plan.pr.fork) return null
  return (
    `Not removed by this run: PR #${plan.pr.number} comes from a fork, and GitHub gives workflow runs of fork ` +
    'pull requests no secrets, so there is no kubeconfig. If it had a preview (allow-forks), the next run with ' +
    'mode: sweep removes it, as its pull request is closed.'
  )
}

/** The plan of a run that has nothing it can do: skipped, with the reason. */
export function skipForkClose(plan: Plan, settings: Settings): Plan {
  const reason = forkCloseWithoutKubeconfig(plan, settings)
  return reason ? { ...plan, action: 'skip', reason } : plan
}
