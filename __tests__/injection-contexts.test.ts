// A value is data in every YAML context a template can put `{{…}}` in: quoted (single or double), inside flow
// sequences and mappings, next to other text, in keys, in block scalars. Property tests over generated hostile
// titles and branches (the PR author's), through each context, in natural template styles.
import { describe, expect, test } from '@jest/globals'
import { render } from '../src/preview/render.js'
import { TemplateError } from '../src/shared/errors.js'
import { hostileStrings } from './harness/hostile.js'

const owner = { repository: 'acme/shop', pr: 7, namespace: 'preview-shop-abc123-pr-7' }

/** Renders one template with the PR's title and branch set to `s`; the one object it makes. */
function renderOne(template: string, s: string) {
  const rendered = render({
    templates: [{ name: 'app.yaml', text: template }],
    context: { pr: { title: s, branch: s, number: 7 } },
    owner,
  })
  expect(rendered).toHaveLength(1)
  return rendered[0]!.object as unknown as Record<string, never> & {
    metadata: {
      name: string
      namespace: string
      labels: Record<string, string>
      annotations: Record<string, string>
    }
    data: Record<string, string>
    spec: { containers: Array<{ args: string[]; env: Array<{ name: string; value: string }> }> }
  }
}

const header = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: app', 'data:']

const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/

describe('a value is one scalar with exactly its value, in every context', () => {
  const contexts: Array<[string, string, (s: string) => string]> = [
    ['standing alone', '  v: {{pr.title}}', (s) => s],
    ['double-quoted with text around it', '  v: "title: {{pr.title}}!"', (s) => `title: ${s}!`],
    ['single-quoted with text around it', "  v: 'title: {{pr.title}}!'", (s) => `title: ${s}!`],
    ['double-quoted alone', '  v: "{{pr.branch}}"', (s) => s],
    ['single-quoted alone', "  v: '{{pr.branch}}'", (s) => s],
    ['next to text, unquoted', '  v: --branch={{pr.branch}}', (s) => `--branch=${s}`],
    ['twice in one unquoted scalar', '  v: {{pr.branch}}/{{pr.title}}', (s) => `${s}/${s}`],
  ]
  for (const [name, line, expected] of contexts) {
    test(`${name}: 700 hostile strings`, () => {
      const template = [...header, line, '  last: end'].join('\n')
      for (const s of hostileStrings(700, 11)) {
        const o = renderOne(template, s)
        expect(o.metadata.name).toBe('app')
        expect(o.metadata.namespace).toBe(owner.namespace)
        expect(o.data.v).toBe(expected(s))
        expect(o.data.last).toBe('end')
        expect(Object.keys(o.data).sort()).toEqual(['last', 'v'])
      }
    })
  }

  test('inside flow sequences: an argument stays one argument (the branch cannot add `--evil`)', () => {
    const template = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: app }',
      'spec:',
      '  containers:',
      '    - name: app',
      '      image: app:1',
      '      args: [--branch={{pr.branch}}, "--title={{pr.title}}", \'--both={{pr.branch}},{{pr.title}}\', --other]',
      '      env: [{name: TITLE, value: \'{{pr.title}}\'}, {name: BRANCH, value: "{{pr.branch}}"}, {name: PLAIN, value: {{pr.title}} }]',
    ].join('\n')
    for (const s of [
      'feat/a,--evil=1,b',
      "x'}, {name: LD_PRELOAD, value: '/tmp/x.so",
      'x"}, {name: LD_PRELOAD, value: "/tmp/x.so',
      ...hostileStrings(500, 12),
    ]) {
      const c = renderOne(template, s).spec.containers[0]!
      expect(c.args).toEqual([`--branch=${s}`, `--title=${s}`, `--both=${s},${s}`, '--other'])
      expect(c.env).toEqual([
        { name: 'TITLE', value: s },
        { name: 'BRANCH', value: s },
        { name: 'PLAIN', value: s },
      ])
    }
  })

  test('in flow mappings of labels and annotations: no extra label', () => {
    const template = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: app, labels: {title: \'{{pr.title}}\', branch: "b-{{pr.branch}}"}, annotations: {t: {{pr.title}} } }',
    ].join('\n')
    for (const s of [
      "x', injected: 'yes",
      'x", injected: "yes',
      'x, injected: yes',
      ...hostileStrings(500, 13),
    ]) {
      const o = renderOne(template, s)
      const { title, branch, ...rest } = o.metadata.labels
      expect({ title, branch }).toEqual({ title: s, branch: `b-${s}` })
      expect(
        Object.keys(rest).every((k) => k.startsWith('app.kubernetes.io/') || k.includes('kube-pr-preview')),
      ).toBe(true)
      expect(o.metadata.annotations.t).toBe(s)
      expect(Object.keys(o.metadata.annotations)).not.toContain('injected')
    }
  })

  test('in keys, alone and next to text: one key with exactly that name', () => {
    const template = [...header, '  {{pr.title}}: a', '  "k-{{pr.branch}}": b', '  x-{{pr.branch}}: c'].join(
      '\n',
    )
    for (const s of hostileStrings(500, 14)) {
      const o = renderOne(template, s)
      expect(o.data).toEqual({ [s]: 'a', [`k-${s}`]: 'b', [`x-${s}`]: 'c' })
    }
  })

  test('in block scalars: one line stays one line; a value with a line break is a template error naming the line', () => {
    const template = [
      ...header,
      '  app.conf: |',
      '    title = {{pr.title}}',
      '    branch = "{{pr.branch}}"',
      '  folded: >',
      '    {{pr.title}}',
      '  last: end',
    ].join('\n')
    let refused = 0
    for (const s of hostileStrings(700, 15)) {
      if (LINE_BREAK.test(s)) {
        expect(() => renderOne(template, s)).toThrow(TemplateError)
        expect(() => renderOne(template, s)).toThrow(/app\.yaml:7: .*line break.*block scalar/)
        refused++
        continue
      }
      const o = renderOne(template, s)
      expect(o.data['app.conf']).toBe(`title = ${s}\nbranch = "${s}"\n`)
      expect(o.data.folded).toBe(`${s}\n`)
      expect(o.data.last).toBe('end')
    }
    expect(refused).toBeGreaterThan(100) // the generator does produce line breaks
  })

  test('numbers, booleans and structures keep their type only where `{{…}}` stands alone', () => {
    const template = [
      ...header.slice(0, 4),
      'spec:',
      '  num: {{n}}',
      '  bool: {{b}}',
      '  obj: {{o}}',
      '  str: "{{n}}"',
      '  text: x{{b}}',
    ].join('\n')
    const [{ object }] = render({
      templates: [{ name: 'a.yaml', text: template }],
      context: { n: 3, b: true, o: { a: [1, 'two'] } },
      owner,
    }) as unknown as [{ object: { spec: unknown } }]
    expect(object.spec).toEqual({ num: 3, bool: true, obj: { a: [1, 'two'] }, str: '3', text: 'xtrue' })
  })

  test('`{{…}}` in a tag or an anchor is a template error', () => {
    for (const line of ['  v: !{{pr.title}} x', '  v: &{{pr.title}} x']) {
      expect(() => renderOne([...header, line].join('\n'), 'abc')).toThrow(TemplateError)
    }
  })
})
