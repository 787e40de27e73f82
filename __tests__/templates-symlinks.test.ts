// The templates folder (point 7): a symlink that leads out of it is refused before anything is read.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { loadTemplates } from '../src/preview/templates.js'

function workspace() {
  const ws = mkdtempSync(join(tmpdir(), 'symlinks-'))
  mkdirSync(join(ws, 'preview'))
  writeFileSync(join(ws, 'preview', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n')
  const outside = join(ws, 'docker-config.json')
  writeFileSync(outside, '{"auths": {"ghcr.io": {"auth": "c2VjcmV0"}}}\n')
  return { ws, outside }
}

test('a values.yaml or a template that links out of the folder is refused, naming it', () => {
  for (const name of ['values.yaml', 'b.yaml']) {
    const { ws, outside } = workspace()
    symlinkSync(outside, join(ws, 'preview', name))
    expect(() => loadTemplates('preview', ws, '')).toThrow(
      new RegExp(`${name.replace('.', '\\.')} is a symlink that leads out of the templates folder`),
    )
  }
})

test('a symlink inside the folder is fine', () => {
  const { ws } = workspace()
  symlinkSync(join(ws, 'preview', 'a.yaml'), join(ws, 'preview', 'b.yaml'))
  expect(loadTemplates('preview', ws, '').files.map((f) => f.name)).toEqual(['a.yaml', 'b.yaml'])
})
