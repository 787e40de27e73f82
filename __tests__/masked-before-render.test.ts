// Generated credentials are masked before the first render (tenancy, point 9), also on a preview's first deploy
// (no stored Secret yet): when the render reads the templates, every password is already registered with the
// runner, so nothing the render does (a template error quoting a line, a value in a message) can show one.
import { describe, expect, test } from '@jest/globals'
import { renderWithCredentials } from '../src/modes/deploy/claim.js'
import { OPEN_FRONT_DOOR } from '../src/preview/frontdoor.js'
import type { TemplateFile } from '../src/shared/kube-object.js'
import type { Run } from '../src/modes/deploy/run.js'
import { planOf } from './harness/plan.js'

const TEMPLATE = `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  url: mysql://app:{{credentials.db}}@db/app
  cache: {{credentials.cache}}
`

describe('credentials are masked before the first render', () => {
  test('on a first deploy and on a later one, every password is masked when the render reads the templates', () => {
    const { settings, plan } = planOf({}, 5, 'd'.repeat(40))
    const stored = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'preview-credentials' },
      data: { db: Buffer.from('stored-password-123456789').toString('base64') },
    }
    for (const secret of [null, stored]) {
      const masked: string[] = []
      // What was masked each time the templates' text was read; the render's own reading comes last.
      const seen: string[][] = []
      const file: TemplateFile = {
        name: 'db.yaml',
        get text() {
          seen.push([...masked])
          return TEMPLATE
        },
      }
      const log = {
        info: () => undefined,
        warning: () => undefined,
        secret: (v: string) => void masked.push(v),
        group: <T>(_: string, fn: () => Promise<T>) => fn(),
      }
      const r = {
        plan,
        log,
        o: {
          templates: { folder: 'preview', files: [file], defaults: {} },
          values: settings.values,
          allowClusterScoped: [],
          guardrails: settings,
          frontDoor: { context: OPEN_FRONT_DOOR, objects: [], scheme: 'https', ingressProblem: null },
        },
      } as unknown as Pick<Run, 'plan' | 'o' | 'log'>
      const { credentials, objects } = renderWithCredentials(r, secret)
      const passwords = Object.values(credentials.values)
      expect(passwords).toHaveLength(2)
      if (secret) expect(credentials.values.db).toBe('stored-password-123456789')
      expect(objects.some((o) => o.kind === 'Secret' && o.metadata.name === 'db')).toBe(true)
      expect(masked.sort()).toEqual([...passwords].sort())
      expect(seen.length).toBeGreaterThan(1)
      expect(seen.at(-1)!.sort()).toEqual([...passwords].sort())
    }
  })
})
