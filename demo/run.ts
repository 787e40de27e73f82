// npm run demo: a pull request's life, opened → pushed to → closed, through the real bundled action, on the
// local control plane (built the first time) and a local stand-in for GitHub's API. DEMO_KUBECONFIG=<file>
// points it at your own cluster instead.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startGitHubDouble, type GitHubDouble } from '../__tests__/github-double/server.js'
import { runAction, type RunResult } from '../__tests__/harness/run-action.js'

const CLI = fileURLToPath(new URL('../cluster/cli.ts', import.meta.url))
const REPO = 'acme/storefront'
const PR = 42
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s)
const say = (s = '') => console.log(s)

async function main(): Promise<void> {
  const own = process.env.DEMO_KUBECONFIG
  let kubeconfigPath = own ?? ''
  if (!own) {
    say(
      bold('Starting the local Kubernetes control plane') +
        dim(' (the first time builds it from Go modules: several minutes)'),
    )
    const child = execFile(process.execPath, [CLI, 'up', '--name', 'demo'])
    child.stderr?.pipe(process.stderr)
    const out = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout?.on('data', (d: Buffer) => (text += d.toString()))
      child.on('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error('the control plane did not start')),
      )
    })
    kubeconfigPath = out.trim().split('\n').at(-1)!.slice('KUBECONFIG='.length)
  } else {
    say(bold(`Using your cluster from DEMO_KUBECONFIG=${own}`))
  }
  const kubeconfig = readFileSync(kubeconfigPath, 'utf8')
  const gh = await startGitHubDouble()
  const step = async (
    title: string,
    action: 'opened' | 'synchronize' | 'closed',
    sha: string,
  ): Promise<RunResult> => {
    say()
    say(bold(`── ${title} `.padEnd(78, '─')))
    const started = Date.now()
    const r = await runAction({
      apiUrl: gh.url,
      event: {
        action,
        number: PR,
        repository: REPO,
        branch: 'feature/search',
        sha,
        title: 'Search the catalogue',
      },
      inputs: { kubeconfig, 'github-token': gh.token, domain: 'preview.example.test', timeout: '3m' },
    })
    say(
      `   ${r.code === 0 ? '✔' : '✘'} status ${bold(r.outputs.status ?? '?')} in ${((Date.now() - started) / 1000).toFixed(1)} s · namespace ${r.outputs.namespace}`,
    )
    if (r.code !== 0)
      say(
        r.log
          .split('\n')
          .filter((l) => l.startsWith('::error'))
          .join('\n'),
      )
    return r
  }

  try {
    const first = 'c0ffee'.padEnd(40, '1')
    const opened = await step(`PR #${PR} opened: deploy the whole stack`, 'opened', first)
    showServices(opened)
    showGitHub(gh)

    const second = 'beef42'.padEnd(40, '2')
    const pushed = await step(`a new commit pushed: roll out the new image`, 'synchronize', second)
    showServices(pushed)
    const pruned = /\| Pruned \| (.+) \|/.exec(pushed.summary)?.[1]
    if (pruned) say(`   pruned: ${pruned.trim()} ${dim('(the previous commit’s migration job)')}`)
    showGitHub(gh)

    const closed = await step(`PR #${PR} closed: remove everything`, 'closed', second)
    say(`   ${/\*\*(.+)\*\*/.exec(closed.summary)?.[1] ?? ''}`)
    showGitHub(gh)
    say()
    say(bold('The PR comment, kept up to date in place:'))
    say(dim((gh.comments[0]?.body ?? '(none)').replace(/<!--.*-->\n/, '')))
  } finally {
    await gh.close()
    if (!own) await promisify(execFile)(process.execPath, [CLI, 'down', '--name', 'demo'])
  }
}

function showServices(r: RunResult): void {
  const rows = r.summary
    .split('\n')
    .filter((l) => /^\| \S+ \| (Deployment|StatefulSet|Job|DaemonSet) \|/.test(l))
  if (r.outputs.url) say(`   web app  ${bold(r.outputs.url)}`)
  for (const row of rows) {
    const [, name, kind, ready, url] = row.split('|').map((c) => c.trim())
    say(`   ${name!.padEnd(16)} ${kind!.padEnd(12)} ${ready!.padEnd(22)} ${(url ?? '').replace(/[<>]/g, '')}`)
  }
}

function showGitHub(gh: GitHubDouble): void {
  const line = gh.deployments
    .map(
      (d) =>
        `#${d.id} ${gh
          .statusesOf(d.id)
          .map((s) => s.state)
          .join(' → ')}`,
    )
    .join('   ')
  say(`   GitHub deployments of ${gh.deployments[0]?.environment ?? ''}: ${line}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
