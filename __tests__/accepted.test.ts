import { createHash } from 'node:crypto'
import { canonicalJson } from '../src/shared/canonical-json.js'
import { describe, expect, test } from '@jest/globals'
import { acceptedBefore, digestOf, formatAccepted, secretDigestKey } from '../src/preview/accepted.js'
import type { KubeObject } from '../src/shared/kube-object.js'

const cm = (data: Record<string, string>, name = 'config'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { a: '1', b: '2' } },
  data,
})

describe('what the cluster accepted before: only changed objects are dry-run again', () => {
  test('the same object, its keys in another order, is accepted; any change of content, name or kind is not', () => {
    const accepted = acceptedBefore(formatAccepted([cm({ x: '1', y: '2' })]))
    const reordered: KubeObject = {
      kind: 'ConfigMap',
      data: { y: '2', x: '1' },
      metadata: { labels: { b: '2', a: '1' }, name: 'config' },
      apiVersion: 'v1',
    }
    expect(accepted(reordered)).toBe(true)
    expect(accepted(cm({ x: '1', y: '3' }))).toBe(false)
    expect(accepted(cm({ x: '1', y: '2' }, 'other'))).toBe(false)
    expect(accepted({ ...cm({ x: '1', y: '2' }), kind: 'Secret' })).toBe(false)
  })

  test('no record (a preview deployed before it was kept, or a garbled one) accepts nothing', () => {
    expect(acceptedBefore(undefined)(cm({}))).toBe(false)
    expect(acceptedBefore('not a digest')(cm({}))).toBe(false)
  })

  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db' },
    data: { p: 'aGk=' },
  }

  test('without credentials a Secret has no digest: a password is never recorded hashed where the namespace can be read', () => {
    expect(secretDigestKey({})).toBeNull()
    expect(digestOf(secret)).toBeNull()
    expect(formatAccepted([secret])).toBe('')
    expect(acceptedBefore(formatAccepted([secret]))(secret)).toBe(false)
  })

  test("with credentials a Secret's digest is keyed by them: unchanged is known, and not guessable without them", () => {
    const key = secretDigestKey({ 'db-password': 'q8LbX2mZ4nR7tV1wY5cE9hJ3' })
    const record = formatAccepted([secret], key)
    expect(acceptedBefore(record, key)(secret)).toBe(true)
    expect(acceptedBefore(record, key)({ ...secret, data: { p: 'aG8=' } })).toBe(false)
    // Whoever reads the annotation but not the credentials cannot check a guess: the plain digest differs.
    const plain = createHash('sha256').update(canonicalJson(secret)).digest('base64url').slice(0, 16)
    expect(record).toHaveLength(16)
    expect(record).not.toBe(plain)
    expect(acceptedBefore(record, secretDigestKey({ 'db-password': 'other' }))(secret)).toBe(false)
  })

  test('the record stays small: one 16-character digest per object', () => {
    const objects = Array.from({ length: 40 }, (_, i) => cm({ i: String(i) }, `c${i}`))
    const text = formatAccepted(objects)
    expect(text.split(' ')).toHaveLength(40)
    expect(text.length).toBeLessThan(40 * 17)
  })
})
