// Where a run writes what it does: the workflow log (@actions/core in the action, stderr in the CLI).

/** The part of the log that the ports need. */
export interface Log {
  info(message: string): void
  warning(message: string): void
}

export interface RunLog extends Log {
  /** Hides a value in every later log line. */
  secret(value: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}
