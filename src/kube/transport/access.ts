// The transport of a run, from how it reaches the cluster (inputs/access.ts): the kubeconfig input, the runner's
// kubeconfig files, or the job's GitHub OIDC token. Only runs that talk to the cluster call this, so a run that
// needs no cluster (a skipped fork PR) never fails for want of credentials.
import { existsSync, readFileSync } from 'node:fs'
import type { ClusterAccess } from '../../inputs/access.js'
import { InputError } from '../../shared/errors.js'
import type { Transport } from '../port.js'
import { kubeconfigPaths, mergeKubeconfigs } from './kubeconfig-files.js'
import { kubeconfigSecrets, transportFromKubeconfig } from './kubeconfig.js'
import { oidcTransport, type IdTokenSource } from './oidc.js'

const DOCS = 'https://github.com/kube-pr-preview/kube-pr-preview#cluster-access'

/** What to do when there is no way in: the three cloud recipes, OIDC, and the stored kubeconfig. */
export const NO_ACCESS =
  'is empty and the runner has no kubeconfig ($KUBECONFIG names no file that exists, and there is no ' +
  '~/.kube/config). Log in to the cluster in an earlier step — GKE: google-github-actions/auth then ' +
  `google-github-actions/get-gke-credentials (${DOCS.replace('cluster-access', 'gke')}); EKS: ` +
  'aws-actions/configure-aws-credentials then `aws eks update-kubeconfig` ' +
  `(${DOCS.replace('cluster-access', 'eks')}); AKS: azure/login then azure/aks-set-context with kubelogin ` +
  `(${DOCS.replace('cluster-access', 'aks')}) — or set cluster-server, cluster-ca and oidc-audience for an API ` +
  "server that trusts GitHub's OIDC issuer (permissions: id-token: write), or pass a stored kubeconfig: " +
  '`kubeconfig: ${{ secrets.KUBECONFIG }}` (an empty value also means that secret is not set or not available ' +
  `to this run). See ${DOCS}.`

export interface AccessEnvironment {
  env: NodeJS.ProcessEnv
  home: string
  /** core.getIDToken: the runner's ACTIONS_ID_TOKEN_REQUEST_URL. */
  idToken: IdTokenSource
  /** Masks a value in the log (core.setSecret). */
  secret: (value: string) => void
  info: (message: string) => void
}

export async function transportFor(access: ClusterAccess, e: AccessEnvironment): Promise<Transport> {
  switch (access.kind) {
    case 'kubeconfig':
      return transportFromKubeconfig(access.text, access.context, 'the kubeconfig input', e.secret)
    case 'oidc':
      return oidcTransport(
        {
          server: access.server,
          ca: access.ca,
          audience: access.audience,
          repository: e.env.GITHUB_REPOSITORY,
        },
        e.idToken,
        e.info,
      )
    case 'runner': {
      const paths = kubeconfigPaths(e.env.KUBECONFIG, e.home).filter((p) => existsSync(p))
      if (!paths.length) throw new InputError('kubeconfig', NO_ACCESS)
      const text = mergeKubeconfigs(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })))
      for (const s of kubeconfigSecrets(text)) e.secret(s)
      return transportFromKubeconfig(
        text,
        access.context,
        `the runner's kubeconfig (${paths.join(', ')})`,
        e.secret,
      )
    }
  }
}
