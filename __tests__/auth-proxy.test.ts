// The basic-auth proxy (point 12): the password stays at the door (the app never gets the Authorization header),
// it is stored as a salted, slow SHA-512-crypt hash nginx reads, the restart annotation is a keyed digest (no
// offline oracle), X-Forwarded-Proto is the preview's own scheme, and the image is pinned to a patch version.
import { tmpdir } from 'node:os'
import { createHash } from 'node:crypto'
import { describe, expect, test } from '@jest/globals'
import { renderPreview } from '../src/modes/deploy/deploy.js'
import { loadTemplates } from '../src/preview/templates.js'
import { frontDoorContext, htpasswdLine } from '../src/preview/frontdoor.js'
import { sha512Crypt } from '../src/preview/sha512-crypt.js'
import { planOf } from './harness/plan.js'
import type { KubeObject } from '../src/shared/kube-object.js'

type Obj = KubeObject & Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function renderWithPassword(password: string, scheme: 'https' | 'http' = 'https'): Obj[] {
  const { settings, plan: planned } = planOf({ 'basic-auth': `qa:${password}` }, 4, 'b'.repeat(40))
  const plan = { ...planned, scheme, url: `${scheme}://${planned.host}` }
  return renderPreview(
    plan,
    {
      templates: loadTemplates('', tmpdir(), ''),
      values: settings.values,
      allowClusterScoped: [],
      guardrails: settings,
      frontDoor: {
        context: frontDoorContext(settings, 'nginx', plan.namespace),
        objects: [],
        scheme,
        ingressProblem: null,
      },
    },
    {},
  ).objects as Obj[]
}

const find = (objects: Obj[], kind: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === 'auth-proxy')!

describe('the auth proxy', () => {
  test("SHA-512-crypt as specified (Drepper's test vectors), which crypt(3) and so nginx read", () => {
    expect(sha512Crypt('Hello world!', 'saltstring')).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    )
    expect(sha512Crypt('Hello world!', 'saltstringsaltst', 10000)).toBe(
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
    )
  })

  test('the Secret holds a salted slow hash, stable per preview, different per preview', () => {
    const line = htpasswdLine('qa', 'pw-123456', 'ns-1')
    expect(line).toMatch(/^qa:\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/)
    expect(line).toBe(htpasswdLine('qa', 'pw-123456', 'ns-1'))
    expect(line).not.toBe(htpasswdLine('qa', 'pw-123456', 'ns-2'))
    const secret = find(renderWithPassword('pw-123456'), 'Secret')
    expect(secret.stringData?.htpasswd ?? Buffer.from(secret.data.htpasswd, 'base64').toString()).toMatch(
      /^qa:\$6\$/,
    )
  })

  test('the restart annotation is a keyed digest, not a hash anyone can recompute from user:password', () => {
    const objects = renderWithPassword('pw-123456')
    const annotation = find(objects, 'Deployment').spec.template.metadata.annotations[
      'kube-pr-preview.io/auth-checksum'
    ]
    expect(annotation).toMatch(/^[0-9a-f]{16}$/)
    expect(annotation).not.toBe(createHash('sha256').update('qa:pw-123456').digest('hex').slice(0, 16))
    expect(annotation).not.toBe(
      find(renderWithPassword('other-pass'), 'Deployment').spec.template.metadata.annotations[
        'kube-pr-preview.io/auth-checksum'
      ],
    )
  })

  test("nginx drops the Authorization header and sets X-Forwarded-Proto to the preview's scheme", () => {
    for (const scheme of ['https', 'http'] as const) {
      const conf = find(renderWithPassword('pw-123456', scheme), 'ConfigMap').data['default.conf'] as string
      expect(conf).toContain('proxy_set_header Authorization "";')
      expect(conf).toContain(`proxy_set_header X-Forwarded-Proto ${scheme};`)
      expect(conf).not.toContain('$http_x_forwarded_proto')
    }
  })

  test('the image is pinned to a patch version', () => {
    const image = find(renderWithPassword('pw-123456'), 'Deployment').spec.template.spec.containers[0].image
    expect(image).toMatch(/^nginx:\d+\.\d+\.\d+-alpine$/)
  })
})
