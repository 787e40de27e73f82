// Every input of the action, parsed once into one typed object. Pure: takes a reader of raw input strings and
// throws an error naming the input and what it expects.

export interface Settings {
  /** The kubeconfig as YAML text (decoded when it was given as base64). Secret. */
  kubeconfig: string
  githubToken: string
}

export type InputReader = (name: string) => string

export class InputError extends Error {
  constructor(input: string, problem: string) {
    super(`Input "${input}": ${problem}`)
    this.name = 'InputError'
  }
}

/** Kubeconfig text, given as YAML or as base64 of YAML (what `base64 -w0 ~/.kube/config` prints). */
export function decodeKubeconfig(raw: string): string {
  const text = raw.trim()
  if (text === '')
    throw new InputError(
      'kubeconfig',
      'is required: pass a secret, e.g. `kubeconfig: ${{ secrets.KUBECONFIG }}`.',
    )
  if (/^[A-Za-z0-9+/=\s]+$/.test(text) && !text.includes(':')) {
    const decoded = Buffer.from(text, 'base64').toString('utf8')
    if (/apiVersion|clusters/.test(decoded)) return decoded
    throw new InputError('kubeconfig', 'looks like base64 but does not decode to a kubeconfig.')
  }
  if (!/clusters\s*:/.test(text)) {
    throw new InputError(
      'kubeconfig',
      'is not a kubeconfig: expected YAML with `clusters:`, or base64 of it.',
    )
  }
  return text
}

export function parseSettings(read: InputReader): Settings {
  return {
    kubeconfig: decodeKubeconfig(read('kubeconfig')),
    githubToken: read('github-token').trim(),
  }
}
