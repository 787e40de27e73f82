/** Reads one raw input by its name (core.getInput in the action; a map in tests and the CLI). */
export type InputReader = (name: string) => string
