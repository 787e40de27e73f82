// Reads a templates folder: every *.yaml / *.yml file is a template, except values.yaml, which holds the
// defaults of `values`. Subfolders are read too (names keep their relative path).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import type { TemplateFile } from './render.js'
import { InputError } from './settings.js'

export interface TemplateSet {
  /** Where they came from, for messages. */
  folder: string
  files: TemplateFile[]
  defaults: Record<string, unknown>
}

/** The bundled stack: `templates/` at the top of the action's own checkout, next to action.yml and dist/. */
export function bundledTemplatesFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'action.yml')) && dirname(dir) !== dir) dir = dirname(dir)
  return join(dir, 'templates')
}

const TEMPLATE = /\.ya?ml$/
const VALUES = /^values\.ya?ml$/

export function loadTemplates(folder: string, workspace: string): TemplateSet {
  const root = folder ? resolve(workspace, folder) : bundledTemplatesFolder()
  const shown = folder || 'the bundled templates'
  let isDir = false
  try {
    isDir = statSync(root).isDirectory()
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new InputError(
      'templates',
      `folder "${folder}" was not found in the workspace (${root}); did the job run actions/checkout?`,
    )
  }
  const files: TemplateFile[] = []
  let defaults: Record<string, unknown> = {}
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (dir === root && VALUES.test(entry.name)) defaults = readDefaults(path, relative(root, path))
      else if (TEMPLATE.test(entry.name))
        files.push({ name: relative(root, path), text: readFileSync(path, 'utf8') })
    }
  }
  visit(root)
  if (files.length === 0) throw new InputError('templates', `folder "${shown}" has no .yaml templates.`)
  return { folder: shown, files, defaults }
}

function readDefaults(path: string, name: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: true })
  } catch (e) {
    throw new InputError('templates', `${name} is not valid YAML: ${(e as Error).message.split('\n')[0]}`)
  }
  if (parsed === null || parsed === undefined) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InputError('templates', `${name} must be a YAML mapping.`)
  return parsed as Record<string, unknown>
}
