// SHA-512-crypt (`$6$`, Ulrich Drepper's specification): the salted, slow password hash that nginx's
// auth_basic_user_file reads through the C library's crypt(3) (glibc and musl). Pure.
import { createHash } from 'node:crypto'

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
] as const

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512')
  for (const p of parts) h.update(p)
  return h.digest()
}
/** `bytes` repeated to `length` bytes. */
const stretch = (bytes: Buffer, length: number) =>
  Buffer.concat(Array.from({ length: Math.ceil(length / bytes.length) || 0 }, () => bytes)).subarray(
    0,
    length,
  )

function b64(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0
  let out = ''
  for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f]
  return out
}

/** `$6$[rounds=N$]<salt>$<hash>`; the salt is at most 16 characters of `./0-9A-Za-z`. */
export function sha512Crypt(password: string, salt: string, rounds = 5000): string {
  if (!/^[./0-9A-Za-z]{1,16}$/.test(salt))
    throw new Error('sha512Crypt: the salt must be 1-16 characters of ./0-9A-Za-z')
  const P = Buffer.from(password, 'utf8')
  const S = Buffer.from(salt, 'ascii')
  const B = sha512(P, S, P)
  const a = createHash('sha512').update(P).update(S).update(stretch(B, P.length))
  for (let n = P.length; n > 0; n >>= 1) a.update(n & 1 ? B : P)
  let C = a.digest()
  const PP = stretch(sha512(...Array.from({ length: P.length }, () => P)), P.length)
  const SS = stretch(sha512(...Array.from({ length: 16 + C[0]! }, () => S)), S.length)
  for (let i = 0; i < rounds; i++) {
    const h = createHash('sha512')
    h.update(i & 1 ? PP : C)
    if (i % 3) h.update(SS)
    if (i % 7) h.update(PP)
    h.update(i & 1 ? C : PP)
    C = h.digest()
  }
  const out = ORDER.map(([x, y, z]) => b64(C[x]!, C[y]!, C[z]!, 4)).join('') + b64(0, 0, C[63]!, 2)
  return `$6$${rounds === 5000 ? '' : `rounds=${rounds}$`}${salt}$${out}`
}
