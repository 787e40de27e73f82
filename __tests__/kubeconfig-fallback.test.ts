// The kubeconfig fast path never ignores a field it does not understand: such kubeconfigs go through client-node.
import { describe, expect, test } from '@jest/globals'
import { fastPathUnderstands, impersonationHeaders } from '../src/kube/transport/kubeconfig.js'

const cluster = { server: 'https://k', 'certificate-authority-data': 'Q0E=' }

describe('kubeconfig fast path', () => {
  test.each([
    [{ token: 't' }, true],
    [{ 'client-certificate-data': 'Yw==', 'client-key-data': 'aw==' }, true],
    [{ token: 't', as: 'someone' }, false],
    [{ token: 't', 'as-groups': ['g'] }, false],
    [{ token: 't', 'disable-compression': true }, false],
    [{ 'client-certificate': '/c.pem', 'client-key': '/k.pem' }, false],
    [{ exec: { command: 'x' } }, false],
    [{ 'auth-provider': { name: 'oidc' } }, false],
  ])('%j → %s', (user, fast) => {
    expect(fastPathUnderstands(cluster, user)).toBe(fast)
  })
  test('cluster fields', () => {
    expect(fastPathUnderstands({ ...cluster, 'proxy-url': 'http://p' }, { token: 't' })).toBe(false)
    expect(fastPathUnderstands({ ...cluster, 'certificate-authority': '/ca' }, { token: 't' })).toBe(false)
  })
  test('impersonation client-node leaves out', () => {
    expect(
      impersonationHeaders({
        as: 'u',
        'as-groups': ['a', 'b'],
        'as-uid': '1',
        'as-user-extra': { scopes: ['s'] },
      }),
    ).toEqual({
      'Impersonate-Group': ['a', 'b'],
      'Impersonate-Uid': '1',
      'Impersonate-Extra-scopes': ['s'],
    })
  })
})
