// Red only when it is broken, green only when it runs (issue #22): the verdict on pods that really run on the
// local cluster's real node, through the bundled action. A refusal that the fixing push heals, a quota hit only by
// the rolling update's surge, a missing image that is pushed before the re-run: waiting helps, so the run waits.
// A crashing init container and a crash loop without a readiness probe: red, with the container's own words.
import { describe, expect, test } from '@jest/globals'
import { sha } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import { pushToRealNode, realNode, realNodeWorkspace } from './harness/real-node.js'

const { kube, gh, run } = previewHarness({ timeout: '90s' })
const explain = (r: { code: number | null; log: string }) => (r.code === 0 ? '' : r.log)

/** One push of a PR whose templates are the given files, placed on the real node. */
const push = (
  repository: string,
  number: number,
  commit: string,
  files: Record<string, string>,
  inputs: Record<string, string> = {},
  runAttempt = 1,
) =>
  run(
    { repository, number, action: 'synchronize', sha: sha(`${repository}#${number}@${commit}`) },
    { templates: 'preview', ...inputs },
    { workspace: realNodeWorkspace(files), runAttempt },
  )

interface Web {
  replicas?: number
  command?: string
  /** Lines added to the container (indented for it). */
  container?: string
  /** Lines added to the pod spec before `containers:`. */
  pod?: string
  /** Lines added to the Deployment's spec. */
  spec?: string
  image?: string
  version?: string
}

