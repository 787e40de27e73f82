import { describe, expect, test } from '@jest/globals'
import { fitLabel, hostName, previewNames, slug } from '../src/preview/naming.js'

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const odd = [
  'Acme/Shop',
  'acme/shop',
  'x/' + 'very-long-repository-name-'.repeat(5),
  'ÆØÅ/Ünïcödé_repo',
  'a/b-c',
  'a-b/c',
  'o/...',
  'O/🚀🚀',
]

describe('preview names', () => {
  test.each(odd)('%s: namespace and hosts are DNS-1123 labels of at most 63 characters', (repo) => {
    for (const pr of [1, 42, 99999, 2147483647]) {
      const names = previewNames('preview', repo, pr)
      expect(names.namespace).toMatch(DNS_LABEL)
      expect(names.namespace.length).toBeLessThanOrEqual(63)
      expect(names.namespace.endsWith(`-pr-${pr}`)).toBe(true)
      for (const service of [
        undefined,
        'kibana',
        'elasticsearch',
        'a-very-long-service-name-that-goes-on-and-on-and-on',
      ]) {
        const label = hostName(names, 'preview.example.com', service).split('.')[0]!
        expect(label).toMatch(DNS_LABEL)
        expect(label.length).toBeLessThanOrEqual(63)
        expect(label.endsWith(`-pr-${pr}`)).toBe(true)
      }
    }
  })

  test('stable across runs, different per repository and per PR, even when the readable parts collide', () => {
    expect(previewNames('preview', 'a/b-c', 1)).toEqual(previewNames('preview', 'a/b-c', 1))
    expect(previewNames('preview', 'a/b-c', 1).namespace).not.toBe(
      previewNames('preview', 'a-b/c', 1).namespace,
    )
    expect(previewNames('preview', 'one/shop', 5).namespace).not.toBe(
      previewNames('preview', 'two/shop', 5).namespace,
    )
    expect(previewNames('preview', 'one/shop', 5).namespace).not.toBe(
      previewNames('preview', 'one/shop', 6).namespace,
    )
    // GitHub names are case-insensitive: one repository, one name.
    expect(previewNames('preview', 'Acme/Shop', 5)).toEqual(previewNames('preview', 'acme/shop', 5))
  })

  test('slug and fitLabel', () => {
    expect(slug('Feature/ÄBC__x--y')).toBe('feature-abc-x-y')
    expect(fitLabel('preview', 'x'.repeat(80), 'abc123-pr-7')).toHaveLength(63)
    expect(fitLabel('', 'shop', 'abc123-pr-7')).toBe('shop-abc123-pr-7')
  })
})

describe('names derived from a long repository name', () => {
  test('every name and label value fits 63 characters, stays unique and readable', async () => {
    const { previewName, previewNames, hostName } = await import('../src/preview/naming.js')
    const { ownerLabels } = await import('../src/preview/ownership.js')
    const long = `acme/${'a-very-long-repository-name-that-goes-on-'.repeat(3)}and-on`
    const other = `${long}-2`
    for (const pr of [1, 123456]) {
      const names = previewNames('preview', long, pr)
      const labels = ownerLabels({ repository: long, pr, namespace: names.namespace })
      for (const v of [names.namespace, previewName(names), ...Object.values(labels)]) {
        expect(v.length).toBeLessThanOrEqual(63)
        expect(v).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
      }
      expect(previewName(names)).toMatch(/^a-very-long-repository-name-.*-[0-9a-f]{6}-pr-\d+$/)
      expect(hostName(names, 'example.test').split('.')[0]!.length).toBeLessThanOrEqual(63)
      expect(previewName(names)).not.toBe(previewName(previewNames('preview', other, pr)))
    }
  })
})

describe('names derived from varied repository names', () => {
  const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
  const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/
  test.each([
    ['acme/shop', 7],
    ['Acme/My_Repo.JS', 1],
    ['acme/___', 42],
    ['acme/-leading-and-trailing-', 3],
    [`${'o'.repeat(39)}/${'r'.repeat(100)}`, 999999],
    ['acme/ünïcode-repo', 12],
    ['acme/a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f', 5],
  ])('%s #%d: every name fits a DNS label, every label value is valid', async (repository, pr) => {
    const { previewName, previewNames, hostName } = await import('../src/preview/naming.js')
    const { ownerLabels } = await import('../src/preview/ownership.js')
    const names = previewNames('preview', repository, pr)
    for (const v of [
      names.namespace,
      previewName(names),
      hostName(names, 'example.test').split('.')[0]!,
      hostName(names, 'example.test', 'elasticsearch').split('.')[0]!,
    ]) {
      expect(v.length).toBeLessThanOrEqual(63)
      expect(v).toMatch(dnsLabel)
    }
    for (const v of Object.values(ownerLabels({ repository, pr, namespace: names.namespace }))) {
      expect(v.length).toBeLessThanOrEqual(63)
      expect(v).toMatch(labelValue)
    }
    expect(previewName(names)).toMatch(new RegExp(`-pr-${pr}$`))
    expect(previewName(names)).not.toBe(previewName(previewNames('preview', `${repository}x`, pr)))
  })
})
