export const id = 196;
export const ids = [196,150];
export const modules = {

/***/ 2080:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ji: () => (/* binding */ ensureReadAccess)
/* harmony export */ });
/* unused harmony exports NAMESPACE_ROLE, READ_BINDING, subjectOf */
/* harmony import */ var _preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7389);

const NAMESPACE_ROLE = 'kube-pr-preview-namespace';
const READ_BINDING = 'kube-pr-preview-reads';
/** How long a new RoleBinding may take to reach the API server's authorizer cache. */
const PROPAGATION_MS = 15_000;
/**
 * Whether this identity reads in the preview already: asked of Secrets, which init's cluster-wide role never lets
 * it read (pods or other kinds could come from elsewhere, and then the binding would be skipped wrongly).
 */
const canRead = async (kube, namespace) => {
    const review = await kube.create({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: { name: '' },
        spec: { resourceAttributes: { namespace, verb: 'list', resource: 'secrets' } },
    });
    return review?.status?.allowed === true;
};
/** The RBAC subject of a username: a ServiceAccount for `system:serviceaccount:<ns>:<name>`, else a User. Pure. */
function subjectOf(username) {
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
    return sa
        ? { kind: 'ServiceAccount', name: sa[2], namespace: sa[1] }
        : { kind: 'User', name: username, apiGroup: 'rbac.authorization.k8s.io' };
}
/**
 * Binds the reads when this identity lacks them. `readSecret`: the run has just read a Secret of the namespace
 * (the credentials), which proves the reads as well as the review would: it is not asked again.
 */
async function ensureReadAccess(kube, owner, readSecret = false) {
    if (readSecret || (await canRead(kube, owner.namespace)))
        return;
    const review = (await kube.create({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
        metadata: { name: '' },
    }));
    const username = review?.status?.userInfo?.username;
    if (!username)
        throw new Error('the API server did not say who this run is (SelfSubjectReview)');
    await kube.apply({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: READ_BINDING, namespace: owner.namespace, labels: (0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ownerLabels */ .H0)(owner) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAMESPACE_ROLE },
        subjects: [subjectOf(username)],
    });
    const deadline = Date.now() + PROPAGATION_MS;
    while (!(await canRead(kube, owner.namespace))) {
        if (Date.now() > deadline)
            throw new Error(`${username} cannot read in its preview namespace ${owner.namespace} even with the RoleBinding ` +
                `${READ_BINDING} to the ClusterRole ${NAMESPACE_ROLE}: does that ClusterRole exist? Run ` +
                '`npx kube-pr-preview init` for this identity (README, "Least privilege: init").');
        await new Promise((r) => setTimeout(r, 100));
    }
}


/***/ }),

/***/ 3489:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gp: () => (/* binding */ livePreviews),
/* harmony export */   RX: () => (/* binding */ isRemoved),
/* harmony export */   TZ: () => (/* binding */ staleness),
/* harmony export */   V: () => (/* binding */ CLOSED)
/* harmony export */ });
/* harmony import */ var _preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7389);
/* harmony import */ var _preview_plan_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4002);


const CLOSED = 'the pull request is closed';
/**
 * Why this run must not deploy: the PR is closed, or a newer commit is its head or already deployed. `askGitHub`
 * false: the namespace's record only (GitHub was asked moments ago).
 */
async function staleness(plan, github, namespace, log, askGitHub = true) {
    const a = namespace?.metadata.annotations ?? {};
    const recordedSha = a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.headSha] ?? '';
    const deployed = { updatedAt: a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.headUpdatedAt] ?? '', runId: a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.runId] ?? '' };
    if (recordedSha &&
        recordedSha !== plan.pr.head.sha &&
        (0,_preview_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .isNewer */ .U4)(deployed, { updatedAt: plan.pr.updatedAt, runId: plan.runId })) {
        return `a newer commit (${recordedSha.slice(0, 7)}) is already deployed; this run's ${plan.pr.head.sha.slice(0, 7)} is not`;
    }
    if (!askGitHub)
        return null;
    // A safety net, not a requirement: when GitHub cannot say, the commit order recorded on the namespace decides.
    const pr = await github.pullRequest(plan.pr.number).catch((e) => {
        log.warning(`could not read the pull request from GitHub (${e.message}); going by the commit order alone`);
        return null;
    });
    if (pr?.state === 'closed')
        return CLOSED;
    if (pr && pr.headSha !== plan.pr.head.sha) {
        return `the pull request's head is now ${pr.headSha.slice(0, 7)}; this run's ${plan.pr.head.sha.slice(0, 7)} is not deployed`;
    }
    return null;
}
/** True when the preview's namespace is gone, replaced, or being deleted (the close has run or is running). */
const isRemoved = (now, namespace) => !now || now.metadata.uid !== namespace.metadata.uid || Boolean(now.metadata.deletionTimestamp);
async function livePreviews(kube, repository) {
    const list = await kube.list('v1', 'Namespace', undefined, {
        labelSelector: (0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .repositorySelector */ .iI)(repository),
    });
    return list.items.filter((n) => n.metadata.annotations?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.repository]?.toLowerCase() === repository.toLowerCase());
}


