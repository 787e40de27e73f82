import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
import { credentialNames, render } from '../src/preview/render.js'
import { TemplateError } from '../src/shared/errors.js'
import { yamlScalar } from '../src/preview/yaml-scalar.js'

const owner = { repository: 'acme/shop', pr: 7, namespace: 'preview-shop-abc123-pr-7' }
const one = (text: string, context: Record<string, unknown> = {}) =>
  render({ templates: [{ name: 't.yaml', text }], context, owner })

describe('render', () => {
  test('every object lands in the preview namespace with the ownership labels and annotations', () => {
    const [r] = one(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {team: a}\ndata:\n  b: {{branch}}\n',
      { branch: 'feat/x' },
    )
    expect(r!.object.metadata.namespace).toBe(owner.namespace)
    expect(r!.object.metadata.labels).toMatchObject({
      team: 'a',
      'app.kubernetes.io/managed-by': 'kube-pr-preview',
      'kube-pr-preview.io/pr': '7',
    })
    expect(r!.object.metadata.annotations).toMatchObject({
      'kube-pr-preview.io/repository': 'acme/shop',
      'kube-pr-preview.io/template': 't.yaml',
    })
    expect(r!.object.data).toEqual({ b: 'feat/x' })
  })

  test('values are inserted as one YAML value each, read back exactly', () => {
    for (const value of [
      'a"\n  namespace: kube-system',
      '{{#each}}',
      '*alias',
      '&anchor x',
      '!!python/object',
      '---',
      'a: b',
      '',
      ' lead',
      'ｎａｍｅｓｐａｃｅ',
      '\u2028x\u0085y',
      'null',
      'true',
      '0x1F',
    ]) {
      expect(parse(`k: ${yamlScalar(value)}`)).toEqual({ k: value })
    }
    expect(parse(`k: ${yamlScalar({ a: [1, 'b"c'] })}`)).toEqual({ k: { a: [1, 'b"c'] } })
    expect(yamlScalar(3)).toBe('3')
  })

  test('helpers compose strings that are then quoted', () => {
    const [r] = one(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{concat "m-" sha}}\ndata:\n  u: {{concat "https://" host "/x"}}\n  d: {{default missing "fallback"}}\n',
      { sha: 'abc', host: 'h.example' },
    )
    expect(r!.object.metadata.name).toBe('m-abc')
    expect(r!.object.data).toEqual({ u: 'https://h.example/x', d: 'fallback' })
  })

  test('credentials the templates use are found', () => {
    expect(
      credentialNames([
        { name: 'a', text: '{{credentials.db}} {{#if x}}{{credentials.mq}}{{/if}} {{credentials.db}}' },
      ]),
    ).toEqual(['db', 'mq'])
  })

  test.each([
    ['raw output', 'a: {{{x}}}', /t.yaml:1: raw output/],
    ['Handlebars syntax', 'a: 1\nb: {{#if x}}', /t.yaml:2: Handlebars syntax error/],
    [
      'invalid YAML',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   bad: [',
      /t.yaml:\d+: the rendered YAML is invalid/,
    ],
    ['no kind', 'apiVersion: v1\nmetadata: {name: a}', /t.yaml:1: the object has no kind/],
    [
      'bad name',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}',
      /not a valid Kubernetes name/,
    ],
    [
      'another namespace',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: kube-system}',
      /names namespace "kube-system"/,
    ],
    [
      'a cluster-wide kind',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}',
      /ClusterRole "a" is cluster-wide/,
    ],
    ['a namespace', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}', /may not create namespaces/],
    [
      'a duplicate',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}',
      /also defined in t.yaml/,
    ],
  ])('%s is refused with the template and line', (_what, text, message) => {
    let error: unknown
    try {
      one(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(TemplateError)
    expect((error as Error).message).toMatch(message)
  })
})
