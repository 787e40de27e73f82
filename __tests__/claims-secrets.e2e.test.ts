// Host claims and RoleBinding subjects are template errors before anything is applied; credentials never reach
// the log, not even through a template error; a fork PR's close without secrets is skipped, not red.
import { describe, expect, test } from '@jest/globals'
import { previewHarness } from './harness/preview.js'
import { webApp, workspaceWith } from './harness/workspace.js'

const { kube, gh, run, namespaceExists } = previewHarness()
const requestsFor = (repo: string) => gh.requests.filter((q) => q.path.startsWith(`/repos/${repo}/`))

describe('host claims', () => {
  test("an Ingress for a host that is not the preview's is refused (file, line); nothing is applied", async () => {
    const claim = webApp().replace('    - host: {{preview.host}}', '    - host: shop.example.com')
    const r = await run(
      { repository: 'acme/claims', number: 1 },
      { templates: 'preview' },
      { workspace: workspaceWith({ 'web.yaml': claim }) },
    )
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    const line = claim.split('\n').findIndex((l) => l.includes('shop.example.com')) + 1
    expect(r.log).toMatch(
      new RegExp(
        `::error title=Template error,file=preview/web.yaml,line=${line}::.*Ingress "web" rule 1 claims host "shop.example.com"`,
      ),
    )
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
    expect(requestsFor('acme/claims').filter((q) => q.method !== 'GET')).toEqual([])
  })

  test('a RoleBinding to a service account of another namespace is refused', async () => {
    const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: steal
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects:
  - kind: ServiceAccount
    name: default
    namespace: kube-system
`
    const r = await run(
      { repository: 'acme/claims', number: 2 },
      { templates: 'preview' },
      { workspace: workspaceWith({ 'web.yaml': webApp(), 'rbac.yaml': binding }) },
    )
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(
      /::error title=Template error,file=preview\/rbac.yaml,line=7::.*binds ServiceAccount "default" of namespace "kube-system"/,
    )
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
  })
})

describe('the auth proxy', () => {
  test('with basic-auth, an empty auth-proxy.yaml laid over the bundled stack is refused; nothing is applied', async () => {
    const r = await run(
      { repository: 'acme/claims', number: 6 },
      { 'extra-templates': 'preview', 'basic-auth': 'qa:open sesame' },
      { workspace: workspaceWith({ 'auth-proxy.yaml': '' }) },
    )
    expect(r.code).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    expect(r.log).toMatch(
      /::error title=Template error,file=preview\/auth-proxy.yaml::.*basic-auth is on, and auth-proxy.yaml is the action's own password proxy: a template set may not replace or empty it/,
    )
    expect(await namespaceExists(r.outputs.namespace!)).toBe(false)
    expect(requestsFor('acme/claims').filter((q) => q.method !== 'GET')).toEqual([])
  })
})

describe('credentials', () => {
  const secretTemplate = (value: string) => `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  url: ${value}
`
  test('a template error never echoes a live password, and every password is masked before the first render', async () => {
    const repo = 'acme/creds'
    const good = workspaceWith({
      'web.yaml': webApp(),
      'db.yaml': secretTemplate('{{concat "mysql://app:" credentials.db "@db/app"}}'),
    })
    const first = await run({ repository: repo, number: 3 }, { templates: 'preview' }, { workspace: good })
    expect(first.outputs.status).toBe('deployed')
    const ns = first.outputs.namespace!
    const secret = await kube.core.readNamespacedSecret({ name: 'preview-credentials', namespace: ns })
    const password = Buffer.from(secret.data!.db!, 'base64').toString()
    expect(password).toHaveLength(24)
    // A first deploy generates the password and masks it before the render.
    const firstLines = first.log.split('\n')
    const firstMask = firstLines.indexOf(`::add-mask::${password}`)
    expect(firstMask).toBeGreaterThanOrEqual(0)
    expect(firstMask).toBeLessThan(firstLines.findIndex((l) => /rendered \d+ objects from/.test(l)))

    // A quoting mistake: text after the closing quote, which YAML refuses. (A value next to other text, as in
    // `{{credentials.db}}@db/app`, is one scalar and renders: values are data in every YAML context.)
    const broken = workspaceWith({
      'web.yaml': webApp(),
      'db.yaml': secretTemplate("'{{credentials.db}}'@db/app"),
    })
    const r = await run(
      { repository: repo, number: 3, action: 'synchronize' },
      { templates: 'preview' },
      { workspace: broken },
    )
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(
      /::error title=Template error,file=preview\/db.yaml,line=6::.*rendered YAML is invalid/,
    )
    expect(r.log).toContain('(credentials.db)')
    const lines = r.log.split('\n')
    const shown = lines.filter((l) => !l.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain(password)
    expect(r.files.summary + r.files.output).not.toContain(password)
    // Masked before anything was rendered.
    const mask = lines.findIndex((l) => l === `::add-mask::${password}`)
    const rendered = lines.findIndex((l) => /::error title=Template error/.test(l))
    expect(mask).toBeGreaterThanOrEqual(0)
    expect(mask).toBeLessThan(rendered)
  })
})

describe("a fork PR's close", () => {
  test('without a kubeconfig (GitHub gives fork runs no secrets): skipped with a notice, exit 0', async () => {
    const r = await run(
      { repository: 'acme/forked', number: 4, action: 'closed', headRepository: 'stranger/forked' },
      { kubeconfig: '' },
    )
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('skipped')
    expect(r.log).toMatch(
      /::notice::Not removed by this run: PR #4 comes from a fork.*mode: sweep removes it/,
    )
    expect(r.log).not.toContain('::error')
    expect(r.summary).toContain('Skipped: Not removed by this run')
  })

  test('a non-fork close without a kubeconfig is still an error (a missing secret is a mistake there)', async () => {
    const r = await run({ repository: 'acme/forked', number: 5, action: 'closed' }, { kubeconfig: '' })
    expect(r.code).not.toBe(0)
    expect(r.log).toMatch(/::error::Input "kubeconfig": is empty and the runner has no kubeconfig/)
  })
})
