export const id = 196;
export const ids = [196,150];
export const modules = {

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
/* unused harmony exports sweepReason, humanAge */
/* harmony import */ var _deploy_freshness_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3489);
/* harmony import */ var _destroy_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6150);
/* harmony import */ var _kube_wait_readiness_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1335);
/* harmony import */ var _shared_limit_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7669);
/* harmony import */ var _preview_ownership_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7389);
/* harmony import */ var _github_report_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2745);
// mode: sweep — for schedule or workflow_dispatch: every preview of this repository on the cluster, kept or
// removed (its PR is closed, or it was not deployed for longer than the TTL), with a fleet view of what is live.






/** Why a preview goes, or null to keep it. Pure. */
function sweepReason(prState, deployedAt, ttlMs, now) {
    if (prState === 'closed')
        return 'its pull request is closed';
    const age = now.getTime() - Date.parse(deployedAt);
    if (ttlMs !== null && Number.isFinite(age) && age > ttlMs)
        return `not deployed for ${humanAge(age)} (ttl ${humanAge(ttlMs)})`;
    return null;
}
function humanAge(ms) {
    const m = Math.floor(ms / 60_000);
    if (m < 60)
        return `${m}m`;
    const h = Math.floor(m / 60);
    return h < 48 ? `${h}h${m % 60 ? `${m % 60}m` : ''}` : `${Math.floor(h / 24)}d`;
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
    const settled = await (0,_shared_limit_js__WEBPACK_IMPORTED_MODULE_5__/* .settleLimit */ .X$)(previews, SWEEP_PARALLEL, (ns) => sweepOne(ns, o, kube, github, log));
    return settled.map((r, i) => {
        if (r.status === 'fulfilled')
            return r.value;
        const ns = previews[i];
        const why = r.reason?.message ?? String(r.reason);
        log.warning(`PR #${ns.metadata.labels?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_3__/* .LABEL */ .d_.pr] ?? '?'} ${ns.metadata.name}: ${why}`);
        return { ...describe(ns), ready: 'unknown', decision: 'failed', why };
    });
}
/** What the namespace's labels and annotations say about its preview. */
function describe(ns) {
    const a = ns.metadata.annotations ?? {};
    return {
        namespace: ns.metadata.name,
        pr: Number(ns.metadata.labels?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_3__/* .LABEL */ .d_.pr]),
        deployedAt: a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_3__/* .ANNOTATION */ .YX.deployedAt] ?? String(ns.metadata.creationTimestamp ?? ''),
        sha: (a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_3__/* .ANNOTATION */ .YX.headSha] ?? '').slice(0, 7),
        url: a[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_3__/* .ANNOTATION */ .YX.url] ?? '',
    };
}
async function sweepOne(ns, o, kube, github, log) {
    const known = describe(ns);
    const { pr } = known;
    const environment = ns.metadata.annotations?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_3__/* .ANNOTATION */ .YX.environment] ?? `preview/pr-${pr}`;
    const state = (await github.pullRequest(pr))?.state ?? null;
    const why = sweepReason(state, known.deployedAt, o.ttlMs, o.now);
    const row = {
        ...known,
        ready: await workloadsReady(kube, ns.metadata.name),
        why: why ?? (state === 'open' ? 'its pull request is open' : 'recently deployed'),
    };
    if (!why)
        return { ...row, decision: 'kept' };
    if (o.dryRun)
        return { ...row, decision: 'would be removed' };
    const owner = { repository: o.repository, pr, namespace: ns.metadata.name };
    await (0,_destroy_js__WEBPACK_IMPORTED_MODULE_1__/* .removePreview */ .p)({ owner, environment, logUrl: o.logUrl, why: `swept: ${why}` }, { timeoutMs: o.timeoutMs, deleteEnvironment: false }, kube, github, log);
    return { ...row, decision: 'removed' };
}
async function workloadsReady(kube, namespace) {
    const lists = await Promise.all([
        ['apps/v1', 'Deployment'],
        ['apps/v1', 'StatefulSet'],
    ].map(([v, k]) => kube.list(v, k, namespace).then((l) => l.items.map((i) => ({ ...i, apiVersion: v, kind: k }))))).catch(() => null);
    if (!lists)
        return 'unknown';
    const all = lists.flat();
    return `${all.filter((w) => (0,_kube_wait_readiness_js__WEBPACK_IMPORTED_MODULE_2__/* .readiness */ .xz)(w).state === 'ready').length}/${all.length} ready`;
}
function sweepSummary(rows, o) {
    const lines = [
        `### Previews of ${o.repository}${o.dryRun ? ' (dry run: nothing removed)' : ''}`,
        '',
        `${rows.filter((r) => r.decision === 'kept').length} kept, ${rows.filter((r) => r.decision === 'removed' || r.decision === 'would be removed').length} ${o.dryRun ? 'would be removed' : 'removed'}${rows.some((r) => r.decision === 'failed') ? `, ${rows.filter((r) => r.decision === 'failed').length} failed` : ''}${o.ttlMs ? ` · ttl ${humanAge(o.ttlMs)}` : ''}`,
        '',
    ];
    if (rows.length) {
        lines.push('| PR | Age | Commit | URL | Ready | Decision | Why |', '| --- | --- | --- | --- | --- | --- | --- |');
        for (const r of [...rows].sort((a, b) => a.pr - b.pr)) {
            const age = Number.isFinite(Date.parse(r.deployedAt))
                ? humanAge(o.now.getTime() - Date.parse(r.deployedAt))
                : '?';
            lines.push(`| #${r.pr} | ${age} | ${r.sha ? `\`${r.sha}\`` : ''} | ${r.url ? `<${r.url}>` : ''} | ${r.ready} | ${r.decision === 'failed' ? '❌ failed' : r.decision} | ${(0,_github_report_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(r.why)} |`);
        }
    }
    return lines.join('\n') + '\n';
}


/***/ })

};
