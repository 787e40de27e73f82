// Pointing a refusal of the API server at the template line of the field it names. Pure parts only.
import { describe, expect, test } from '@jest/globals'
import { resourceFromCrds } from '../src/kube/resources/crds.js'
import { isImmutableChange, refusedField } from '../src/kube/apply/validate.js'
import { render } from '../src/preview/render.js'
import { KubeError } from '../src/kube/port.js'
import { fieldLine, fieldPath } from '../src/preview/sources.js'

const owner = { repository: 'acme/shop', pr: 7, namespace: 'preview-shop-abc123-pr-7' }

describe('validation errors', () => {
  test('field paths', () => {
    expect(fieldPath('spec.ports[0].port')).toEqual(['spec', 'ports', 0, 'port'])
    expect(fieldPath('.metadata.annotations[a.b/c]')).toEqual(['metadata', 'annotations', 'a.b/c'])
  })

  test('the line of a field in the rendered template', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: a}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: web',
      'spec:',
      '  ports:',
      '    - name: http',
      '      port: 70000',
      '',
    ].join('\n')
    const objects = render({ templates: [{ name: 's.yaml', text }], context: {}, owner }).map((r) => r.object)
    expect(fieldLine(objects[1]!, 'spec.ports[0].port')).toBe(12)
    expect(fieldLine(objects[1]!, 'spec.ports[0].targetPort')).toBe(11)
    expect(fieldLine(objects[1]!, 'spec.clusterIP')).toBe(10)
  })

  test('causes first, then the message', () => {
    const withCause = new KubeError(
      422,
      'Invalid',
      'Service "web" is invalid: spec.ports[0].port: Invalid value',
      [
        {
          field: 'spec.ports[0].port',
          message: 'Invalid value: 70000: must be between 1 and 65535, inclusive',
        },
      ],
    )
    expect(refusedField(withCause)).toEqual({
      field: 'spec.ports[0].port',
      message: 'Invalid value: 70000: must be between 1 and 65535, inclusive',
    })
    const schema = new KubeError(
      400,
      'BadRequest',
      'applying Deployment web: .spec.replicaz: field not declared in schema',
    )
    expect(refusedField(schema).field).toBe('spec.replicaz')
  })

  test('immutable changes are replacements, not refusals', () => {
    expect(
      isImmutableChange(new KubeError(422, 'Invalid', 'spec.selector: Invalid value: …: field is immutable')),
    ).toBe(true)
    expect(isImmutableChange(new KubeError(422, 'Invalid', 'spec.ports[0].port: Invalid value'))).toBe(false)
  })

  test('kinds a CRD of the same set defines', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.test' },
      spec: {
        group: 'example.test',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [{ name: 'v1' }],
      },
    }
    expect(resourceFromCrds([crd], 'example.test/v1', 'Widget')).toEqual({
      base: '/apis/example.test/v1',
      plural: 'widgets',
      namespaced: true,
    })
    expect(resourceFromCrds([crd], 'example.test/v2', 'Widget')).toBeUndefined()
  })
})
