// kstatus's and kubectl's own readiness test cases (__tests__/fixtures/readiness/, word for word, with their
// expected results) run through the action's readiness rules. Where the action answers differently, it does so
// on purpose, and DIFFERENCES below says why, case by case; the README's "What ready means" says the same.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { parseAllDocuments } from 'yaml'
import { readiness } from '../src/kube/wait/readiness.js'
import type { KubeObject } from '../src/shared/kube-object.js'
import type { ReadyState } from '../src/shared/readiness.js'

const DIR = fileURLToPath(new URL('./fixtures/readiness', import.meta.url))

interface Fixture {
  file: string
  source: 'kstatus' | 'kubectl'
  case: string
  expected: string
  manifest: KubeObject
}

function load(source: 'kstatus' | 'kubectl'): Fixture[] {
  return readdirSync(join(DIR, source))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      // kstatus formats one manifest's %s with the time before computing its status; so does this test.
      const text = readFileSync(join(DIR, source, file), 'utf8').replace('%s', new Date().toISOString())
      // One of kstatus's manifests repeats a key (observedGeneration): its YAML parser keeps the last one.
      const [meta, manifest] = parseAllDocuments(text, { uniqueKeys: false }).map((d) => d.toJS() as unknown)
      const m = meta as { case: string; expected: string }
      return { file, source, case: m.case, expected: m.expected, manifest: manifest as KubeObject }
    })
}

/** What each project's answer is in the action's terms. */
const THEIRS: Record<string, ReadyState | 'refused'> = {
  Current: 'ready',
  InProgress: 'progressing',
  Failed: 'failed',
  Done: 'ready',
  Waiting: 'progressing',
  Error: 'refused',
}

const NOT_WAITED_POD =
  'bare Pods are not waited for: a preview runs its pods through Deployments, StatefulSets, DaemonSets and Jobs, whose pods the wait reads (the stability window) and the diagnosis names'
const NOT_WAITED = (kind: string, why: string) => `${kind} is not waited for: ${why}`
const ON_DELETE =
  'kubectl refuses to watch updateStrategy OnDelete; the action waits: ready when every pod runs the current spec, failed when pods keep an old one'

/** Every case where the action answers differently from kstatus or kubectl, with its answer and why. */
const DIFFERENCES: Record<string, { ours: ReadyState; why: string }> = {
  'kstatus TestPodStatus/podNoStatus': { ours: 'ready', why: NOT_WAITED_POD },
  'kstatus TestPodStatus/podBeingScheduled': { ours: 'ready', why: NOT_WAITED_POD },
  'kstatus TestPodStatus/podUnschedulable': { ours: 'ready', why: NOT_WAITED_POD },
  'kstatus TestPodStatus/podCrashLooping': { ours: 'ready', why: NOT_WAITED_POD },
  'kstatus TestPVCStatus/pvcNoStatus': {
    ours: 'ready',
    why: NOT_WAITED(
      'a PersistentVolumeClaim',
      'with a WaitForFirstConsumer storage class it is Bound only once a pod uses it, so waiting for Bound first would never end',
    ),
  },
  'kstatus TestStsStatus/stsOK': {
    ours: 'progressing',
    why: 'the status has no updatedReplicas: the action needs the pods at the update revision (updatedReplicas), which the StatefulSet controller always reports; kstatus reads currentReplicas',
  },
  ...Object.fromEntries(
    ['rsNoStatus', 'rsLessAvailable', 'rsLessReady', 'rsReplicaFailure'].map((c) => [
      `kstatus TestReplicasetStatus/${c}`,
      {
        ours: 'ready' as const,
        why: NOT_WAITED(
          'a ReplicaSet',
          "a preview's ReplicaSets are its Deployments', which are waited for (and a current ReplicaSet's refusals fail its Deployment)",
        ),
      },
    ]),
  ),
  'kstatus TestPDBStatus/pdbNotObserved': {
    ours: 'ready',
    why: NOT_WAITED(
      'a PodDisruptionBudget',
      'it only limits evictions; nothing in a preview depends on it being observed',
    ),
  },
  ...Object.fromEntries(
    ['crdNotReady', 'crdMismatchStatusGeneration'].map((c) => [
      `kstatus TestCRDGenericStatus/${c}`,
      {
        ours: 'ready' as const,
        why: NOT_WAITED('a custom resource', 'what its conditions mean is up to its controller'),
      },
    ]),
  ),
  'kstatus TestJobStatus/jobInProgress': {
    ours: 'progressing',
    why: 'a Job is ready once Complete (kstatus: once it runs): the preview is not ready before its migrations have run',
  },
  'kstatus TestServiceStatus/serviceLBnok': {
    ours: 'ready',
    why: NOT_WAITED(
      'a LoadBalancer Service',
      'a preview is reached through the front door (Ingress or Gateway), and many clusters never give one an address',
    ),
  },
  ...Object.fromEntries(
    (
      [
        ['crdNoConditions', 'progressing'],
        ['crdInstalling', 'progressing'],
        ['crdNamesNotAccepted', 'failed'],
      ] as const
    ).map(([c]) => [
      `kstatus TestCRDStatus/${c}`,
      {
        ours: 'ready' as const,
        why: 'a CustomResourceDefinition is waited for before objects of its kind are applied (crds.ts: Established, and NamesAccepted=False fails at once), not by these rules',
      },
    ]),
  ),
  'kubectl TestDaemonSetStatusViewerStatus/test3': {
    ours: 'progressing',
    why: "numberReady must reach desiredNumberScheduled too (kstatus's rule); kubectl reads numberAvailable only. The controller never reports more available than ready pods, so only a made-up status tells them apart",
  },
  'kubectl TestDaemonSetStatusViewerStatusWithWrongUpdateStrategyType': {
    ours: 'progressing',
    why: ON_DELETE,
  },
  'kubectl TestStatefulSetStatusViewerStatus/on delete returns an error': {
    ours: 'progressing',
    why: ON_DELETE,
  },
}

const fixtures = [...load('kstatus'), ...load('kubectl')]
const key = (f: Fixture) => `${f.source} ${f.case}`

describe("kstatus's and kubectl's own cases", () => {
  test('every case of both projects is here', () => {
    expect(fixtures.filter((f) => f.source === 'kstatus')).toHaveLength(57)
    expect(fixtures.filter((f) => f.source === 'kubectl')).toHaveLength(16)
  })

  test.each(fixtures.map((f) => [key(f), f] as const))('%s', (_name, f) => {
    const ours = readiness(f.manifest).state
    const difference = DIFFERENCES[key(f)]
    if (difference) {
      expect(THEIRS[f.expected]).not.toBe(difference.ours)
      expect(ours).toBe(difference.ours)
    } else expect(ours).toBe(THEIRS[f.expected])
  })

  test('every listed difference is a case of theirs', () => {
    expect(Object.keys(DIFFERENCES).filter((k) => !fixtures.some((f) => key(f) === k))).toEqual([])
  })
})