/***/ }),

/***/ 6150:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  destroy: () => (/* binding */ destroy),
  p: () => (/* binding */ removePreview)
});

// EXTERNAL MODULE: ./src/kube/apply/apply.ts
var apply = __webpack_require__(3318);
// EXTERNAL MODULE: ./src/preview/inventory.ts
var preview_inventory = __webpack_require__(4820);
// EXTERNAL MODULE: ./src/preview/ownership.ts
var ownership = __webpack_require__(7389);
;// CONCATENATED MODULE: ./src/kube/apply/terminating.ts
// Why a namespace stays in Terminating: the conditions kube-controller-manager's namespace controller writes on it,
// and the objects inside that still carry finalizers (a controller that would remove them is gone).


/** Kinds that commonly hold a namespace, besides what the preview's inventory names. */
const COMMON_KINDS = [
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['v1', 'PersistentVolumeClaim'],
    ['v1', 'Pod'],
    ['v1', 'Service'],
    ['v1', 'ServiceAccount'],
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'StatefulSet'],
    ['apps/v1', 'ReplicaSet'],
    ['batch/v1', 'Job'],
    ['networking.k8s.io/v1', 'Ingress'],
];
/** The namespace controller's own words, e.g. "Some content in the namespace has finalizers remaining: …". Pure. */
function terminatingConditions(ns) {
    const conditions = ns.status?.conditions ?? [];
    return conditions
        .filter((c) => c.status === 'True' && /Remaining$|Failure$/.test(c.type ?? '') && c.message)
        .map((c) => c.message);
}
/** `ConfigMap held (finalizers: example.test/hold)` for every object of the namespace that still has finalizers. */
async function heldBy(kube, ns) {
    const inventory = (0,preview_inventory/* parseInventory */.au)(ns.metadata.annotations?.[ownership/* ANNOTATION */.YX.inventory], ns.metadata.name);
    const kinds = new Map(COMMON_KINDS.map(([v, k]) => [`${v} ${k}`, [v, k]]));
    for (const ref of inventory)
        kinds.set(`${ref.apiVersion} ${ref.kind}`, [ref.apiVersion, ref.kind]);
    const found = await Promise.all([...kinds.values()].map(async ([apiVersion, kind]) => {
        const resource = await kube.resource(apiVersion, kind).catch(() => null);
        if (!resource?.namespaced)
            return [];
        const list = await kube.list(apiVersion, kind, ns.metadata.name).catch(() => ({ items: [] }));
        return list.items
            .filter((o) => (o.metadata.finalizers ?? []).length > 0)
            .map((o) => `${kind} ${o.metadata.name} (finalizers: ${o.metadata.finalizers.join(', ')})`);
    }));
    return found.flat().sort();
}
/** What holds a namespace in Terminating, said in one line for an error. */
async function whyTerminating(kube, name) {
    const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => null);
    if (!ns)
        return 'it is gone now';
    const [objects, conditions] = [await heldBy(kube, ns), terminatingConditions(ns)];
    const parts = [
        objects.length
            ? `held by ${objects.join('; ')}`
            : 'no object with a finalizer was found among the usual kinds',
        ...conditions,
    ];
    return parts.join('. ');
}

// EXTERNAL MODULE: ./src/github/deployments.ts
var github_deployments = __webpack_require__(6887);
// EXTERNAL MODULE: ./src/kube/resources/resources.ts
var resources = __webpack_require__(3390);
;// CONCATENATED MODULE: ./src/kube/resources/cluster-wide.ts
// Finding a preview's cluster-wide objects (of the kinds allow-cluster-scoped allows) by its ownership labels, so
// that teardown removes them even when the namespace's inventory does not name them (a run that died before
// recording it, an inventory written by an older version).


