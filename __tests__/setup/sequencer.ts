// The order jest starts test files in, with several workers (jest.config.js): the longest first, so the run ends
// when the longest path does, not when a long suite started last does. jest knows each file's last duration from
// its cache; a clean checkout (CI) has no cache, and jest would order by file size, which says little here. So a
// file jest has no duration for gets the one below (seconds, measured in a full run on a 2-core machine with four
// workers), or a default by kind.
// jest loads this file natively (Node strips the types), so it imports no project files.
import sequencerModule from '@jest/test-sequencer'

// The package is CommonJS with an ESM wrapper: at run time the default import is the class, while TypeScript
// reads its CommonJS types and sees the class as `.default`.
type SequencerClass = typeof sequencerModule.default
const Sequencer = ((sequencerModule as unknown as { default?: SequencerClass }).default ??
  sequencerModule) as SequencerClass

const EXPECTED_SECONDS: Record<string, number> = {
  'lock.e2e.test.ts': 176,
  'readiness.e2e.test.ts': 164,
  'real-node.e2e.test.ts': 162,
  'semantics.e2e.test.ts': 154,
  'teardown.e2e.test.ts': 109,
  'faults.e2e.test.ts': 90,
  'routed.e2e.test.ts': 86,
  'least-privilege.e2e.test.ts': 82,
  'fleet.e2e.test.ts': 80,
  'github-exact.e2e.test.ts': 77,
  'smoke.e2e.test.ts': 67,
  'stuck-teardown.e2e.test.ts': 67,
  'frontdoor.e2e.test.ts': 63,
  'security.e2e.test.ts': 60,
  'cluster-access.e2e.test.ts': 55,
  'idle.e2e.test.ts': 49,
  'tenancy-network.e2e.test.ts': 43,
  'apiserver-restart.e2e.test.ts': 42,
  'stack.e2e.test.ts': 35,
  'render-cli.e2e.test.ts': 31,
  'demo.e2e.test.ts': 29,
  'deploy.e2e.test.ts': 29,
  'claims-secrets.e2e.test.ts': 27,
  'network-policy.e2e.test.ts': 24,
  'pod-security.e2e.test.ts': 23,
  'injection-contexts.test.ts': 20,
  'oidc-issuer.e2e.test.ts': 16,
  'injection.test.ts': 12,
  'stack.test.ts': 11,
  'local-cluster.e2e.test.ts': 10,
}

type Test = Parameters<InstanceType<SequencerClass>['sort']>[0][number]

export default class LongestFirst extends Sequencer {
  override sort(tests: Test[]) {
    // jest's own sort sets each file's duration from its cache (and leaves it unset when it has none).
    const sorted = super.sort(tests) as Test[]
    for (const test of sorted) {
      const name = test.path.split('/').at(-1)!
      test.duration ??= (EXPECTED_SECONDS[name] ?? (name.endsWith('.e2e.test.ts') ? 20 : 2)) * 1000
    }
    return sorted.sort((a, b) => b.duration! - a.duration!)
  }
}
