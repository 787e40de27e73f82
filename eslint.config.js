import js from '@eslint/js'
import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import tseslint from 'typescript-eslint'

// The layers of src/, lowest first: a folder may import from its own layer and the ones before it, never from a
// later one (CONTRIBUTING.md, "The map of src/"). The entry (index.ts, main.ts) and cli/ sit on top.
const LAYERS = [
  ['shared', 'types and errors every layer uses'],
  ['inputs', 'the action inputs and the event, parsed (pure)'],
  ['preview', 'the preview model (pure)'],
  ['github', 'the GitHub port'],
  ['kube', 'the Kubernetes port'],
  ['modes', 'the run modes'],
]
// The two ports are side by side: neither imports the other.
const PEERS = { github: ['kube'], kube: ['github'] }

const layerZones = LAYERS.map(([name, what], i) => {
  const allowed = LAYERS.slice(0, i + 1).map(([n]) => n)
  return {
    target: `./src/${name}`,
    from: './src',
    except: allowed.filter((n) => !(PEERS[name] ?? []).includes(n)).map((n) => `./${n}`),
    message: `src/${name}/ (${what}) may import only from ${allowed
      .filter((n) => !(PEERS[name] ?? []).includes(n))
      .map((n) => `src/${n}/`)
      .join(', ')}: an import that climbs a layer (see CONTRIBUTING.md, "The map of src/").`,
  }
})

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'cluster/go/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // No import circles in src/, type-only imports included.
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            {
              target: './src/cli',
              from: ['./src/main.ts', './src/index.ts'],
              message: 'cli/ is an entry of its own: it does not import the action entry.',
            },
          ],
        },
      ],
    },
  },
)
