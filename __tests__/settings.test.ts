import { describe, expect, test } from '@jest/globals'
import { parseSettings, requireKubeconfig } from '../src/inputs/settings.js'
import { decodeKubeconfig, parseDuration } from '../src/inputs/parse.js'

const KUBECONFIG = 'apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: "https://k"}\n'
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('settings', () => {
  test('defaults', () => {
    const s = parseSettings(reader({ kubeconfig: KUBECONFIG, 'github-token': 't' }))
    expect(s).toMatchObject({
      namespacePrefix: 'preview',
      wait: true,
      timeoutMs: 600_000,
      mode: 'auto',
      urlScheme: '', // https once a certificate is configured
      values: {},
    })
  })

  test('kubeconfig as YAML or base64', () => {
    expect(decodeKubeconfig(Buffer.from(KUBECONFIG).toString('base64'))).toBe(KUBECONFIG)
    expect(decodeKubeconfig(`  ${KUBECONFIG}  `)).toBe(KUBECONFIG.trim())
  })

  test.each([
    [{ kubeconfig: 'hello: world' }, /Input "kubeconfig": is not a kubeconfig/],
    [{ kubeconfig: 'aGVsbG8=' }, /Input "kubeconfig": looks like base64/],
    [{ kubeconfig: KUBECONFIG, timeout: 'soon' }, /Input "timeout": "soon" is not a duration/],
    [{ kubeconfig: KUBECONFIG, wait: 'maybe' }, /Input "wait": "maybe" is not a boolean/],
    [{ kubeconfig: KUBECONFIG, mode: 'nuke' }, /Input "mode": "nuke" is not a mode/],
    [{ kubeconfig: KUBECONFIG, values: '- a\n- b' }, /Input "values": must be a YAML mapping/],
    [{ kubeconfig: KUBECONFIG, values: 'a: [' }, /Input "values": is not valid YAML/],
    [{ kubeconfig: KUBECONFIG, 'namespace-prefix': 'Bad_Prefix' }, /Input "namespace-prefix"/],
    [{ kubeconfig: KUBECONFIG, domain: 'not a domain' }, /Input "domain"/],
    [{ kubeconfig: KUBECONFIG, 'url-scheme': 'ftp' }, /Input "url-scheme"/],
  ])('%j is refused with an error naming the input', (inputs, message) => {
    expect(() => parseSettings(reader(inputs))).toThrow(message)
  })

  test('an empty kubeconfig is only refused when the cluster is needed', () => {
    const s = parseSettings(reader({}))
    expect(() => requireKubeconfig(s)).toThrow(/Input "kubeconfig": is required/)
  })

  test('allow-cluster-scoped', () => {
    expect(
      parseSettings(reader({ 'allow-cluster-scoped': 'ClusterRole, ClusterRoleBinding\nPriorityClass' }))
        .allowClusterScoped,
    ).toEqual(['ClusterRole', 'ClusterRoleBinding', 'PriorityClass'])
    expect(() => parseSettings(reader({ 'allow-cluster-scoped': 'Namespace' }))).toThrow(
      /Input "allow-cluster-scoped"/,
    )
    expect(() => parseSettings(reader({ 'allow-cluster-scoped': 'cluster role' }))).toThrow(
      /is not a Kubernetes kind/,
    )
  })

  test('durations', () => {
    expect(parseDuration('t', '90s')).toBe(90_000)
    expect(parseDuration('t', '1h30m')).toBe(5_400_000)
    expect(parseDuration('t', '45')).toBe(45_000)
  })
})
