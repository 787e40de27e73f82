// What every end-to-end test file of the action shares: this run's cluster, a GitHub double started for the
// file, and a `run` that deploys (or closes) a PR through the bundled action with sensible inputs.
import { afterAll, beforeAll, expect } from '@jest/globals'
import { startGitHubDouble, type GitHubDouble } from '../github-double/server.js'
import { sha, testKube } from './kube.js'
import { runAction, type RunOptions } from './run-action.js'

type Event = NonNullable<RunOptions['event']>
export type PreviewEvent = Partial<Event> & { repository: string; number: number }

/** Whether a recorded GitHub request is the create-deployment call for the given head commit. */
export const createOf = (head: string) => (r: { operationId: string | null; body: unknown }) =>
  r.operationId === 'repos/create-deployment' && (r.body as { ref?: string } | undefined)?.ref === head

export function previewHarness(defaults: { action?: Event['action']; timeout?: string } = {}) {
  const kube = testKube()
  let double: GitHubDouble | undefined
  beforeAll(async () => {
    double = await startGitHubDouble()
  })
  afterAll(() => {
    // Every request the action made matched GitHub's OpenAPI description, in every suite: a refusal that the
    // action only warns about (a comment update, tidying earlier deployments) would otherwise go unseen.
    const rejected = double?.rejected() ?? []
    void double?.close()
    expect(rejected.map((r) => `${r.method} ${r.path}: ${r.error}`)).toEqual([])
  })
  /** The file's GitHub double (started in beforeAll; this forwards to it). */
  const gh = new Proxy({} as GitHubDouble, { get: (_target, key) => Reflect.get(double!, key) })

  /** Runs the action for a PR; the head SHA defaults to one derived from the repository and number. */
  const run = (event: PreviewEvent, inputs: Record<string, string> = {}, options: Partial<RunOptions> = {}) =>
    runAction({
      apiUrl: gh.url,
      ...options,
      event: {
        action: defaults.action ?? 'opened',
        sha: sha(`${event.repository}#${event.number}`),
        ...event,
      },
      inputs: {
        kubeconfig: kube.kubeconfigText,
        'github-token': gh.token,
        domain: 'preview.example.test',
        timeout: defaults.timeout ?? '90s',
        ...inputs,
      },
    })

  const namespaceExists = async (name: string) =>
    (await kube.core.listNamespace({ fieldSelector: `metadata.name=${name}` })).items.length > 0
  /** The latest state of each deployment of a repository (of one environment, when given). */
  const latestStates = (repo: string, environment?: string) =>
    gh.deployments
      .filter((d) => d.repo === repo && (!environment || d.environment === environment))
      .map((d) => gh.statusesOf(d.id).at(-1)?.state)

  /**
   * Where a run's words go, besides its log: its outputs, the job summary, and every request it made to GitHub
   * for the repository (the deployment and its payload, the statuses, the PR comment). [where, text] pairs.
   */
  const reported = (r: { outputs: Record<string, string>; summary: string }, repo: string) => [
    ...Object.entries(r.outputs).map(([name, value]) => [`output ${name}`, value] as const),
    ['job summary', r.summary] as const,
    ...gh.requests
      .filter((q) => q.path.startsWith(`/repos/${repo}/`))
      .map((q) => [`${q.method} ${q.path}`, JSON.stringify(q.body ?? '')] as const),
  ]
  /** The places of `reported` that contain the text (an empty list when none does). */
  const leaksOf = (r: { outputs: Record<string, string>; summary: string }, repo: string, secret: string) =>
    reported(r, repo)
      .filter(([, text]) => text.includes(secret))
      .map(([where]) => where)

  return { kube, gh, run, namespaceExists, latestStates, reported, leaksOf }
}