async function clusterWideByLabels(kube, owner, kinds) {
    const found = await Promise.all(kinds.flatMap((kind) => (0,resources/* apiVersionsOf */.Rt)(kind).map(async (apiVersion) => {
        const resource = await kube.resource(apiVersion, kind).catch(() => null);
        if (!resource || resource.namespaced)
            return [];
        const list = await kube
            .list(apiVersion, kind, undefined, { labelSelector: (0,ownership/* ownerSelector */.LL)(owner) })
            .catch(() => ({ items: [] }));
        return list.items.map((o) => ({ apiVersion, kind, name: o.metadata.name }));
    })));
    return found.flat();
}

;// CONCATENATED MODULE: ./src/modes/destroy.ts






function destroy(plan, o, kube, github, log, announce) {
    return removePreview({
        owner: (0,ownership/* ownerOf */.bf)(plan),
        environment: plan.environment,
        logUrl: plan.logUrl,
        why: 'the pull request was closed',
    }, o, kube, github, log, announce);
}
/**
 * Removes one preview (the PR's close, or the sweep): starts deleting the namespace, marks the GitHub deployments
 * inactive and announces it, and only then waits for the namespace to go. When it does not go in time, the error
 * names the objects and finalizers that hold it.
 */
async function removePreview(target, o, kube, github, log, announce = async () => undefined) {
    const deadline = Date.now() + o.timeoutMs;
    const { owner } = target;
    const plan = { namespace: owner.namespace, environment: target.environment, logUrl: target.logUrl };
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: plan.namespace };
    const removing = await log.group('Delete the namespace', async () => {
        const ns = await kube.get(ref);
        if (!ns) {
            log.info(`namespace ${plan.namespace} does not exist: nothing to remove`);
            return false;
        }
        if (!(0,ownership/* isOwnedBy */.D0)(ns, owner)) {
            throw new apply/* OwnershipError */.Oq(`namespace ${plan.namespace} was not created by this action for ${owner.repository}#${owner.pr} ` +
                '(its ownership labels differ); refusing to delete it.');
        }
        if (!ns.metadata.deletionTimestamp) {
            await removeClusterWide(kube, ns, owner, log, o.allowClusterScoped ?? []);
            await kube.delete(ref, { uid: String(ns.metadata.uid ?? '') || undefined });
            log.info(`deleting namespace ${plan.namespace} and everything in it`);
        }
        else {
            log.info(`namespace ${plan.namespace} is already being deleted`);
        }
        return true;
    });
    const inactivated = await log.group('GitHub deployments', async () => {
        const deployments = await github.listDeployments(plan.environment);
        const active = deployments.filter((d) => d.latestState !== 'inactive');
        const ids = await (0,github_deployments/* markInactive */.d)(github, active, `Preview removed: ${target.why}`, plan.logUrl);
        log.info(`marked ${active.length} of ${deployments.length} deployments of ${plan.environment} inactive`);
        return ids;
    });
    let environment = 'kept';
    if (o.deleteEnvironment) {
        environment = await github.deleteEnvironment(plan.environment);
        if (environment === 'forbidden') {
            log.warning(`The token may not delete the GitHub environment ${plan.environment}: that needs repository administration ` +
                'rights, which the job token never has. Pass a GitHub App or fine-grained token with "Administration: write" ' +
                'as github-token, or set delete-environment: false.');
        }
        else {
            log.info(environment === 'deleted'
                ? `deleted GitHub environment ${plan.environment}`
                : `GitHub environment ${plan.environment} did not exist`);
        }
    }
    await announce();
    if (removing)
        await log.group('Wait for the namespace to go', async () => {
            await (0,apply/* waitUntilGone */.Ly)(kube, ref, deadline).catch(async () => {
                throw new Error(`namespace ${plan.namespace} was still terminating after ${Math.round(o.timeoutMs / 1000)}s: ` +
                    `${await whyTerminating(kube, plan.namespace)}. The preview is stopped and its deployments are ` +
                    'inactive; remove the finalizers once nothing needs them (kubectl edit), or run again later.');
            });
            log.info(`namespace ${plan.namespace} is gone`);
            // A deploy that was writing when the close began may have posted its status after the first pass; with the
            // namespace gone none can write any more, so this pass leaves `inactive` last on every deployment.
            const late = (await github.listDeployments(plan.environment)).filter((d) => d.latestState !== 'inactive');
            if (late.length) {
                inactivated.push(...(await (0,github_deployments/* markInactive */.d)(github, late, `Preview removed: ${target.why}`, plan.logUrl)));
                log.info(`marked ${late.length} deployment(s) inactive that a deploy reported on during the close`);
            }
        });
    return { removed: removing, inactivated, environment };
}
/** Cluster-wide objects (allowed by allow-cluster-scoped) do not go with the namespace: delete them first. */
async function removeClusterWide(kube, ns, owner, log, kinds) {
    const inventory = [
        ...(0,preview_inventory/* parseInventory */.au)(ns.metadata.annotations?.[ownership/* ANNOTATION */.YX.inventory], owner.namespace),
        ...(await clusterWideByLabels(kube, owner, kinds)),
    ].filter((r, i, all) => all.findIndex((x) => x.kind === r.kind && x.name === r.name) === i);
    await Promise.all(inventory.map(async (ref) => {
        const resource = await kube.resource(ref.apiVersion, ref.kind).catch(() => null);
        if (!resource || resource.namespaced)
            return;
        const live = await kube.get(ref);
        if (live &&
            (0,ownership/* isOwnedBy */.D0)(live, owner) &&
            (await kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined }))) {
            log.info(`deleted ${ref.kind} ${ref.name} (cluster-wide)`);
        }
    }));
}


