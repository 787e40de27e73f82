// The registry-username / registry-password inputs. Pure.
import { InputError } from '../shared/errors.js'

export interface RegistryLogin {
  username: string
  password: string
}

/** Both inputs or neither. */
export function parseRegistryLogin(username: string, password: string): RegistryLogin | null {
  const pw = password.trim()
  if (!username && !pw) return null
  if (!username || !pw) {
    throw new InputError(
      username ? 'registry-password' : 'registry-username',
      'is needed with the other registry input: give registry-username and registry-password together (e.g. a token from a secret), or neither.',
    )
  }
  return { username, password: pw }
}
