// The runner's kubeconfig when the `kubeconfig` input is empty: the files of $KUBECONFIG merged as kubectl merges
// them, or ~/.kube/config — what google-github-actions/get-gke-credentials, `aws eks update-kubeconfig` and
// azure/aks-set-context leave behind. Pure: the caller reads the files.
import { delimiter, dirname, isAbsolute, resolve } from 'node:path'
import { parse, stringify } from 'yaml'

export interface KubeconfigFile {
  path: string
  text: string
}

type Named = { name?: unknown; [k: string]: unknown }
type Config = Record<string, unknown> & {
  clusters?: Named[]
  users?: Named[]
  contexts?: Named[]
  'current-context'?: string
}

const PATH_FIELDS: Record<string, string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile'],
}

/** File paths inside a kubeconfig are relative to its own folder (kubectl's rule), exec commands with a slash too. */
function absolutise(entry: Named, key: 'cluster' | 'user', dir: string): Named {
  const inner = entry[key]
  if (!inner || typeof inner !== 'object') return entry
  const out: Record<string, unknown> = { ...(inner as Record<string, unknown>) }
  for (const f of PATH_FIELDS[key]!)
    if (typeof out[f] === 'string' && out[f] && !isAbsolute(out[f] as string))
      out[f] = resolve(dir, out[f] as string)
  const exec = out.exec as { command?: unknown } | undefined
  if (
    key === 'user' &&
    exec &&
    typeof exec.command === 'string' &&
    exec.command.includes('/') &&
    !isAbsolute(exec.command)
  )
    out.exec = { ...exec, command: resolve(dir, exec.command) }
  return { ...entry, [key]: out }
}

/**
 * One kubeconfig from several, as kubectl merges $KUBECONFIG: the first file that sets `current-context` wins, and
 * a cluster, user or context named in several files is taken from the first. Throws naming a file that is not YAML.
 */
export function mergeKubeconfigs(files: KubeconfigFile[]): string {
  const merged: Config = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] }
  for (const file of files) {
    let config: Config
    try {
      config = (parse(file.text) ?? {}) as Config
    } catch (e) {
      throw new Error(`${file.path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { cause: e })
    }
    if (typeof config !== 'object') throw new Error(`${file.path} is not a kubeconfig`)
    const dir = dirname(file.path)
    if (!merged['current-context'] && config['current-context'])
      merged['current-context'] = config['current-context']
    for (const [list, key] of [
      ['clusters', 'cluster'],
      ['users', 'user'],
      ['contexts', 'context'],
    ] as const) {
      for (const entry of config[list] ?? []) {
        if (merged[list]!.some((e) => e.name === entry.name)) continue
        merged[list]!.push(key === 'context' ? entry : absolutise(entry, key, dir))
      }
    }
  }
  return stringify(merged)
}

/** The files kubectl would read: the $KUBECONFIG list (separated by the path delimiter, empty entries skipped), else ~/.kube/config. */
export function kubeconfigPaths(env: string | undefined, home: string): string[] {
  const listed = (env ?? '').split(delimiter).filter(Boolean)
  return listed.length ? listed : [resolve(home, '.kube', 'config')]
}