/***/ }),

/***/ 2196:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   sweep: () => (/* binding */ sweep),
/* harmony export */   sweepSummary: () => (/* binding */ sweepSummary)
/* harmony export */ });
/* unused harmony export sweepReason */
/* harmony import */ var _deploy_freshness_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3489);
/* harmony import */ var _idle_sleep_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9916);
/* harmony import */ var _kube_apply_sleep_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6973);
/* harmony import */ var _github_idle_comments_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8596);
/* harmony import */ var _preview_idle_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1104);
/* harmony import */ var _preview_requests_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7956);
/* harmony import */ var _destroy_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6150);
/* harmony import */ var _kube_wait_readiness_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(1335);
/* harmony import */ var _shared_limit_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(7669);
/* harmony import */ var _preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(7389);
/* harmony import */ var _github_report_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(2745);
/* harmony import */ var _kube_read_access_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(2080);
// mode: sweep — for schedule or workflow_dispatch: every preview of this repository on the cluster, kept or
// removed (its PR is closed, or it was not deployed for longer than the TTL), put to sleep when idle longer than
// sleep-after, warned before its TTL; with a fleet view of what is live (the summary, and the dashboard issue).












/** Why a preview goes, or null to keep it. Pure. */
function sweepReason(prState, deployedAt, ttlMs, now) {
    if (prState === 'closed')
        return 'its pull request is closed';
    const age = now.getTime() - Date.parse(deployedAt);
    if (ttlMs !== null && Number.isFinite(age) && age > ttlMs)
        return `not deployed for ${(0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .humanAge */ .DZ)(age)} (ttl ${(0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .humanAge */ .DZ)(ttlMs)})`;
    return null;
}
/** How many previews the sweep handles at once (each makes a few GitHub calls). */
const SWEEP_PARALLEL = 2;
/**
 * Every preview is handled on its own: one that fails (a GitHub error, a namespace stuck in Terminating) is a
 * `failed` row with the reason, and never stops the others nor the summary.
 */
async function sweep(o, kube, github, log) {
    const previews = await (0,_deploy_freshness_js__WEBPACK_IMPORTED_MODULE_0__/* .livePreviews */ .Gp)(kube, o.repository);
    log.info(`${previews.length} previews of ${o.repository} on the cluster`);
    const settled = await (0,_shared_limit_js__WEBPACK_IMPORTED_MODULE_11__/* .settleLimit */ .X$)(previews, SWEEP_PARALLEL, (ns) => sweepOne(ns, o, kube, github, log));
    return settled.map((r, i) => {
        if (r.status === 'fulfilled')
            return r.value;
        const ns = previews[i];
        const why = r.reason?.message ?? String(r.reason);
        log.warning(`PR #${ns.metadata.labels?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .LABEL */ .d_.pr] ?? '?'} ${ns.metadata.name}: ${why}`);
        return {
            ...describe(ns),
            ...unknownPr,
            ready: 'unknown',
            state: 'failed',
            kept: false,
            decision: 'failed',
            why,
        };
    });
}
const NOTHING = { cpu: 0, memory: 0 };
const unknownPr = { title: '', author: '', prUrl: '', requested: { now: NOTHING, awake: NOTHING } };

