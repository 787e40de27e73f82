// Manifests parse exactly as `kubectl apply -f` parses them (YAML 1.1), while values inserted by `{{…}}` stay the
// strings they are.
import { describe, expect, test } from '@jest/globals'
import { render } from '../src/preview/render.js'

const owner = { repository: 'acme/shop', pr: 7, namespace: 'preview-shop-abc123-pr-7' }
const data = (body: string, context: Record<string, unknown> = {}) =>
  render({
    templates: [{ name: 't.yaml', text: `apiVersion: v1\nkind: Thing\nmetadata:\n  name: x\n${body}` }],
    context,
    owner,
  })[0]!.object as unknown as Record<string, unknown>

describe('YAML 1.1, as kubectl reads it', () => {
  test.each([
    ['defaultMode: 0755', 'defaultMode', 493],
    ['mode: 0644', 'mode', 420],
    ['flag: yes', 'flag', true],
    ['flag: No', 'flag', false],
    ['flag: on', 'flag', true],
    ['flag: OFF', 'flag', false],
    ['flag: y', 'flag', true],
    ['num: 0b101', 'num', 5],
    ['num: 0x1F', 'num', 31],
    ['num: 1_000', 'num', 1000],
    ['num: 08', 'num', 8],
    ['s: "0755"', 's', '0755'],
    ['s: "yes"', 's', 'yes'],
    // kubectl keeps these as strings, not dates or base-60 numbers.
    ['s: 2001-12-14', 's', '2001-12-14'],
    ['s: 1:30', 's', '1:30'],
  ])('%s', (line, key, value) => {
    expect(data(`${line}\n`)[key]).toEqual(value)
  })

  test('merge keys', () => {
    expect(data('base: &b {a: 1}\nspec:\n  <<: *b\n  c: 2\n').spec).toEqual({ a: 1, c: 2 })
  })

  test('an inserted value is still the string it was', () => {
    for (const v of ['0755', 'yes', 'off', 'y', '2001-12-14', '1:30', '0b1']) {
      expect(data('s: {{v}}\n', { v }).s).toBe(v)
    }
  })
})
