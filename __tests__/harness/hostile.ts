// Generated hostile strings: YAML structure, Handlebars syntax, look-alike and invisible unicode, control
// characters — mixed at random from a fixed seed, so a failure is reproducible.
const FRAGMENTS = [
  '"',
  "'",
  '\\',
  '\n',
  '\r\n',
  '\t',
  ': ',
  ' #',
  '# ',
  '- ',
  '---',
  '...',
  '{',
  '}',
  '[',
  ']',
  ',',
  '|',
  '>',
  '?',
  '&anchor ',
  '*alias',
  '!!python/object:os.system',
  '!tag ',
  '%YAML 1.1',
  '<<: *a',
  '@',
  '`',
  '$(',
  '${{ x }}',
  '{{',
  '}}',
  '{{#each values}}',
  '{{/each}}',
  '{{> partial}}',
  '{{{raw}}}',
  '{{!--',
  'constructor',
  '__proto__',
  'namespace: kube-system',
  '\n  namespace: kube-system',
  'kind: ClusterRole',
  '\u2028',
  '\u2029',
  '\u0085',
  '\ufeff',
  '\u202e',
  '\u200b',
  '\u00a0',
  '：',
  'ｎａｍｅｓｐａｃｅ',
  'ⅰ',
  '🚀',
  '\u0000',
  '\u001b[31m',
  'null',
  'true',
  '~',
  '0x1F',
  '1e3',
  '.inf',
  'yes',
  '=',
  '<script>',
  '&amp;',
  '/',
  '..',
  '%0A',
]

export function hostileStrings(count: number, seed = 42): string[] {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  const out: string[] = [...FRAGMENTS]
  while (out.length < count) {
    let s = ''
    const parts = 1 + Math.floor(next() * 6)
    for (let i = 0; i < parts; i++) {
      s +=
        next() < 0.8
          ? FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]
          : String.fromCharCode(Math.floor(next() * 0x2100))
    }
    out.push(s)
  }
  return out
}