/** What the namespace's labels and annotations say about its preview. */
function describe(ns) {
    const a = ns.metadata.annotations ?? {};
    return {
        namespace: ns.metadata.name,
        pr: Number(ns.metadata.labels?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .LABEL */ .d_.pr]),
        deployedAt: a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .ANNOTATION */ .YX.deployedAt] ?? String(ns.metadata.creationTimestamp ?? ''),
        sha: (a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .ANNOTATION */ .YX.headSha] ?? '').slice(0, 7),
        url: a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .ANNOTATION */ .YX.url] ?? '',
        createdAt: String(ns.metadata.creationTimestamp ?? ''),
    };
}
async function sweepOne(ns, o, kube, github, log) {
    if (!o.dryRun && !ns.metadata.deletionTimestamp)
        await bindReads(ns, o, kube, log);
    const p = await look(ns, o, kube, github);
    // A kept preview is exempt from the TTL; a closed PR's preview goes all the same.
    const why = sweepReason(p.state, p.known.deployedAt, p.kept ? null : o.ttlMs, o.now);
    if (why)
        return removeDue(p, why, o, kube, github, log);
    if (p.state === 'open')
        await warnBeforeTtl(p, o, kube, github, log);
    return sleepIfIdle(p, o, kube, github, log);
}
/**
 * The sweep reads inside each preview (readiness, sleep): an identity that `init` confined reads only where the
 * action bound its reads, which a deploy does, so a preview deployed before `init` is bound here. When that is not
 * possible the sweep goes on (removing needs no reads) and says why; a dry run writes nothing, not even this.
 */
