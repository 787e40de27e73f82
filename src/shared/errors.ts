// The errors every layer may throw: a bad input (named by the input) and a bad template (named by file and line).
// Both mean "the user must change something"; the action reports them without a stack trace.

export class InputError extends Error {
  constructor(input: string, problem: string) {
    super(`Input "${input}": ${problem}`)
    this.name = 'InputError'
  }
}

export class TemplateError extends Error {
  readonly file: string
  readonly line: number | undefined
  constructor(file: string, line: number | undefined, problem: string) {
    super(`${file}${line ? `:${line}` : ''}: ${problem}`)
    this.name = 'TemplateError'
    this.file = file
    this.line = line
  }
}
