// No value from the event or the inputs can change the structure of what is rendered: property tests over
// generated hostile strings, through the default stack's own templates. Sizes: every hostile fragment comes first
// (harness/hostile.ts), then random mixes of up to six; the counts below cover each fragment and a few hundred
// mixes per check, enough for the property (a wrong escape shows on single fragments), not more.
import { describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { parsePullRequestEvent } from '../src/inputs/event.js'
import { planPreview } from '../src/preview/plan.js'
import { render } from '../src/preview/render.js'
import { parseSettings } from '../src/inputs/settings.js'
import { loadTemplates } from '../src/preview/templates.js'
import { pullRequestEvent } from './harness/events.js'
import { hostileStrings } from './harness/hostile.js'
import { yamlScalar } from '../src/preview/yaml-scalar.js'

const owner = { repository: 'acme/shop', pr: 7, namespace: 'preview-shop-abc123-pr-7' }

describe('structural safety of rendering', () => {
  test('700 hostile strings each read back as exactly one YAML value', () => {
    for (const s of hostileStrings(700)) {
      expect(parse(`a: ${yamlScalar(s)}\nb: 1\n`)).toEqual({ a: s, b: 1 })
      expect(parse(`- ${yamlScalar(s)}\n- 2\n`)).toEqual([s, 2])
      expect(parse(`m: {k: ${yamlScalar(s)}}`)).toEqual({ m: { k: s } })
    }
  })

  test('500 hostile strings as keys and values of a template: one object, in the preview namespace, values intact', () => {
    const template = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: settings',
      'data:',
      '  branch: {{branch}}',
      '  joined: {{concat "x-" branch "-y"}}',
      '  {{#each env}}',
      '  {{@key}}: {{this}}',
      '  {{/each}}',
    ].join('\n')
    for (const s of hostileStrings(500, 7)) {
      const rendered = render({
        templates: [{ name: 'cm.yaml', text: template }],
        context: { branch: s, env: { [s]: s, PLAIN: 'ok' } },
        owner,
      })
      expect(rendered).toHaveLength(1)
      const o = rendered[0]!.object as unknown as {
        metadata: { namespace?: string; name: string }
        data: Record<string, string>
      }
      expect(o.metadata.namespace).toBe(owner.namespace)
      expect(o.metadata.name).toBe('settings')
      expect(o.data.branch).toBe(s)
      expect(o.data.joined).toBe(`x-${s}-y`)
      expect(o.data.PLAIN).toBe('ok')
      if (s !== 'branch' && s !== 'joined' && s !== 'PLAIN') expect(o.data[s]).toBe(s)
    }
  })

  // The title reaches no bundled template: an extra template here uses {{pr.title}} as a user's would. The values
  // input is written the way a user writes it (YAML from the yaml library, not the escaper under test), and also
  // given raw: a values input that is not a mapping is refused naming the input, one that is changes no object's
  // namespace or the set of objects.
  const extra = mkdtempSync(join(tmpdir(), 'injection-extra-'))
  writeFileSync(
    join(extra, 'title.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: pr-title',
      'data:',
      '  title: {{pr.title}}',
      '  branch: {{pr.branch}}',
      '  greeting: {{values.env.GREETING}}',
    ].join('\n'),
  )
  const templates = loadTemplates('', process.cwd(), extra)
  const renderWith = (branch: string, title: string, valuesInput: string) => {
    const event = parsePullRequestEvent(
      'pull_request',
      pullRequestEvent({ action: 'opened', number: 7, repository: 'acme/shop', branch, title }),
    )
    const settings = parseSettings((n) => ({ values: valuesInput, 'extra-templates': extra })[n] ?? '')
    const plan = planPreview(event, settings, {
      serverUrl: 'https://github.com',
      runId: '1',
      runAttempt: '1',
    })
    return renderPreview(
      plan,
      { templates, values: settings.values, allowClusterScoped: [], guardrails: settings },
      { x: 'y' },
    ).objects
  }
  const shape = (objects: ReturnType<typeof renderWith>) =>
    objects.map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.namespace}`)
  const dataOf = (objects: ReturnType<typeof renderWith>, name: string) =>
    (
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as unknown as {
        data: Record<string, string>
      }
    ).data
  const expected = shape(renderWith('main', 'A title', ''))

  test('100 hostile branches, titles and values through the whole default stack and a template using the title: the same objects every time', () => {
    expect(expected.filter((e) => e.startsWith('ConfigMap/pr-title/preview-shop-'))).toHaveLength(1)
    for (const s of hostileStrings(100, 99)) {
      const objects = renderWith(s, s, stringify({ env: { GREETING: s } }))
      expect(shape(objects)).toEqual(expected)
      expect(dataOf(objects, 'app-env').PREVIEW_BRANCH).toBe(s)
      expect(dataOf(objects, 'app-env').GREETING).toBe(s)
      expect(dataOf(objects, 'pr-title')).toEqual({ title: s, branch: s, greeting: s })
    }
  })

  test('100 hostile raw values inputs: refused naming the input, or the same objects in the same namespace', () => {
    let refused = 0
    for (const s of hostileStrings(100, 5)) {
      let objects: ReturnType<typeof renderWith>
      try {
        objects = renderWith('main', 'A title', s)
      } catch (e) {
        expect(String((e as Error).message)).toMatch(/\bvalues\b/)
        refused++
        continue
      }
      expect(shape(objects)).toEqual(expected)
    }
    expect(refused).toBeGreaterThan(0)
  })
})
