import { describe, expect, test } from '@jest/globals'
import { formatInventory, parseInventory, pruneCandidates, unionInventory } from '../src/preview/inventory.js'
import { readiness } from '../src/kube/wait/readiness.js'
import type { KubeObject } from '../src/shared/kube-object.js'

const ref = (kind: string, name: string, apiVersion = 'v1') => ({ apiVersion, kind, name, namespace: 'ns' })

describe('inventory', () => {
  test('round trip and prune diff by group, kind and name', () => {
    const previous = [ref('ConfigMap', 'a'), ref('Deployment', 'web', 'apps/v1'), ref('Service', 'kibana')]
    const current = [ref('ConfigMap', 'a'), ref('Deployment', 'web', 'apps/v1')]
    expect(parseInventory(formatInventory(previous), 'ns')).toEqual(expect.arrayContaining(previous))
    expect(pruneCandidates(previous, current)).toEqual([ref('Service', 'kibana')])
    expect(pruneCandidates(current, previous)).toEqual([])
    // A version change of the same kind is not a removal.
    expect(
      pruneCandidates(
        [ref('HorizontalPodAutoscaler', 'h', 'autoscaling/v1')],
        [ref('HorizontalPodAutoscaler', 'h', 'autoscaling/v2')],
      ),
    ).toEqual([])
    expect(unionInventory(previous, current)).toHaveLength(3)
  })
})

const obj = (kind: string, spec: object, status: object, generation = 1): KubeObject =>
  ({ apiVersion: 'apps/v1', kind, metadata: { name: 'x', generation }, spec, status }) as KubeObject

describe('readiness', () => {
  test('Deployment', () => {
    expect(
      readiness(
        obj(
          'Deployment',
          { replicas: 2 },
          { observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2, replicas: 2 },
        ),
      ).state,
    ).toBe('ready')
    expect(
      readiness(
        obj(
          'Deployment',
          { replicas: 2 },
          { observedGeneration: 0, updatedReplicas: 2, availableReplicas: 2, replicas: 2 },
        ),
      ).state,
    ).toBe('progressing')
    expect(
      readiness(
        obj(
          'Deployment',
          { replicas: 2 },
          { observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2, replicas: 3 },
        ),
      ).state,
    ).toBe('progressing')
    expect(
      readiness(
        obj(
          'Deployment',
          {},
          {
            observedGeneration: 1,
            conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
          },
        ),
      ).state,
    ).toBe('failed')
  })
  test('StatefulSet, Job', () => {
    expect(
      readiness(
        obj('StatefulSet', { replicas: 1 }, { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1 }),
      ).state,
    ).toBe('ready')
    expect(
      readiness(obj('StatefulSet', { replicas: 1 }, { observedGeneration: 1, readyReplicas: 0 })).state,
    ).toBe('progressing')
    expect(readiness(obj('Job', {}, { conditions: [{ type: 'Complete', status: 'True' }] })).state).toBe(
      'ready',
    )
    const failed = readiness(
      obj('Job', {}, { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] }),
    )
    expect(failed).toEqual({ state: 'failed', message: 'failed: BackoffLimitExceeded' })
  })
})
