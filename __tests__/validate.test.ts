// Pointing a refusal of the API server at the template line of the field it names. Pure parts only.
import { describe, expect, test } from '@jest/globals'
import { crdRefused, resourceFromCrds } from '../src/kube/resources/crds.js'
import { isImmutableChange, quotaRefusesNew, refusedField } from '../src/kube/apply/validate.js'
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

  test('an immutable change beside another error is a refusal: replacing would delete, then fail to create', () => {
    const selector = {
      field: 'spec.selector',
      reason: 'FieldValueInvalid',
      message: 'Invalid value: {...}: field is immutable',
    }
    const port = {
      field: 'spec.template.spec.containers[0].ports[0].containerPort',
      reason: 'FieldValueInvalid',
      message: 'Invalid value: 70000: must be between 1 and 65535, inclusive',
    }
    const message =
      'Deployment.apps "web" is invalid: [spec.selector: field is immutable, spec.template…: Invalid value: 70000]'
    expect(isImmutableChange(new KubeError(422, 'Invalid', message, [selector]))).toBe(true)
    expect(isImmutableChange(new KubeError(422, 'Invalid', message, [selector, port]))).toBe(false)
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

describe('a CRD that will never be Established fails at once (as kstatus has it)', () => {
  const crd = (conditions: object[]) =>
    ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'a.b' },
      status: { conditions },
    }) as never
  test('NamesAccepted=False; Established=False other than Installing', () => {
    expect(
      crdRefused(
        crd([{ type: 'NamesAccepted', status: 'False', reason: 'MultipleNamesNotAllowed', message: 'x' }]),
      ),
    ).toMatch(/names are not accepted/)
    expect(crdRefused(crd([{ type: 'Established', status: 'False', reason: 'Installing' }]))).toBeNull()
    expect(crdRefused(crd([]))).toBeNull()
  })
})

// Issue #22 point 6: the create dry run before a replacement counts the live object, which goes first.
describe('a quota refusal of the create dry run before a replacement', () => {
  test('refuses only what the new object alone exceeds', () => {
    const refusal = (requested: string, used: string, limited: string) =>
      `creating Service web: services "web" is forbidden: exceeded quota: preview-quota, requested: ${requested}, used: ${used}, limited: ${limited}`
    // A LoadBalancer Service where the quota allows none: no delete makes room.
    expect(
      quotaRefusesNew(
        refusal('services.loadbalancers=1', 'services.loadbalancers=0', 'services.loadbalancers=0'),
      ),
    ).toBe(true)
    // The one Deployment allowed is the live one, which the replacement deletes first.
    expect(
      quotaRefusesNew(
        refusal('count/deployments.apps=1', 'count/deployments.apps=1', 'count/deployments.apps=1'),
      ),
    ).toBe(false)
    expect(quotaRefusesNew('creating Job migrate: admission webhook "x" denied the request')).toBe(false)
  })
})
