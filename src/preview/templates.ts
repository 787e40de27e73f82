// Reads a templates folder: every *.yaml / *.yml file is a template, except values.yaml, which holds the
// defaults of `values`. Subfolders are read too (names keep their relative path). An extra folder
// (`extra-templates`) is laid over it: same name replaces, new names add, its values.yaml is merged over.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { mergeValues } from './context.js'
import { type Settings } from '../inputs/settings.js'
import type { TemplateFile } from '../shared/kube-object.js'
import { InputError } from '../shared/errors.js'

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

/** The action's own auth proxy (templates/auth-proxy.yaml of this version), which basic-auth reserves. */
export function ownAuthProxyTemplate(): TemplateFile {
  const name = 'auth-proxy.yaml'
  return { name, text: readFileSync(join(bundledTemplatesFolder(), name), 'utf8') }
}

const TEMPLATE = /\.ya?ml$/
const VALUES = /^values\.ya?ml$/

export function loadTemplates(folder: string, workspace: string, extra = ''): TemplateSet {
  const base = readFolder('templates', folder, folder ? resolve(workspace, folder) : bundledTemplatesFolder())
  if (!extra) return base
  return overlay(base, readFolder('extra-templates', extra, resolve(workspace, extra)))
}

/** `extra` laid over `base`: a file of the same name replaces the base's (an empty one removes it). */
export function overlay(base: TemplateSet, extra: TemplateSet): TemplateSet {
  const replaced = new Set(extra.files.map((f) => f.name))
  return {
    folder: `${base.folder} with ${extra.folder}`,
    files: [...base.files.filter((f) => !replaced.has(f.name)), ...extra.files].sort((a, b) =>
      a.name.localeCompare(b.name),
    ),
    defaults: mergeValues(base.defaults, extra.defaults),
  }
}

/** Where a template named in an error lives in the repository, for the error annotation. */
export function templatePath(
  settings: Pick<Settings, 'templates' | 'extraTemplates'>,
  file: string,
  workspace = process.env.GITHUB_WORKSPACE ?? process.cwd(),
): string {
  if (settings.extraTemplates && existsSync(resolve(workspace, settings.extraTemplates, file)))
    return join(settings.extraTemplates, file)
  return settings.templates ? join(settings.templates, file) : `templates/${file}`
}

function readFolder(input: string, folder: string, root: string): TemplateSet {
  const shown = folder || 'the bundled templates'
  let isDir = false
  try {
    isDir = statSync(root).isDirectory()
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new InputError(
      input,
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
      if (entry.isSymbolicLink()) insideFolder(input, root, path)
      if (entry.isDirectory()) visit(path)
      else if (dir === root && VALUES.test(entry.name))
        defaults = readDefaults(input, path, relative(root, path))
      else if (TEMPLATE.test(entry.name))
        files.push({ name: relative(root, path), text: readFileSync(path, 'utf8') })
    }
  }
  visit(root)
  if (files.length === 0 && input === 'templates')
    throw new InputError(input, `folder "${shown}" has no .yaml templates.`)
  return { folder: shown, files, defaults }
}

function readDefaults(input: string, path: string, name: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: true })
  } catch (e) {
    throw new InputError(input, `${name} is not valid YAML: ${(e as Error).message.split('\n')[0]}`)
  }
  if (parsed === null || parsed === undefined) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InputError(input, `${name} must be a YAML mapping.`)
  return parsed as Record<string, unknown>
}

/**
 * A symlink in the templates folder must stay inside it: one that leads out (a values.yaml pointing at a
 * credentials file an earlier step wrote) would put that file's contents into the preview.
 */
function insideFolder(input: string, root: string, path: string): void {
  let target: string
  try {
    target = realpathSync(path)
  } catch {
    throw new InputError(input, `${relative(root, path)} is a symlink to nothing; remove it.`)
  }
  const base = realpathSync(root)
  if (target !== base && !target.startsWith(base + sep))
    throw new InputError(
      input,
      `${relative(root, path)} is a symlink that leads out of the templates folder (to ${target}); templates and values.yaml must be files in the folder.`,
    )
}
