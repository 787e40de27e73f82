// Pod security: every preview namespace enforces a Pod Security Standard (baseline by default), so a template
// cannot run a privileged or hostPath pod; the bundled stack passes baseline.
import { describe, expect, test } from '@jest/globals'
import { eventually } from './harness/kube.js'
import { previewHarness } from './harness/preview.js'
import { webApp, workspaceWith } from './harness/workspace.js'

const { kube, run } = previewHarness({ timeout: '30s' })
const PSA = 'pod-security.kubernetes.io'
const labelsOf = async (ns: string) => (await kube.core.readNamespace({ name: ns })).metadata!.labels!

const privileged = `      hostNetwork: true
      volumes:
        - name: host
          hostPath: {path: /}
`
const privilegedContainer = webApp(privileged).replace(
  '          image: {{image}}\n',
  '          image: {{image}}\n          securityContext: {privileged: true}\n          volumeMounts: [{name: host, mountPath: /host}]\n',
)

describe('pod security', () => {
  test('the bundled stack deploys under baseline; the namespace enforces baseline and warns at restricted', async () => {
    const r = await run({ repository: 'acme/psa-default', number: 1 }, { timeout: '90s' })
    expect(r.log).not.toContain('::error')
    expect(r.outputs.status).toBe('deployed')
    expect(await labelsOf(r.outputs.namespace!)).toMatchObject({
      [`${PSA}/enforce`]: 'baseline',
      [`${PSA}/enforce-version`]: 'latest',
      [`${PSA}/warn`]: 'restricted',
      [`${PSA}/audit`]: 'restricted',
      'app.kubernetes.io/managed-by': 'kube-pr-preview',
    })
    // What restricted would refuse is in the log, once per distinct warning.
    expect(r.log).toMatch(/kube-apiserver warns: .*would violate PodSecurity "restricted:latest"/)
  })

  test('a privileged hostPath pod is refused by kube-apiserver with the admission message; nothing runs', async () => {
    const workspace = workspaceWith({ 'web.yaml': privilegedContainer })
    const r = await run(
      { repository: 'acme/psa-root', number: 2 },
      { templates: 'preview', timeout: '20s' },
      { workspace },
    )
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    const ns = r.outputs.namespace!
    expect((await labelsOf(ns))[`${PSA}/enforce`]).toBe('baseline')
    // The ReplicaSet could not create its pod: the apiserver said why.
    const events = await eventually(
      'the FailedCreate event',
      () => kube.core.listNamespacedEvent({ namespace: ns }),
      (l) => l.items.some((e) => e.reason === 'FailedCreate'),
    )
    const failed = events.items.find((e) => e.reason === 'FailedCreate')!
    expect(failed.message).toMatch(
      /violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/,
    )
    expect(failed.message).toMatch(/privileged/)
    expect(failed.message).toMatch(/hostPath volumes/)
    expect((await kube.core.listNamespacedPod({ namespace: ns })).items).toEqual([])
    // What the run says (README: which object, and the cluster's words), not only the Event the test read.
    expect(r.log).toMatch(/::error/)
    expect(r.log).toMatch(/Deployment web/)
    expect(r.log).toMatch(/violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/)
  })

  test('pod-security: privileged opts out (the same pod is admitted); restricted is enforced when asked', async () => {
    const workspace = workspaceWith({ 'web.yaml': privilegedContainer })
    const r = await run(
      { repository: 'acme/psa-optout', number: 3 },
      { templates: 'preview', 'pod-security': 'privileged' },
      { workspace },
    )
    expect(r.log).not.toContain('::error')
    expect(r.outputs.status).toBe('deployed')
    expect((await labelsOf(r.outputs.namespace!))[`${PSA}/enforce`]).toBe('privileged')

    // The label follows the input on the next deploy, and survives the action's own apply of the namespace.
    const again = await run(
      { repository: 'acme/psa-optout', number: 3, action: 'synchronize' },
      { templates: 'preview', 'pod-security': 'restricted', wait: 'false' },
      { workspace: workspaceWith({ 'web.yaml': webApp() }) },
    )
    expect(again.outputs.status).toBe('deployed')
    expect((await labelsOf(r.outputs.namespace!))[`${PSA}/enforce`]).toBe('restricted')
    // Enforced, not only labelled: kube-apiserver refuses a pod that baseline admits and restricted does not.
    const baselineOnly = { containers: [{ name: 'x', image: 'busybox:1.37.0' }] }
    await expect(
      kube.core.createNamespacedPod({
        namespace: r.outputs.namespace!,
        body: { metadata: { name: 'not-restricted' }, spec: baselineOnly },
        dryRun: 'All',
      }),
    ).rejects.toThrow(/violates PodSecurity \W*restricted:latest/)
  })
})
