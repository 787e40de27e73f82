// The settings and the plan of an opened PR of acme/shop, as a run parses them from its inputs and its event: for
// unit tests that render a preview as a deploy does, without a cluster.
import { parsePullRequestEvent } from '../../src/inputs/event.js'
import { parseSettings } from '../../src/inputs/settings.js'
import { planPreview } from '../../src/preview/plan.js'
import { pullRequestEvent } from './events.js'

/** `inputs` over a kubeconfig and the domain pr.example.com; PR `number` at head `sha`. */
export function planOf(inputs: Record<string, string>, number: number, sha: string) {
  const settings = parseSettings(
    (n) => ({ kubeconfig: 'clusters: []', domain: 'pr.example.com', ...inputs })[n] ?? '',
  )
  const event = parsePullRequestEvent(
    'pull_request',
    pullRequestEvent({ action: 'opened', number, repository: 'acme/shop', sha }),
  )
  const plan = planPreview(event, settings, { serverUrl: 'https://github.com', runId: '1', runAttempt: '1' })
  return { settings, plan }
}
