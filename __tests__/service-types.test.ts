// allow-service-types and the default quota (point 3): LoadBalancer and NodePort Services count 0 unless allowed;
// the quota counts ConfigMaps, Secrets, Services and PVCs and caps storage. Parsed once, in settings.
import { expect, test } from '@jest/globals'
import { parseSettings } from '../src/inputs/settings.js'

const settings = (inputs: Record<string, string>) => parseSettings((n) => inputs[n] ?? '')

test('the default quota counts objects and storage and allows no LoadBalancer or NodePort', () => {
  expect(settings({}).resourceQuota).toMatchObject({
    services: '20',
    'count/configmaps': '50',
    'count/secrets': '50',
    persistentvolumeclaims: '10',
    'requests.storage': '50Gi',
    'services.loadbalancers': '0',
    'services.nodeports': '0',
  })
  expect(settings({}).allowServiceTypes).toEqual([])
})

test('allow-service-types lifts the zero for the types it names, and names itself in errors', () => {
  const s = settings({ 'allow-service-types': 'loadbalancer' })
  expect(s.allowServiceTypes).toEqual(['LoadBalancer'])
  expect(s.resourceQuota!['services.loadbalancers']).toBeUndefined()
  expect(s.resourceQuota!['services.nodeports']).toBe('0')
  expect(() => settings({ 'allow-service-types': 'ExternalIP' })).toThrow(/Input "allow-service-types"/)
  // A quota of the user's own that names the counts keeps them.
  expect(settings({ 'resource-quota': '{pods: "5", services.nodeports: "2"}' }).resourceQuota).toEqual({
    pods: '5',
    'services.loadbalancers': '0',
    'services.nodeports': '2',
  })
})

test('max-objects defaults to 300 and must be a positive number', () => {
  expect(settings({}).maxObjects).toBe(300)
  expect(settings({ 'max-objects': '50' }).maxObjects).toBe(50)
  expect(() => settings({ 'max-objects': 'lots' })).toThrow(/Input "max-objects"/)
})
