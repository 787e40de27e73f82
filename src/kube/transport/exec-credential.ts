// Exec credential plugins (client.authentication.k8s.io): gke-gcloud-auth-plugin, `aws eks get-token`, kubelogin.
// The plugin's output is the credential, so it is never printed: not on success, not in an error (only its exit
// code and its stderr's last line, which the plugins use for messages). The credential is reused until its
// expirationTimestamp and run again after a 401.
import { spawn } from 'node:child_process'

export interface ExecConfig {
  command: string
  args?: string[]
  env?: Array<{ name: string; value: string }> | null
  apiVersion?: string
  provideClusterInfo?: boolean
  installHint?: string
}

export interface ExecCredential {
  token?: string
  clientCertificateData?: string
  clientKeyData?: string
  /** ms since the epoch; null: does not expire. */
  expiresAt: number | null
}

export type RunPlugin = (
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
) => Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }>

export const runPlugin: RunPlugin = (command, args, env) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (error) => resolve({ code: null, stdout: '', stderr, error }))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** The ExecCredential a plugin printed, read without ever quoting it. Pure. */
export function parseExecCredential(stdout: string, command: string): ExecCredential {
  let status: Record<string, unknown> | undefined
  try {
    status = (JSON.parse(stdout) as { status?: Record<string, unknown> }).status
  } catch {
    throw new Error(
      `the credential plugin "${command}" printed something that is not an ExecCredential (JSON)`,
    )
  }
  if (!status || (typeof status.token !== 'string' && typeof status.clientCertificateData !== 'string'))
    throw new Error(
      `the credential plugin "${command}" printed an ExecCredential without a token or certificate`,
    )
  const expires =
    typeof status.expirationTimestamp === 'string' ? Date.parse(status.expirationTimestamp) : NaN
  return {
    token: typeof status.token === 'string' ? status.token : undefined,
    clientCertificateData:
      typeof status.clientCertificateData === 'string' ? status.clientCertificateData : undefined,
    clientKeyData: typeof status.clientKeyData === 'string' ? status.clientKeyData : undefined,
    expiresAt: Number.isFinite(expires) ? expires : null,
  }
}

/** Runs the plugin as kubectl does (KUBERNETES_EXEC_INFO, the kubeconfig's env on top of the runner's). */
export async function execCredential(
  exec: ExecConfig,
  cluster: { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean },
  run: RunPlugin = runPlugin,
): Promise<ExecCredential> {
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1'
  const info = {
    apiVersion,
    kind: 'ExecCredential',
    spec: {
      interactive: false,
      ...(exec.provideClusterInfo
        ? {
            cluster: {
              server: cluster.server,
              'certificate-authority-data': cluster['certificate-authority-data'],
              'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'],
            },
          }
        : {}),
    },
  }
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) }
  for (const e of exec.env ?? []) env[e.name] = e.value
  const r = await run(exec.command, exec.args ?? [], env)
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new Error(
      missing
        ? `the kubeconfig's credential plugin "${exec.command}" is not installed on the runner${exec.installHint ? `: ${exec.installHint.trim()}` : ''}`
        : `the kubeconfig's credential plugin "${exec.command}" could not run: ${r.error.message}`,
    )
  }
  if (r.code !== 0) {
    const last = r.stderr.trim().split('\n').at(-1)?.slice(0, 300) ?? ''
    throw new Error(
      `the kubeconfig's credential plugin "${exec.command}" failed (exit ${r.code})${last ? `: ${last}` : ''}`,
    )
  }
  return parseExecCredential(r.stdout, exec.command)
}
