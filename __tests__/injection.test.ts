// No value from the event or the inputs can change the structure of what is rendered: property tests over
// thousands of generated hostile strings, through the default stack's own templates.
import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
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
  test('5000 hostile strings each read back as exactly one YAML value', () => {
    for (const s of hostileStrings(5000)) {
      expect(parse(`a: ${yamlScalar(s)}\nb: 1\n`)).toEqual({ a: s, b: 1 })
      expect(parse(`- ${yamlScalar(s)}\n- 2\n`)).toEqual([s, 2])
      expect(parse(`m: {k: ${yamlScalar(s)}}`)).toEqual({ m: { k: s } })
    }
  })

  test('2000 hostile strings as keys and values of a template: one object, in the preview namespace, values intact', () => {
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
    for (const s of hostileStrings(2000, 7)) {
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

  test('300 hostile branches, titles and values through the whole default stack: the same objects every time', () => {
    const templates = loadTemplates('', process.cwd())
    const renderWith = (branch: string, title: string) => {
      const event = parsePullRequestEvent(
        'pull_request',
        pullRequestEvent({ action: 'opened', number: 7, repository: 'acme/shop', branch, title }),
      )
      const settings = parseSettings((n) => ({ values: `env:\n  GREETING: ${yamlScalar(title)}\n` })[n] ?? '')
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
    const expected = shape(renderWith('main', 'A title'))
    for (const s of hostileStrings(300, 99)) {
      const objects = renderWith(s, s)
      expect(shape(objects)).toEqual(expected)
      const env = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'app-env') as unknown as {
        data: Record<string, string>
      }
      expect(env.data.PREVIEW_BRANCH).toBe(s)
      expect(env.data.GREETING).toBe(s)
    }
  })
})
