export const id = 150;
export const ids = [150];
export const modules = {

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


/***/ })

};
