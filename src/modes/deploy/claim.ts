// The steps of a deploy up to the apply: render with the stored credentials, check the fleet limit, claim the
// preview (lock, newest commit wins), look again under the lock, and build the objects to apply.
import {
  CREDENTIALS_SECRET,
  decodeCredentials,
  fillCredentials,
  maskCredentials,
} from '../../preview/credentials.js'
import { checkFrontDoor } from './frontdoor.js'
import { currentNamespace } from '../../kube/apply/apply.js'
import { acquireLock, guardKube, NotWaitingError, type Lock } from '../../kube/lock.js'
import { guardScope } from '../../kube/resources/scope.js'
import { validateObjects } from '../../kube/apply/validate.js'
import { type Plan } from '../../preview/plan.js'
import { renderPreview } from './preview-objects.js'
import { credentialNames } from '../../preview/render.js'
import { primaryUrl, serviceUrls } from '../../github/report.js'
import { refKey, refOf, type KubeObject } from '../../shared/kube-object.js'
import { acceptedBefore, secretDigestKey } from '../../preview/accepted.js'
import { parseInventory } from '../../preview/inventory.js'
import { ANNOTATION } from '../../preview/ownership.js'
import type { Run } from './run.js'
import { CLOSED, isRemoved, livePreviews, staleness } from './freshness.js'
import { guardGitHub } from '../../github/guard.js'
const credentialsRef = (plan: Plan) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  name: CREDENTIALS_SECRET,
  namespace: plan.namespace,
})

/** The preview's credentials Secret, when its templates ask for credentials and its namespace exists. */
async function storedCredentials(r: Run, namespaceExists: boolean): Promise<KubeObject | null> {
  const needsCredentials = credentialNames(r.o.templates.files).length > 0
  return needsCredentials && namespaceExists ? r.kube.get(credentialsRef(r.plan)) : null
}

/**
 * Renders with the credentials the preview already has and the ones generated for it now, every one masked
 * before the render (also on a preview's first deploy): nothing the render does can show them.
 */
export function renderWithCredentials(r: Pick<Run, 'plan' | 'o' | 'log'>, secret: KubeObject | null) {
  const credentials = fillCredentials(credentialNames(r.o.templates.files), decodeCredentials(secret))
  maskCredentials(credentials.values, r.log)
  return { ...renderPreview(r.plan, r.o, credentials.values), credentials }
}

/** The same Secret, unchanged (or absent both times). */
const sameObject = (a: KubeObject | null, b: KubeObject | null) =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.metadata.uid === b.metadata.uid &&
    a.metadata.resourceVersion === b.metadata.resourceVersion)

/** Render first: a template error stops the run before anything changes, in the cluster or on GitHub. */
export async function renderFirst(r: Run): Promise<KubeObject | null> {
  return r.log.group('Render', async () => {
    const existing = await currentNamespace(r.kube, r.owner, r.deadline, r.log)
    const secret = await storedCredentials(r, existing !== null)
    const rendered = renderWithCredentials(r, secret)
    r.firstRender = { rendered, namespace: existing, secret }
    checkFrontDoor(rendered.objects, r.o.frontDoor)
    if (rendered.persistence) r.log.info(rendered.persistence)
    await guardScope(r.kube, rendered.objects, r.o.allowClusterScoped, r.owner)
    r.log.info(
      `rendered ${rendered.objects.length} objects from ${r.o.templates.files.length} templates in ${r.o.templates.folder}`,
    )
    for (const obj of rendered.objects) r.log.info(`  ${obj.kind} ${obj.metadata.name}`)
    return existing
  })
}

/** Before claiming: a closed PR, or a newer commit deployed or at the PR's head, means this run skips. */
export const lookBeforeClaiming = (r: Run, existing: KubeObject | null) =>
  staleness(r.plan, r.github, existing, r.log)

const overLimit = (r: Run, live: KubeObject[]) =>
  new Error(
    `${live.length} previews of ${r.plan.pr.repository.fullName} are live, and max-live-previews is ` +
      `${r.o.maxLivePreviews}: ${live.map((n) => n.metadata.name).join(', ')}. Close a PR, or run the action with mode: sweep.`,
  )

/** A new preview is refused when the repository already has max-live-previews of them. */
export async function checkLivePreviewLimit(r: Run, existing: KubeObject | null): Promise<void> {
  if (existing || r.o.maxLivePreviews === null) return
  const live = await livePreviews(r.kube, r.plan.pr.repository.fullName)
  if (live.length >= r.o.maxLivePreviews) throw overLimit(r, live)
}

/**
 * The limit again, once this run has created its namespace: runs of other PRs at the same moment all counted
 * below it before. The previews rank by creation (time, then name), and the ones beyond the limit remove their
 * new namespace again. Creation times have whole seconds: once the next second has passed on the API server's
 * clock, every namespace created at or before this one is listed, so every racing run ranks the same list alike.
 */
export async function confirmLivePreviewLimit(r: Run, namespace: KubeObject, created: boolean) {
  const limit = r.o.maxLivePreviews
  if (!created || limit === null) return
  const createdAt = Date.parse(String(namespace.metadata.creationTimestamp))
  const wait = createdAt + 1500 - (r.kube.serverTime?.() ?? Date.now())
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  const live = (await livePreviews(r.kube, r.plan.pr.repository.fullName)).sort(
    (a, b) =>
      Date.parse(String(a.metadata.creationTimestamp)) - Date.parse(String(b.metadata.creationTimestamp)) ||
      a.metadata.name.localeCompare(b.metadata.name),
  )
  if (live.findIndex((n) => n.metadata.uid === namespace.metadata.uid) < limit) return
  await r.kube.delete(
    { apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace },
    { uid: String(namespace.metadata.uid) },
  )
  throw overLimit(
    r,
    live.filter((n) => n.metadata.uid !== namespace.metadata.uid),
  )
}

