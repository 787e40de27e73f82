import { describe, expect, it } from '@jest/globals'
import {
  cniConfig,
  containerdConfig,
  corefile,
  kubeletConfig,
  kubeProxyConfig,
  layout,
} from '../cluster/node/plan.js'

describe('the real node layout', () => {
  const a = layout('/runs/a', 7)
  const b = layout('/runs/b', 8)

  it('gives two clusters no name, address, path or cgroup in common', () => {
    const values = (l: typeof a) =>
      [
        l.netns,
        l.hostVeth,
        l.nodeVeth,
        l.bridge,
        l.hostIp,
        l.nodeIp,
        l.gatewayIp,
        l.podSubnet,
        l.cgroupRoot,
        l.cniNetwork,
        l.socket,
        ...Object.values(l.files),
      ].map(String)
    const shared = values(a).filter((v) => values(b).includes(v))
    expect(shared).toEqual([])
    for (const name of [a.hostVeth, a.nodeVeth, a.bridge]) expect(name.length).toBeLessThanOrEqual(15)
    expect(a.socket.length).toBeLessThan(100)
  })

  it('keeps every path of the node in its own folders', () => {
    const own = (text: string) =>
      [...text.matchAll(/(?:^|[\s"=:[])(\/[\w./-]+)/gm)]
        .map((m) => m[1]!.replace(/^\/+/, '/'))
        .filter((p) => p.startsWith('/') && !p.startsWith('/usr/lib/cni') && !/^\/\d/.test(p))
    const texts = [containerdConfig(a, 'p'), cniConfig(a), kubeletConfig(a), kubeProxyConfig(a)]
    const elsewhere = texts
      .flatMap(own)
      .filter((p) => !p.startsWith(a.root + '/') && !p.startsWith(a.run + '/') && p !== a.cgroupRoot)
    expect(elsewhere).toEqual([])
  })

  it('sends nothing off the machine: no masquerade, no DNS upstream', () => {
    expect(JSON.parse(cniConfig(a)).plugins[0]).toMatchObject({ ipMasq: false, bridge: a.bridge })
    expect(corefile(a)).not.toMatch(/forward|proxy/)
    expect(corefile(a)).toContain(`bind ${a.gatewayIp}`)
  })

  it('runs the kubelet on cgroup v1 with its own cgroup root, tainted', () => {
    const k = kubeletConfig(a)
    expect(k).toContain('failCgroupV1: false')
    expect(k).toContain('cgroupDriver: cgroupfs')
    expect(k).toContain(`cgroupRoot: ${a.cgroupRoot}`)
    expect(k).toContain('key: preview.local/real-node')
    expect(containerdConfig(a, 'p')).toContain('restrict_oom_score_adj = true')
  })
})
