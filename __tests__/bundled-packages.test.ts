// dist/licenses.txt is generated from the bundler's module lists: what counts as bundled, and what counts as
// listed with its licence.
import { describe, expect, test } from '@jest/globals'
import {
  bundledPackageDirs,
  formatLicenses,
  listedWithText,
  packageDir,
  type BundledPackage,
} from '../scripts/bundled-packages.js'

const ROOT = '/repo'
const nm = (path: string) => `${ROOT}/node_modules/${path}`

describe('bundled packages', () => {
  test('a module path belongs to the innermost package folder, scoped or not', () => {
    expect(packageDir(nm('yaml/dist/index.js'))).toBe(nm('yaml'))
    expect(packageDir(nm('@actions/core/lib/core.js'))).toBe(nm('@actions/core'))
    expect(packageDir(nm('@actions/github/node_modules/undici/index.js'))).toBe(
      nm('@actions/github/node_modules/undici'),
    )
    expect(packageDir(`${ROOT}/src/main.ts`)).toBeUndefined()
  })

  test('modules in a chunk and the modules concatenated into them count; modules in no chunk do not', () => {
    const dirs = bundledPackageDirs(
      [
        { name: './src/index.ts', nameForCondition: `${ROOT}/src/index.ts`, chunks: [792] },
        {
          name: './src/main.ts + 66 modules',
          nameForCondition: `${ROOT}/src/main.ts`,
          chunks: [792],
          modules: [
            { name: './node_modules/@actions/core/lib/core.js', chunks: [] },
            { nameForCondition: nm('@octokit/core/dist-src/index.js'), chunks: [] },
          ],
        },
        { nameForCondition: nm('handlebars/lib/index.js'), chunks: [792] },
        { nameForCondition: nm('jose/dist/webapi/index.js'), chunks: [] }, // tree-shaken away
        { name: 'external "node:fs"', nameForCondition: null, chunks: [792] },
      ],
      ROOT,
    )
    expect([...dirs].sort()).toEqual([nm('@actions/core'), nm('@octokit/core'), nm('handlebars')])
  })
})

describe('licenses.txt', () => {
  const pkg = (name: string, texts: BundledPackage['texts']): BundledPackage => ({
    name,
    version: '1.0.0',
    license: 'MIT',
    repository: `https://example.com/${name}`,
    texts,
  })

  test('lists each package with its licence and notice files; a package without text does not count', () => {
    const text = formatLicenses([
      pkg('@actions/core', [{ file: 'LICENSE.md', text: 'The MIT License (MIT)\n\nCopyright 2019 GitHub' }]),
      pkg('apache', [
        { file: 'LICENSE', text: '                                 Apache License' },
        { file: 'NOTICE', text: 'Apache thing\nCopyright 2020' },
      ]),
      pkg('bare', []),
    ])
    expect(text).toContain('3 packages.')
    expect(text).toContain(
      '@actions/core 1.0.0 (MIT)\nhttps://example.com/@actions/core\n\n--- LICENSE.md\n\n',
    )
    expect([...listedWithText(text)]).toEqual(['@actions/core 1.0.0 (MIT)', 'apache 1.0.0 (MIT)'])
  })
})
