// SECURITY.md / README: every credential in the kubeconfig is masked — tokens, keys, certificates, passwords,
// exec and auth-provider tokens — whatever the kubeconfig's YAML style (block, flow, JSON).
import { describe, expect, test } from '@jest/globals'
import { stringify } from 'yaml'
import { kubeconfigSecrets } from '../src/kube/transport/kubeconfig.js'

const SECRETS = {
  token: 'tok-0123456789abcdef',
  key: 'a2V5LWRhdGEtMDEyMzQ1Njc4OQ==',
  cert: 'Y2VydC1kYXRhLTAxMjM0NTY3ODk=',
  password: 'pass-0123456789',
  idToken: 'eyJhbGciOiJSUzI1NiJ9.id-token-body.sig',
  refreshToken: 'refresh-0123456789',
  clientSecret: 'client-secret-0123456789',
  accessToken: 'access-0123456789abcdef',
}

const kubeconfig = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'c', cluster: { server: 'https://example.test:6443' } }],
  contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
  'current-context': 'c',
  users: [
    {
      name: 'u',
      user: { token: SECRETS.token, 'client-key-data': SECRETS.key, 'client-certificate-data': SECRETS.cert },
    },
    { name: 'basic', user: { username: 'admin', password: SECRETS.password } },
    {
      name: 'oidc',
      user: {
        'auth-provider': {
          name: 'oidc',
          config: {
            'id-token': SECRETS.idToken,
            'refresh-token': SECRETS.refreshToken,
            'client-secret': SECRETS.clientSecret,
            'access-token': SECRETS.accessToken,
          },
        },
      },
    },
  ],
}

describe('kubeconfigSecrets', () => {
  test.each([
    ['block YAML', stringify(kubeconfig)],
    ['flow YAML', stringify(kubeconfig, { collectionStyle: 'flow' })],
    ['JSON', JSON.stringify(kubeconfig, null, 2)],
    ['one-line JSON', JSON.stringify(kubeconfig)],
  ])('%s: each credential is a secret on its own, not only the whole text', (_style, text) => {
    const found = kubeconfigSecrets(text)
    for (const [name, value] of Object.entries(SECRETS))
      expect([name, found.includes(value)]).toEqual([name, true])
    expect(found).toContain(text.trim())
  })

  test('names and the server are not secrets', () => {
    const found = kubeconfigSecrets(stringify(kubeconfig))
    for (const plain of ['admin', 'https://example.test:6443', 'oidc', 'c', 'u'])
      expect(found).not.toContain(plain)
  })
})