/**
 * One run at a time per preview. A newer push (or the close) makes waiting pointless: the run then skips. A run
 * that waited gets its own full timeout from here; a run that lost its lock writes no more (guarded ports).
 */
export async function claimPreview(r: Run): Promise<Lock | NotWaitingError> {
  const lock = await acquireLock(r.kube, r.owner, r.o.holder, r.deadline, {
    onWait: (other) => r.log.info(`waiting for another run (${other}) to finish deploying this preview`),
    stillWanted: () => staleness(r.plan, r.github, null, r.log),
  }).catch((e: unknown) => {
    if (e instanceof NotWaitingError) return e
    throw e
  })
  if (lock instanceof NotWaitingError) return lock
  if (lock.waited) r.deadline = Date.now() + r.o.timeoutMs
  r.kube = guardKube(r.kube, lock)
  r.github = guardGitHub(r.github, lock)
  return lock
}

/**
 * Another run may have deployed, or the close may have run, while this one waited: look again, now that no one
 * else can. Returns the live namespace, or why this run skips. GitHub is asked again only when the run waited for
 * the lock: a run that got it at once asked moments ago (lookBeforeClaiming), and a close or push since then has
 * its own run, which removes or redeploys the preview after this one.
 */
export async function lookAgain(
  r: Run,
  namespace: KubeObject,
  waited: boolean,
): Promise<KubeObject | string> {
  const live = await r.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace })
  if (!live || isRemoved(live, namespace)) {
    return 'the preview was removed while this run was starting (the pull request was closed)'
  }
  const stale = await staleness(r.plan, r.github, live, r.log, waited)
  if (stale === CLOSED) {
    // The close has run (or is running): leave nothing behind, not even the namespace this run just made.
    await r.kube.delete(
      { apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace },
      { uid: String(live.metadata.uid) },
    )
  }
  return stale ?? live
}

/**
 * What the preview holds now, under the lock: the render before the lock when it read what is still there. A
 * namespace nobody wrote since (same resourceVersion: every deploy writes its inventory there before it applies
 * anything) still has the Secret read then; otherwise the Secret is read again, and the preview rendered again
 * when it changed.
 */
async function renderUnderLock(r: Run, live: KubeObject) {
  const first = r.firstRender
  if (first && sameObject(first.namespace, live)) return first.rendered
  const secret = await storedCredentials(r, true)
  if (first && sameObject(first.secret, secret)) return first.rendered
  return renderWithCredentials(r, secret)
}

/** What a deploy applies: its objects, the URLs they serve, and how it applies them. */
export interface Prepared {
  objects: KubeObject[]
  urls: Record<string, string>
  url: string
  /** A new preview, applied without a dry run and removed again if the cluster refuses an object. */
  fresh: boolean
  /** The key of the Secrets' accepted digests (accepted.ts). */
  digestKey: string | null
}

/**
 * The objects to apply, checked against the scope and by a server-side dry run, and the URLs they serve.
 * `created`: this run made the namespace, and nobody wrote it since. Such a new preview holds nothing yet: no
 * object to look for, and none dry-run (`fresh`: its first apply is undone if the cluster refuses an object,
 * deploy.ts). Otherwise only what changed since the cluster last accepted it is dry-run, and only objects this
 * preview did not make before are looked for (made by hand, they are refused).
 */
export async function prepareObjects(r: Run, live: KubeObject, created: boolean): Promise<Prepared> {
  const rendered = await renderUnderLock(r, live)
  maskCredentials(rendered.credentials.values, r.log)
  if (rendered.credentials.generated.length)
    r.log.info(`generated credentials: ${rendered.credentials.generated.join(', ')} (kept for later deploys)`)
  const annotations = live.metadata.annotations ?? {}
  const made = new Set(parseInventory(annotations[ANNOTATION.inventory], r.plan.namespace).map(refKey))
  const objects = await guardScope(r.kube, rendered.objects, r.o.allowClusterScoped, r.owner, {
    namespaced: true,
    known: (o) => created || made.has(refKey(refOf(o))),
  })
  // Only a preview of namespaced objects is undone by removing its namespace.
  const fresh = created && objects.every((o) => o.metadata.namespace === r.plan.namespace)
  const digestKey = secretDigestKey(rendered.credentials.values)
  const accepted = acceptedBefore(annotations[ANNOTATION.accepted], digestKey)
  const changed = new Set(objects.filter((o) => !accepted(o)))
  await r.log.group('Validate', async () => {
    if (fresh) {
      r.log.info('a new preview: applied without a dry run; if the cluster refuses an object, it is removed')
      return
    }
    // A server-side dry run of what changed: a run the cluster would refuse changes nothing, on GitHub either.
    r.log.info(
      `dry run of ${changed.size} objects (${objects.length - changed.size} unchanged since the cluster accepted them)`,
    )
    await validateObjects(r.kube, objects, (o) => changed.has(o))
  })
  const urls = serviceUrls(objects, r.plan.scheme)
  return { objects, urls, url: primaryUrl(urls, r.plan.host), fresh, digestKey }
}