/** A Deployment `web` of the tools image; its shell runs `command` (by default: stays up). */
const web = (w: Web = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${w.replicas ?? 1}
${w.spec ?? ''}  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 1
${w.pod ?? ''}      containers:
        - name: web
          image: ${w.image ?? realNode().toolsImage}
          imagePullPolicy: IfNotPresent
          command: ['sh', '-c', ${JSON.stringify(w.command ?? "trap 'exit 0' TERM; sleep 3600 & wait")}]
          env: [{ name: VERSION, value: ${JSON.stringify(w.version ?? 'v1')} }]
${w.container ?? ''}`

const lastStatus = (r: { outputs: Record<string, string> }) =>
  gh.statusesOf(Number(r.outputs['deployment-id'])).at(-1)

describe('waiting heals it: the run waits', () => {
  test('1. a pod that Pod Security refuses fails at once; the push that fixes it is deployed', async () => {
    const repo = 'acme/refused-then-fixed'
    const privileged = web({ container: '          securityContext: { privileged: true }\n' })
    const started = Date.now()
    const refused = await push(repo, 11, 'v1', { 'web.yaml': privileged })
    expect(refused.outputs.status).toBe('failed')
    expect(refused.log).toMatch(/violates PodSecurity "baseline:latest"/)
    expect(refused.log).not.toMatch(/Not ready within/)
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(lastStatus(refused)?.state).toBe('failure')

    // The old ReplicaSet keeps retrying (and keeps its ReplicaFailure, which the Deployment shows) until the new
    // pod is available: neither is about this push.
    const fixed = await push(repo, 11, 'v2', { 'web.yaml': web({ version: 'v2' }) })
    expect(explain(fixed)).toBe('')
    expect(fixed.outputs.status).toBe('deployed')
    expect(lastStatus(fixed)?.state).toBe('success')
    const pods = await kube.core.listNamespacedPod({
      namespace: fixed.outputs.namespace!,
      labelSelector: 'app=web',
    })
    const live = pods.items.filter((p) => !p.metadata!.deletionTimestamp)
    expect(live.map((p) => p.spec!.containers[0]!.env![0]!.value)).toEqual(['v2'])
  }, 240_000)

  test('2. a quota that only the rolling update surge exceeds: the run waits and is deployed', async () => {
    const repo = 'acme/surge-quota'
    const quota = { 'resource-quota': '{pods: "4"}' }
    const first = await push(repo, 12, 'v1', { 'web.yaml': web({ replicas: 4 }) }, quota)
    expect(explain(first)).toBe('')
    // The new ReplicaSet's first pod is refused (4 pods used, 4 allowed); the controller takes an old pod down
    // (maxUnavailable 1), the quota frees, its retry succeeds: kubectl rollout status waits for this too.
    const second = await push(repo, 12, 'v2', { 'web.yaml': web({ replicas: 4, version: 'v2' }) }, quota)
    expect(explain(second)).toBe('')
    expect(second.outputs.status).toBe('deployed')
    const ns = second.outputs.namespace!
    const events = await kube.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'reason=FailedCreate',
    })
    expect(events.items.map((e) => e.message).join('\n')).toMatch(/exceeded quota/)
    const dep = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    expect(dep.status).toMatchObject({ updatedReplicas: 4, availableReplicas: 4, replicas: 4 })
  }, 240_000)

  test('3. an image pushed after the run timed out: the re-run is deployed, not failed on the old deadline', async () => {
    const repo = 'acme/missing-image'
    const image = `preview.local/app-${sha(`${process.pid}`).slice(0, 8)}:1`
    const files = { 'web.yaml': web({ image, spec: '  progressDeadlineSeconds: 5\n' }) }
    const first = await push(repo, 13, 'v1', files, { timeout: '40s' })
    expect(first.outputs.status).toBe('failed')
    expect(first.log).toMatch(/ImagePullBackOff|ErrImagePull|progress deadline exceeded/)
    const ns = first.outputs.namespace!
    const stuck = await kube.apps.readNamespacedDeployment({ name: 'web', namespace: ns })
    expect(stuck.status!.conditions!.find((c) => c.type === 'Progressing')?.reason).toBe(
      'ProgressDeadlineExceeded',
    )

    // The image build finishes; the workflow is re-run: same commit, same templates, same ReplicaSet.
    pushToRealNode(image)
    await new Promise((r) => setTimeout(r, 2000))
    const rerun = await push(repo, 13, 'v1', files, { timeout: '120s' }, 2)
    expect(explain(rerun)).toBe('')
    expect(rerun.outputs.status).toBe('deployed')
  }, 300_000)
})

describe('broken is red, with the cause', () => {
  test('8. a crashing init container is named, with its exit code and last log line', async () => {
    const repo = 'acme/init-crash'
    const init = `      initContainers:
        - name: wait-for-db
          image: ${realNode().toolsImage}
          command: ['sh', '-c', 'echo waiting for mariadb; echo "ERROR 2005: Unknown server host mariadb"; exit 3']
`
    const r = await push(repo, 14, 'v1', { 'web.yaml': web({ pod: init }) }, { timeout: '30s' })
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    for (const text of [r.log, r.summary]) {
      expect(text).toMatch(/init container wait-for-db/)
      expect(text).toMatch(/exit code 3/)
      expect(text).toContain('ERROR 2005: Unknown server host mariadb')
    }
    expect(lastStatus(r)?.description).toMatch(/init container wait-for-db/)
  }, 180_000)

  test('13. a crash loop without a readiness probe is red with its exit code and last log line', async () => {
    const repo = 'acme/crash-no-probe'
    const started = Date.now()
    const r = await push(
      repo,
      15,
      'v1',
      {
        'web.yaml': web({
          command: 'echo booting; sleep 1; echo "fatal: SECRET_KEY_BASE is missing"; exit 1',
        }),
      },
      { timeout: '30s' },
    )
    expect(r.outputs.status).toBe('failed')
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/CrashLoopBackOff \(restarted \d+ times?; last exit code 1\)/)
    expect(r.log).toContain('fatal: SECRET_KEY_BASE is missing')
    expect(lastStatus(r)?.state).toBe('failure')
    expect(lastStatus(r)?.description).toContain('exit code 1')
    // Not the moment the container ran: a deploy that says "deployed" in a second is what this test forbids.
    expect(Date.now() - started).toBeGreaterThan(5000)
  }, 180_000)

  test('13. a container that stays up without a probe is deployed once it has stayed up a few seconds', async () => {
    const r = await push('acme/no-probe-ok', 16, 'v1', { 'web.yaml': web() })
    expect(explain(r)).toBe('')
    expect(r.outputs.status).toBe('deployed')
    const [pod] = (
      await kube.core.listNamespacedPod({ namespace: r.outputs.namespace!, labelSelector: 'app=web' })
    ).items
    const startedAt = Date.parse(String(pod!.status!.containerStatuses![0]!.state!.running!.startedAt))
    const success = gh.statusesOf(Number(r.outputs['deployment-id'])).find((s) => s.state === 'success')!
    expect(Date.parse(success.created_at) - startedAt).toBeGreaterThanOrEqual(4000)
  }, 180_000)
})
