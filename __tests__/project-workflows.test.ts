// The project's own workflows, the example app and the test setup hold what issue 26 (points 9-12) decided: the
// e2e takes the README's recommended path with the least-privilege identity, CI runs once per change, the release
// can move its major tag, the cluster cache does not grow, the example installs exactly its lock, and jest stays
// out of the clusters' data. actionlint (npm run lint:workflows) checks their syntax; this checks their meaning.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const workflow = (name: string) => parse(read(`.github/workflows/${name}`)) as Json
const stepNamed = (steps: Json[], re: RegExp) => steps.find((s) => re.test(s.name ?? ''))!

describe('e2e.yml', () => {
  const wf = workflow('e2e.yml')
  const steps = wf.jobs.e2e.steps as Json[]
  const runs = steps.map((s) => s.run ?? '').join('\n')
  const deploy = steps.find((s) => s.id === 'preview')!

  test('every run: script is bash -eo pipefail (the default shell of defaults.run.shell: bash)', () => {
    expect(wf.defaults.run.shell).toBe('bash')
    expect(steps.filter((s) => s.shell && s.shell !== 'bash')).toEqual([])
  })

  test('a Gateway from an implementation’s release manifests, and the action deploys behind it', () => {
    expect(runs).toMatch(
      /kubectl apply --server-side \\\n\s+-f "https:\/\/github.com\/envoyproxy\/gateway\/releases\/download\/\$ENVOY_GATEWAY\/install.yaml"/,
    )
    expect(wf.jobs.e2e.env.ENVOY_GATEWAY).toMatch(/^v\d+\.\d+\.\d+$/)
    expect(deploy.with.gateway).toBe('gateway-system/previews')
    expect(deploy.with['ingress-class']).toBeUndefined()
    expect(runs).not.toMatch(/ingress-nginx/)
  })

  test('rollout status, not kubectl wait on pods, right after applying', () => {
    expect(runs).toMatch(/rollout status deployment\/envoy-gateway/)
    expect(runs).not.toMatch(/^\s*kubectl [^\n#]*\bwait\b[^\n]*\bpods?\b/m)
  })

  test('the action gets the identity `kube-pr-preview init` makes, never kind’s admin kubeconfig', () => {
    const identity = steps.find((s) => s.id === 'kube')!
    expect(identity.run).toMatch(
      /node dist\/cli\/index.js init --repo "\$GITHUB_REPOSITORY" --namespace-prefix preview \\\n\s+--identity serviceaccount --apply --kubeconfig-out "\$RUNNER_TEMP\/preview.kubeconfig"/,
    )
    expect(runs).not.toMatch(/kind get kubeconfig/)
    for (const s of steps.filter((x) => x.uses === './'))
      expect(s.with.kubeconfig).toBe('${{ steps.kube.outputs.kubeconfig }}')
  })

  test('the close runs also after a failure, and its check too', () => {
    const close = steps.find((s) => s.id === 'close')!
    expect(close.if).toMatch(/^always\(\)/)
    expect(close.with.mode).toBe('destroy')
    expect(stepNamed(steps, /is gone/).if).toMatch(/^always\(\) && steps\.close\.outcome == 'success'/)
  })

  test('Kibana counts as up while "degraded" (starting), and the check retries rather than failing at once', () => {
    const check = stepNamed(steps, /Every service answers/).run as string
    expect(check).toMatch(/case "\$level" in available \| degraded\) exit 0 ;; esac/)
    expect(check).toMatch(/for attempt in \$\(seq \d+\)/)
    expect(deploy.with.values).toMatch(/kibana:\n\s+enabled: true\n\s+public: true/)
  })

  test('the example is built from its committed lock', () => {
    expect(stepNamed(steps, /Build the example app/).run).toMatch(/Gemfile.lock is not committed/)
  })
})

describe('ci.yml and release.yml', () => {
  test('CI runs once per change: pull requests, and pushes to main only', () => {
    const on = workflow('ci.yml').on as Json
    expect(on.push.branches).toEqual(['main'])
    expect(on).toHaveProperty('pull_request')
  })

  test('old cluster builds are pruned before a new cache key is saved', () => {
    const steps = workflow('ci.yml').jobs.ci.steps as Json[]
    const restore = steps.findIndex((s) => s.id === 'cluster-cache')
    const prune = steps.findIndex((s) => s.run === 'scripts/prune-cluster-cache.sh')
    const save = steps.findIndex((s) => String(s.uses).startsWith('actions/cache/save@'))
    expect(steps[restore]!.uses).toMatch(/^actions\/cache\/restore@/)
    expect(restore).toBeLessThan(prune)
    expect(prune).toBeLessThan(save)
    expect(steps[save]!.with.key).toBe(steps[restore]!.with.key)
    expect(steps[prune]!.if).toBe(steps[save]!.if)
  })

  test('the major tag is pushed with a token that has Workflows: write (a GitHub App’s), not the job token', () => {
    const steps = workflow('release.yml').jobs['major-tag'].steps as Json[]
    const app = steps.find((s) => s.id === 'app-token')!
    expect(app.uses).toMatch(/^actions\/create-github-app-token@/)
    expect(app.with['permission-workflows']).toBe('write')
    expect(app.with['permission-contents']).toBe('write')
    const checkout = steps.find((s) => String(s.uses).startsWith('actions/checkout@'))!
    expect(checkout.with.token).toBe('${{ steps.app-token.outputs.token }}')
    expect(steps.indexOf(app)).toBeLessThan(steps.indexOf(checkout))
  })
})

describe('the example app (examples/rails)', () => {
  test('installs exactly its lock: Gemfile.lock copied, BUNDLE_DEPLOYMENT=1', () => {
    const dockerfile = read('examples/rails/Dockerfile')
    expect(dockerfile).toMatch(/^COPY Gemfile Gemfile.lock \.\/$/m)
    expect(dockerfile).toMatch(/BUNDLE_DEPLOYMENT=1/)
  })

  test('Dependabot keeps its gems current', () => {
    const updates = (parse(read('.github/dependabot.yml')) as Json).updates as Json[]
    expect(updates).toContainEqual(
      expect.objectContaining({ 'package-ecosystem': 'bundler', directory: '/examples/rails' }),
    )
  })

  test('the lock is made on GitHub’s runner, for the platforms the image is built for', () => {
    const steps = workflow('example-lock.yml').jobs.lock.steps as Json[]
    expect(steps.map((s) => s.run ?? '').join('\n')).toMatch(
      /bundle lock --add-platform x86_64-linux aarch64-linux/,
    )
  })

  test('nothing from outside goes into its HTML unescaped (a branch name may hold <, > and quotes)', () => {
    const controller = read('examples/rails/app/controllers/services_controller.rb')
    const html = controller.split('\n').filter((l) => l.includes('html_safe'))
    expect(html.length).toBeGreaterThan(0)
    for (const line of html) expect(line).not.toMatch(/ENV|params|request\./)
    expect(controller).toMatch(/branch = ERB::Util.html_escape\(ENV.fetch\("PREVIEW_BRANCH"/)
  })
})

describe('jest', () => {
  test('stays out of .tmp/ (etcd’s *.snap files there are not jest snapshots)', async () => {
    const root = process.cwd()
    const config = ((await import(`${root}/jest.config.js`)) as { default: unknown }).default as {
      projects: Array<{ modulePathIgnorePatterns?: string[] }>
    }
    const snap = `${root}/.tmp/clusters/jest-1/etcd/member/snap/0000000000000002-0000000000002711.snap`
    for (const project of config.projects) {
      const patterns = (project.modulePathIgnorePatterns ?? []).map(
        (p) => new RegExp(p.replace('<rootDir>', root)),
      )
      expect(patterns.some((p) => p.test(snap))).toBe(true)
    }
  })
})