async function bindReads(ns, o, kube, log) {
    const owner = {
        repository: o.repository,
        pr: Number(ns.metadata.labels?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .LABEL */ .d_.pr]),
        namespace: ns.metadata.name,
    };
    await (0,_kube_read_access_js__WEBPACK_IMPORTED_MODULE_10__/* .ensureReadAccess */ .Ji)(kube, owner).catch((e) => log.warning(`${ns.metadata.name}: could not bind this identity's reads there (${e.message.split('\n')[0]})`));
}
async function look(ns, o, kube, github) {
    const known = describe(ns);
    const found = await github.pullRequest(known.pr);
    const kept = (0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .isKept */ .t8)(ns, found?.labels ?? [], o.keepLabel);
    const pull = { title: found?.title ?? '', author: found?.author ?? '', prUrl: found?.htmlUrl ?? '' };
    return {
        ns,
        known,
        environment: ns.metadata.annotations?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .ANNOTATION */ .YX.environment] ?? `preview/pr-${known.pr}`,
        state: found?.state ?? null,
        kept,
        pull,
        async row(decision, why, asleep = (0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .isAsleep */ .LK)(ns)) {
            const w = await workloadsReady(kube, ns.metadata.name);
            return {
                ...known,
                ...pull,
                ready: w.ready,
                state: asleep ? 'asleep' : w.allReady ? 'ready' : 'failed',
                kept,
                decision,
                why,
                requested: (0,_preview_requests_js__WEBPACK_IMPORTED_MODULE_5__/* .requestedBy */ .mD)(w.workloads, o.defaultRequests),
            };
        },
    };
}
async function removeDue(p, why, o, kube, github, log) {
    if (o.dryRun)
        return p.row('would be removed', why);
    const before = await p.row('removed', why);
    const owner = { repository: o.repository, pr: p.known.pr, namespace: p.known.namespace };
    await (0,_destroy_js__WEBPACK_IMPORTED_MODULE_6__/* .removePreview */ .p)({ owner, environment: p.environment, logUrl: o.logUrl, why: `swept: ${why}` }, { timeoutMs: o.timeoutMs, deleteEnvironment: false }, kube, github, log);
    return before;
}
/** Put to sleep when idle longer than sleep-after (an open PR's preview that is not kept); else kept as it is. */
async function sleepIfIdle(p, o, kube, github, log) {
    const idle = p.state === 'open' ? (0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .sleepReason */ .K0)(p.ns, { sleepAfterMs: o.sleepAfterMs, kept: p.kept, now: o.now }) : null;
    if (!idle) {
        const why = p.kept
            ? 'kept (/preview keep or the keep label)'
            : p.state === 'open'
                ? 'its pull request is open'
                : 'recently deployed';
        return p.row('kept', why);
    }
    if (o.dryRun)
        return p.row('would sleep', idle);
    const slept = await (0,_idle_sleep_js__WEBPACK_IMPORTED_MODULE_1__/* .sleepPreview */ .I)({
        owner: { repository: o.repository, pr: p.known.pr, namespace: p.known.namespace },
        environment: p.environment,
        logUrl: o.logUrl,
        holder: `${o.holder} (sweep: sleep)`,
        timeoutMs: o.timeoutMs,
        comment: o.comment,
    }, kube, github, log, o.now);
    if (slept.status === 'absent')
        return p.row('kept', 'removed while the sweep ran', false);
    return p.row('put to sleep', idle, true);
}
/** The TTL notice, once per deploy, from ttl − ttl-warning on: when the preview goes and how to keep it. */
async function warnBeforeTtl(p, o, kube, github, log) {
    const goes = (0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .ttlNoticeDue */ .HQ)(p.ns, { ttlMs: o.ttlMs, warningMs: o.ttlWarningMs, kept: p.kept, now: o.now });
    if (!goes || o.dryRun)
        return;
    await github.reply(p.known.pr, (0,_github_idle_comments_js__WEBPACK_IMPORTED_MODULE_3__/* .ttlNotice */ .Zz)(p.environment, goes, o.keepLabel));
    const deployedAt = p.ns.metadata.annotations?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .ANNOTATION */ .YX.deployedAt] ?? String(p.ns.metadata.creationTimestamp ?? '');
    await (0,_kube_apply_sleep_js__WEBPACK_IMPORTED_MODULE_2__/* .annotateNamespace */ .QN)(kube, p.ns, { [_preview_ownership_js__WEBPACK_IMPORTED_MODULE_8__/* .ANNOTATION */ .YX.ttlWarnedFor]: deployedAt });
    log.info(`PR #${p.known.pr}: told that its preview goes at ${goes.toISOString()}`);
}
async function workloadsReady(kube, namespace) {
    const lists = await Promise.all([
        ['apps/v1', 'Deployment'],
        ['apps/v1', 'StatefulSet'],
    ].map(([v, k]) => kube.list(v, k, namespace).then((l) => l.items.map((i) => ({ ...i, apiVersion: v, kind: k }))))).catch(() => null);
    if (!lists)
        return { ready: 'unknown', allReady: false, workloads: [] };
    const all = lists.flat();
    const ready = all.filter((w) => (0,_kube_wait_readiness_js__WEBPACK_IMPORTED_MODULE_7__/* .readiness */ .xz)(w).state === 'ready').length;
    return { ready: `${ready}/${all.length} ready`, allReady: ready === all.length, workloads: all };
}
const slept = (rows, o) => {
    const n = rows.filter((r) => r.decision === 'put to sleep' || r.decision === 'would sleep').length;
    return n ? `, ${n} ${o.dryRun ? 'would sleep' : 'put to sleep'}` : '';
};
function sweepSummary(rows, o) {
    const lines = [
        `### Previews of ${o.repository}${o.dryRun ? ' (dry run: nothing removed)' : ''}`,
        '',
        `${rows.filter((r) => r.decision === 'kept').length} kept, ${rows.filter((r) => r.decision === 'removed' || r.decision === 'would be removed').length} ${o.dryRun ? 'would be removed' : 'removed'}${slept(rows, o)}${rows.some((r) => r.decision === 'failed') ? `, ${rows.filter((r) => r.decision === 'failed').length} failed` : ''}${o.ttlMs ? ` · ttl ${(0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .humanAge */ .DZ)(o.ttlMs)}` : ''}${o.sleepAfterMs ? ` · sleep-after ${(0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .humanAge */ .DZ)(o.sleepAfterMs)}` : ''}`,
        '',
    ];
    if (rows.length) {
        lines.push('| PR | Age | Commit | URL | Ready | Decision | Why | State |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
        for (const r of [...rows].sort((a, b) => a.pr - b.pr)) {
            const age = Number.isFinite(Date.parse(r.deployedAt))
                ? (0,_preview_idle_js__WEBPACK_IMPORTED_MODULE_4__/* .humanAge */ .DZ)(o.now.getTime() - Date.parse(r.deployedAt))
                : '?';
            lines.push(`| #${r.pr} | ${age} | ${r.sha ? `\`${r.sha}\`` : ''} | ${r.url ? `<${r.url}>` : ''} | ${r.ready} | ${r.decision === 'failed' ? '❌ failed' : r.decision} | ${(0,_github_report_js__WEBPACK_IMPORTED_MODULE_9__/* .cell */ .Hn)(r.why)} | ${r.state}${r.kept ? ', kept' : ''} |`);
        }
    }
    return lines.join('\n') + '\n';
}


/***/ })

};
