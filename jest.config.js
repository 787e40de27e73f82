/**
 * Two projects. unit: pure code and the GitHub API double, no cluster (`npm run test:unit`). e2e: files named
 * *.e2e.test.ts, which run the bundled action against the local control plane that the e2e project's global
 * setup starts — only when at least one e2e test is selected. `npm test` runs both.
 */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  // .tmp/ holds the local clusters' data: etcd writes *.snap files there, which jest would otherwise take for
  // obsolete snapshot files (and exit 1 with every test passed, or delete them under -u). Nothing of jest's is there.
  modulePathIgnorePatterns: ['<rootDir>/.tmp/'],
}

export default {
  testTimeout: 120000,
  // Test files run side by side: every e2e file uses repositories (so namespaces, and cluster-wide names) of its
  // own, so they share the one cluster of the run without sharing state, and most of their time is waiting on it.
  // Six workers on two cores (most of a file's time is waiting on controllers, leases and timeouts): the run's
  // length is then about its longest file (real-node.e2e) plus the cluster's start: 7.5 min here, 8.9 min with four.
  // `--maxWorkers=1` runs them one after another, e.g. to read one suite's output undisturbed.
  maxWorkers: 6,
  // The longest files first (their last durations, or the table in sequencer.ts on a clean checkout).
  testSequencer: '<rootDir>/__tests__/setup/sequencer.ts',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/__tests__/setup/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/setup/global-teardown.ts',
    },
  ],
}
