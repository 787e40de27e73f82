export const id = 376;
export const ids = [376];
export const modules = {

/***/ 6887:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   P: () => (/* binding */ tidyEarlierDeployments),
/* harmony export */   d: () => (/* binding */ markInactive)
/* harmony export */ });
/* harmony import */ var _shared_limit_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7669);

const FINAL = ['success', 'failure', 'error', 'inactive'];
/**
 * After this run's deployment `id` reached its final state: on success every earlier deployment that is not
 * inactive becomes inactive; on failure only the earlier ones that a failed or interrupted run left in progress
 * (the newest few), as the last good deployment still describes what ran before. Returns the ids it marked.
 */
async function tidyEarlierDeployments(github, environment, id, succeeded, logUrl) {
    const earlier = (await github.listDeployments(environment, succeeded ? undefined : 10)).filter((d) => d.id < id);
    const stale = earlier.filter((d) => succeeded ? d.latestState !== 'inactive' : !FINAL.includes(d.latestState ?? ''));
    return markInactive(github, stale, 'Superseded by a later deploy', logUrl);
}
/** Marks the deployments inactive, a few GitHub calls at a time; returns their ids. */
async function markInactive(github, deployments, description, logUrl) {
    await (0,_shared_limit_js__WEBPACK_IMPORTED_MODULE_0__/* .mapLimit */ .sf)(deployments, _shared_limit_js__WEBPACK_IMPORTED_MODULE_0__/* .GITHUB_PARALLEL */ .Iv, (d) => github.setStatus(d.id, { state: 'inactive', description, logUrl }));
    return deployments.map((d) => d.id);
}


/***/ }),

/***/ 3318:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gv: () => (/* binding */ ensureNamespace),
/* harmony export */   Ly: () => (/* binding */ waitUntilGone),
/* harmony export */   Oq: () => (/* binding */ OwnershipError),
/* harmony export */   TN: () => (/* binding */ applyPreview),
/* harmony export */   t4: () => (/* binding */ currentNamespace)
/* harmony export */ });
/* unused harmony export namespaceObject */
/* harmony import */ var _preview_inventory_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4820);
/* harmony import */ var _preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7389);
/* harmony import */ var _resources_crds_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6087);
/* harmony import */ var _wait_readiness_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1335);
/* harmony import */ var _validate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4830);
/* harmony import */ var _shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1974);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3658);
// Applying a preview: its namespace first, then configuration, then workloads — each group all at once — and
// finally pruning what the templates no longer render. Only objects that carry this preview's ownership labels
// are ever deleted.







/** Applied first (after the namespace): what workloads read or need to exist when they start. */
const CONFIGURATION_KINDS = new Set([
    'ServiceAccount',
    'Secret',
    'ConfigMap',
    'PersistentVolumeClaim',
    'Role',
    'RoleBinding',
    'Service',
    'NetworkPolicy',
    'ResourceQuota',
    'LimitRange',
    'PodDisruptionBudget',
]);
class OwnershipError extends Error {
    constructor(message) {
        super(message);
        this.name = 'OwnershipError';
    }
}
/** The preview's namespace; with a uid, applying it can only change that very namespace, never recreate it. */
function namespaceObject(owner, annotations, uid) {
    return {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
            name: owner.namespace,
            ...(uid ? { uid } : {}),
            labels: (0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ownerLabels */ .H0)(owner),
            annotations: { ...(0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ownerAnnotations */ ._1)(owner), ...annotations },
        },
    };
}
const isTerminating = (ns) => Boolean(ns.metadata.deletionTimestamp) ||
    ns.status?.phase === 'Terminating';
/**
 * The preview's namespace as it is now: null when there is none. Refuses a namespace of the same name that this
 * action did not create for this repository and PR. Waits for a namespace that is still being deleted (a PR
 * reopened right after it was closed) to go.
 */
async function currentNamespace(kube, owner, deadline, log) {
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: owner.namespace };
    let ns = await kube.get(ref);
    if (ns && !(0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .isOwnedBy */ .D0)(ns, owner)) {
        throw new OwnershipError(`namespace ${owner.namespace} exists but was not created by this action for ${owner.repository}#${owner.pr} ` +
            '(its ownership labels differ); refusing to touch it. Remove or rename it, or choose another namespace-prefix.');
    }
    if (ns && isTerminating(ns)) {
        log.info(`namespace ${owner.namespace} is still being deleted; waiting for it to go`);
        ns = await waitUntilGone(kube, ref, deadline);
    }
    return ns;
}
/**
 * The preview's namespace, created when it does not exist yet with its ownership labels and its Pod Security
 * labels at once: `init`'s admission policy refuses a namespace that would exist for a moment without them.
 */
async function ensureNamespace(kube, owner, existing, podSecurity = {}) {
    if (existing)
        return existing;
    const fresh = namespaceObject(owner, {});
    Object.assign(fresh.metadata.labels, podSecurity);
    const created = await kube.create(fresh);
    if (created)
        return created;
    const raced = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: owner.namespace });
    if (!raced || !(0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .isOwnedBy */ .D0)(raced, owner))
        throw new OwnershipError(`namespace ${owner.namespace} appeared while this run was creating it, and it is not this preview's`);
    return raced;
}
/** Watches one object until it is deleted (or the deadline passes). */
async function waitUntilGone(kube, ref, deadline) {
    while (Date.now() < deadline) {
        const obj = await kube.get(ref);
        if (!obj)
            return null;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()));
        let gone = false;
        try {
            await kube.watch(ref.apiVersion, ref.kind, ref.namespace, {
                fieldSelector: `metadata.name=${ref.name}`,
                resourceVersion: String(obj.metadata.resourceVersion ?? ''),
            }, (e) => {
                if (e.type === 'DELETED') {
                    gone = true;
                    controller.abort();
                }
            }, controller.signal);
        }
        catch {
            // A dropped watch (apiserver restart): look again after a moment.
            await new Promise((r) => setTimeout(r, 500));
        }
        finally {
            clearTimeout(timer);
        }
        if (gone)
            return null;
    }
    throw new Error(`${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)(ref)} was still there when the timeout ran out`);
}
async function applyPreview(kube, owner, objects, namespaceAnnotations, namespace, deadline, log) {
    const uid = String(namespace.metadata.uid ?? '');
    const previous = (0,_preview_inventory_js__WEBPACK_IMPORTED_MODULE_5__/* .parseInventory */ .au)(namespace.metadata.annotations?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.inventory], owner.namespace);
    const current = objects.map(_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .refOf */ .H8);
    // Record everything old and new before touching anything, so an interrupted run leaves nothing unaccounted for.
    const recorded = (0,_preview_inventory_js__WEBPACK_IMPORTED_MODULE_5__/* .formatInventory */ .Iq)((0,_preview_inventory_js__WEBPACK_IMPORTED_MODULE_5__/* .unionInventory */ .Ut)(previous, current));
    await kube.apply(namespaceObject(owner, { ...namespaceAnnotations, [_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.inventory]: recorded }, uid));
    // CRDs first (and established, and discovered), then what workloads read at start, then the rest.
    const applied = await (0,_resources_crds_js__WEBPACK_IMPORTED_MODULE_6__/* .installCrds */ .Mj)(kube, objects.filter(_resources_crds_js__WEBPACK_IMPORTED_MODULE_6__/* .isCrd */ .Ez), deadline, log);
    for (const group of [
        objects.filter((o) => CONFIGURATION_KINDS.has(o.kind)),
        objects.filter((o) => !CONFIGURATION_KINDS.has(o.kind) && !(0,_resources_crds_js__WEBPACK_IMPORTED_MODULE_6__/* .isCrd */ .Ez)(o)),
    ]) {
        applied.push(...(await Promise.all(group.map((o) => applyReplacing(kube, owner, o, deadline, log)))));
    }
    const { pruned, kept } = await prune(kube, owner, (0,_preview_inventory_js__WEBPACK_IMPORTED_MODULE_5__/* .pruneCandidates */ .Bu)(previous, current), log);
    // An object that could not be read or deleted stays in the inventory, so the next run tries again. Nothing to
    // prune (a new preview, most pushes): the inventory recorded first is already the final one.
    const final = (0,_preview_inventory_js__WEBPACK_IMPORTED_MODULE_5__/* .formatInventory */ .Iq)([...current, ...kept]);
    if (final !== recorded)
        await kube.apply(namespaceObject(owner, { ...namespaceAnnotations, [_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.inventory]: final }, uid));
    return { applied, pruned };
}
/** Deletes what the templates no longer render; returns what was deleted and what must be tried again later. */
async function prune(kube, owner, candidates, log) {
    const pruned = [];
    const kept = [];
    await Promise.all(candidates.map(async (ref) => {
        try {
            const live = await kube.get(ref);
            if (!live)
                return;
            if (!(0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .isOwnedBy */ .D0)(live, owner)) {
                log.warning(`${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)(ref)} is no longer rendered but does not carry this preview's labels; left alone`);
                return;
            }
            if (await kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined })) {
                pruned.push(ref);
                log.info(`pruned ${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)(ref)} (no longer in the templates)`);
            }
        }
        catch (e) {
            // The kind itself is gone (its CRD was removed): so are its objects.
            if (e instanceof _port_js__WEBPACK_IMPORTED_MODULE_3__/* .KubeError */ .a && e.status === 404)
                return;
            kept.push(ref);
            log.warning(`could not prune ${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)(ref)} (${e.message}); the next deploy tries again`);
        }
    }));
    return { pruned, kept };
}
/**
 * Server-side apply. A preview is disposable, so an object whose change Kubernetes refuses because a field cannot
 * change (a Job's pod template, a StatefulSet's volumeClaimTemplates or selector, a Service's clusterIP or type, a
 * Deployment's selector) is deleted — foreground, so its pods are gone first — and created again. So is a Job that
 * failed: a re-run runs it again.
 */
async function applyReplacing(kube, owner, obj, deadline, log) {
    let result;
    try {
        result = await kube.apply(obj);
    }
    catch (e) {
        if (!(0,_validate_js__WEBPACK_IMPORTED_MODULE_2__/* .isImmutableChange */ .je)(e) || !_validate_js__WEBPACK_IMPORTED_MODULE_2__/* .REPLACEABLE_KINDS */ .Lw.has(obj.kind))
            throw e;
        const field = e.causes.find((c) => c.field)?.field ?? 'a field';
        return replace(kube, owner, obj, deadline, log, `${field} cannot change in place`);
    }
    if (obj.kind === 'Job' && (0,_wait_readiness_js__WEBPACK_IMPORTED_MODULE_1__/* .readiness */ .xz)(result).state === 'failed')
        return replace(kube, owner, obj, deadline, log, 'it failed last time');
    return result;
}
async function replace(kube, owner, obj, deadline, log, why) {
    const ref = (0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .refOf */ .H8)(obj);
    const live = await kube.get(ref);
    if (live) {
        if (!(0,_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .isOwnedBy */ .D0)(live, owner))
            throw new OwnershipError(`${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)(ref)} must be replaced (${why}) but is not this preview's`);
        log.info(`replacing ${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)(ref)}: ${why}; deleting it (and its pods) first`);
        await kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined }, 'Foreground');
        await waitUntilGone(kube, ref, deadline);
    }
    return kube.apply(obj);
}


/***/ }),

/***/ 4830:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lw: () => (/* binding */ REPLACEABLE_KINDS),
/* harmony export */   T1: () => (/* binding */ validateObjects),
/* harmony export */   je: () => (/* binding */ isImmutableChange)
/* harmony export */ });
/* unused harmony exports ValidationError, refusedField */
/* harmony import */ var _preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7389);
/* harmony import */ var _resources_crds_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6087);
/* harmony import */ var _shared_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8382);
/* harmony import */ var _shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1974);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3658);
/* harmony import */ var _preview_sources_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4982);
// Validation before any change: a server-side dry run (dryRun=All) of every object, all at once, so that a run
// that cannot apply changes nothing. A refusal names the object, the field, and the template file and line.






/** Kinds whose objects the action re-creates when a field that cannot change did change (apply.ts). Not
 * PersistentVolumeClaims: deleting one waits for its pods and loses its data, so such a change is refused. */
const REPLACEABLE_KINDS = new Set(['Job', 'StatefulSet', 'Service', 'Deployment', 'DaemonSet']);
/** An update Kubernetes refuses because a field cannot change: the object is replaced instead (apply.ts). */
function isImmutableChange(e) {
    return (e instanceof _port_js__WEBPACK_IMPORTED_MODULE_2__/* .KubeError */ .a &&
        e.status === 422 &&
        /immutable|may not change|cannot be changed|Forbidden: updates to statefulset spec/i.test(e.message));
}
class ValidationError extends _shared_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .TemplateError */ .$ {
    constructor(file, line, problem) {
        super(file, line, problem);
        this.name = 'ValidationError';
    }
}
/** The field the API server complains about, from its causes or, failing that, its message. Pure. */
function refusedField(e) {
    const cause = e.causes.find((c) => c.field);
    if (cause)
        return { field: cause.field.replace(/^\./, ''), message: cause.message ?? e.message };
    const m = /(?:^|\s)\.?((?:metadata|spec|data|stringData|rules|subjects|roleRef)[\w.[\]-]*): (.*)$/.exec(e.message);
    return m ? { field: m[1], message: m[2] } : { message: e.message };
}
/** One line for a refusal, e.g. `Service web: spec.ports[0].port: Invalid value: 70000: must be between …`. */
function problemOf(o, e) {
    const { field, message } = refusedField(e);
    const source = (0,_preview_sources_js__WEBPACK_IMPORTED_MODULE_3__/* .sourceOf */ .vz)(o);
    const file = source?.template ?? o.metadata.annotations?.[_preview_ownership_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATION */ .YX.template] ?? '(unknown template)';
    const line = field ? (0,_preview_sources_js__WEBPACK_IMPORTED_MODULE_3__/* .fieldLine */ .h0)(o, field) : source?.line;
    const detail = message.replace(/^.*? is invalid: /, '');
    return {
        file,
        line,
        text: `${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)((0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_4__/* .refOf */ .H8)(o))}${field && !detail.startsWith(field) ? `: ${field}` : ''}: ${detail}`,
    };
}
/**
 * Dry-runs every object at once. Objects of kinds that a CRD in the same set defines cannot be checked before the
 * CRD is installed, and an immutable-field change is not a refusal (the object will be replaced); everything else
 * the API server refuses fails the run before anything changed.
 */
async function validateObjects(kube, objects) {
    const checked = objects.filter((o) => !(0,_resources_crds_js__WEBPACK_IMPORTED_MODULE_5__/* .resourceFromCrds */ .d2)(objects, o.apiVersion, o.kind));
    const refusals = await Promise.all(checked.map((o) => kube.apply(o, { dryRun: true }).then(() => null, (e) => {
        if (isImmutableChange(e) && REPLACEABLE_KINDS.has(o.kind))
            return null;
        if (e instanceof _port_js__WEBPACK_IMPORTED_MODULE_2__/* .KubeError */ .a &&
            e.status >= 400 &&
            e.status < 500 &&
            e.status !== 401 &&
            e.status !== 403)
            return problemOf(o, e);
        throw e;
    })));
    const problems = refusals.filter((p) => p !== null);
    if (problems.length === 0)
        return;
    const [first, ...rest] = problems;
    const more = rest.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.text}`);
    throw new ValidationError(first.file, first.line, `the cluster refuses ${first.text}${more.length ? `; also ${more.join('; ')}` : ''}`);
}


/***/ }),

/***/ 6087:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ez: () => (/* binding */ isCrd),
/* harmony export */   Mj: () => (/* binding */ installCrds),
/* harmony export */   d2: () => (/* binding */ resourceFromCrds)
/* harmony export */ });
/* harmony import */ var _shared_kube_object_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1974);

const isCrd = (o) => o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/');
/** The resource of an object whose kind a CRD among `objects` defines (undefined otherwise). Pure. */
function resourceFromCrds(objects, apiVersion, kind) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    for (const crd of objects.filter(isCrd)) {
        const spec = (crd.spec ?? {});
        if (spec.group !== group || spec.names?.kind !== kind)
            continue;
        if (!spec.versions?.some((v) => v.name === version))
            continue;
        return {
            base: `/apis/${apiVersion}`,
            plural: spec.names.plural ?? `${kind.toLowerCase()}s`,
            namespaced: spec.scope !== 'Cluster',
        };
    }
    return undefined;
}
/** True when the CRD's status says the API server serves its kind. Pure. */
function isEstablished(crd) {
    const conditions = crd.status
        ?.conditions;
    return Boolean(conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
}
/**
 * Applies the templates' CRDs, waits until each is Established, then refreshes discovery so that the objects of
 * their kinds can be applied. Returns the applied CRDs.
 */
async function installCrds(kube, crds, deadline, log) {
    if (crds.length === 0)
        return [];
    const applied = await Promise.all(crds.map((c) => kube.apply(c)));
    await Promise.all(applied.map(async (crd) => {
        let current = crd;
        let pause = 50;
        while (!current || !isEstablished(current)) {
            if (Date.now() > deadline)
                throw new Error(`${(0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_0__/* .describeRef */ .Ro)((0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_0__/* .refOf */ .H8)(crd))} was not Established when the timeout ran out`);
            await new Promise((r) => setTimeout(r, pause));
            pause = Math.min(pause * 2, 1000);
            current = await kube.get((0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_0__/* .refOf */ .H8)(crd));
        }
    }));
    kube.forgetDiscovery();
    log.info(`installed ${applied.length} CustomResourceDefinition(s): ${applied.map((c) => c.metadata.name).join(', ')}`);
    return applied;
}


/***/ }),

/***/ 1335:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  HX: () => (/* binding */ WAITED_KINDS),
  xz: () => (/* binding */ readiness)
});

// UNUSED EXPORTS: createFailureMessage, isLastingCreateFailure

;// CONCATENATED MODULE: ./src/kube/wait/route-readiness.ts
const sameParent = (a, b, routeNamespace) => a.name === b.name &&
    (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
    (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') &&
    (a.sectionName ?? '') === (b.sectionName ?? '');
const said = (c) => `${c.reason ?? c.type}${c.message ? `: ${c.message}` : ''}`;
function routeReadiness(obj) {
    const route = obj;
    const namespace = route.metadata.namespace ?? '';
    const generation = Number(route.metadata.generation ?? 0);
    const parents = route.spec?.parentRefs ?? [];
    const messages = [];
    let waiting = false;
    for (const parent of parents) {
        const name = `${parent.namespace ?? namespace}/${parent.name}`;
        const status = route.status?.parents?.find((p) => sameParent(p.parentRef, parent, namespace));
        const current = (status?.conditions ?? []).filter((c) => (c.observedGeneration ?? generation) >= generation);
        const accepted = current.find((c) => c.type === 'Accepted');
        const resolved = current.find((c) => c.type === 'ResolvedRefs');
        if (accepted?.status === 'False')
            return { state: 'failed', message: `not accepted by Gateway ${name}: ${said(accepted)}` };
        if (!accepted || !resolved) {
            waiting = true;
            messages.push(`waiting for Gateway ${name}'s controller to accept it`);
        }
        else if (resolved.status !== 'True') {
            // Backends can be missing for a moment (the Service is applied with the route): wait, and say why.
            waiting = true;
            messages.push(`Gateway ${name} cannot resolve its backends: ${said(resolved)}`);
        }
        else if (accepted.status !== 'True') {
            waiting = true;
            messages.push(`Gateway ${name}: ${said(accepted)}`);
        }
    }
    if (parents.length === 0)
        return { state: 'failed', message: 'names no Gateway in spec.parentRefs' };
    if (waiting)
        return { state: 'progressing', message: messages.join('; ') };
    return {
        state: 'ready',
        message: `accepted by Gateway ${parents.map((p) => `${p.namespace ?? namespace}/${p.name}`).join(', ')}`,
    };
}

;// CONCATENATED MODULE: ./src/kube/wait/readiness.ts
// When a workload counts as ready, from its status alone. Pure.
//
// The rules follow `kubectl rollout status` (kubectl's polymorphichelpers/rollout_status.go) and kstatus
// (cli-utils' pkg/kstatus/status/core.go), and are stricter where either would report a broken preview as ready:
// - nothing in the status counts until status.observedGeneration has caught up with metadata.generation (so a
//   condition left over from the previous spec, like a stale ProgressDeadlineExceeded, is never read);
// - a count the API leaves out is 0 (the API omits zero counts), never "the same as another count";
// - a controller that says it cannot create pods (ReplicaFailure=True, or a FailedCreate event the caller
//   passes in) has failed: it will not get better by waiting.
// The README's "What ready means" section says the same in prose; keep them together.

/** Kinds the action waits for; everything else counts as ready once applied. */
const WAITED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'HTTPRoute']);
const num = (v) => (typeof v === 'number' ? v : 0);
const condition = (o, type) => o.status?.conditions?.find((c) => c.type === type && c.status === 'True');
const progressing = (message) => ({ state: 'progressing', message });
const failed = (message) => ({ state: 'failed', message });
const ready = (message) => ({ state: 'ready', message });
/** spec.replicas, which the API defaults to 1. */
const wanted = (o) => (o.spec?.replicas === undefined ? 1 : num(o.spec.replicas));
function strategy(o, field) {
    const s = (o.spec?.[field] ?? {});
    return { type: s.type ?? 'RollingUpdate', partition: num(s.rollingUpdate?.partition) };
}
/**
 * Messages of pod creations that fail only for a moment and that the controller retries by itself: a quota whose
 * usage is not computed yet (the preview's own ResourceQuota, just created), a ServiceAccount not there yet.
 */
const TRANSIENT_CREATE_FAILURE = [
    /status unknown for quota/i,
    /serviceaccounts? "[^"]*" not found/i,
    /error looking up service account/i,
    /the object has been modified/i,
    /please try again/i,
    /because it is being terminated/i,
    /etcdserver: request timed out/i,
];
/** True when a FailedCreate message means the pods will not be created however long the action waits. */
function isLastingCreateFailure(message) {
    return !TRANSIENT_CREATE_FAILURE.some((p) => p.test(message));
}
/** The API server's words, without the controller's prefix (`Error creating: `, `create Pod x in … failed error: `). */
function createFailureMessage(message) {
    return message
        .replace(/^Error creating:\s*/i, '')
        .replace(/^create Pod \S+ in StatefulSet \S+ failed error:\s*/i, '')
        .trim();
}
function readiness(obj, facts = {}) {
    const o = obj;
    if (o.metadata.deletionTimestamp)
        return progressing('being deleted');
    if (facts.createFailure && isLastingCreateFailure(facts.createFailure))
        return failed(`cannot create pods: ${createFailureMessage(facts.createFailure)}`);
    if (o.kind === 'Job')
        return jobReadiness(o);
    // Routes carry their generation per parent Gateway (status.parents[].conditions), not at the top.
    if (o.kind === 'HTTPRoute')
        return routeReadiness(o);
    if (!WAITED_KINDS.has(o.kind))
        return ready('applied');
    // Nothing in the status describes the current spec until the controller has seen it.
    const generation = num(o.metadata.generation);
    const observed = num(o.status?.observedGeneration);
    if (observed === 0 || observed < generation)
        return progressing('waiting for the controller');
    switch (o.kind) {
        case 'Deployment':
            return deploymentReadiness(o);
        case 'StatefulSet':
            return statefulSetReadiness(o);
        default:
            return daemonSetReadiness(o);
    }
}
function deploymentReadiness(o) {
    const want = wanted(o);
    const s = o.status ?? {};
    const progress = o.status?.conditions?.find((c) => c.type === 'Progressing');
    if (progress?.reason === 'ProgressDeadlineExceeded')
        return failed(`rollout stuck (progress deadline exceeded): ${progress.message ?? ''}`.trim());
    const replicaFailure = condition(o, 'ReplicaFailure');
    if (replicaFailure?.message && isLastingCreateFailure(replicaFailure.message))
        return failed(`cannot create pods: ${createFailureMessage(replicaFailure.message)}`);
    const updated = num(s.updatedReplicas);
    const total = num(s.replicas);
    const available = num(s.availableReplicas);
    const done = updated >= want && total <= updated && available >= updated;
    if (done)
        return ready(`${available}/${want} ready`);
    // A paused Deployment never rolls out its new pod template: waiting cannot help.
    if (o.spec?.paused === true)
        return failed(`paused (spec.paused: true): the rollout will not proceed, ${updated}/${want} updated; remove spec.paused`);
    if (updated < want)
        return progressing(`${available}/${want} ready, ${updated}/${want} updated`);
    if (total > updated)
        return progressing(`${total - updated} old replica(s) pending termination`);
    return progressing(`${available}/${updated} updated replicas available`);
}
function statefulSetReadiness(o) {
    const want = wanted(o);
    const s = o.status ?? {};
    const ready_ = num(s.readyReplicas);
    const updated = num(s.updatedReplicas);
    const { type, partition } = strategy(o, 'updateStrategy');
    if (type === 'OnDelete')
        return onDelete(o, ready_ >= want, ready_, want);
    if (ready_ < want)
        return progressing(`${ready_}/${want} ready`);
    // Pods below the partition keep the old revision on purpose; the rest must run the new one.
    const share = Math.max(0, want - partition);
    if (updated < share)
        return progressing(`${ready_}/${want} ready, ${updated}/${share} updated`);
    if (partition > 0)
        return ready(`${ready_}/${want} ready (${updated} updated, partition ${partition})`);
    if (s.updateRevision && s.currentRevision !== s.updateRevision)
        return progressing(`${ready_}/${want} ready, rolling update to revision ${String(s.updateRevision)}`);
    return ready(`${ready_}/${want} ready`);
}
function daemonSetReadiness(o) {
    const s = o.status ?? {};
    const want = num(s.desiredNumberScheduled);
    const updated = num(s.updatedNumberScheduled);
    // numberAvailable (not numberReady): a pod counts once it has been ready for minReadySeconds.
    const available = num(s.numberAvailable);
    if (strategy(o, 'updateStrategy').type === 'OnDelete')
        return onDelete(o, available >= want, available, want);
    if (updated < want)
        return progressing(`${available}/${want} available, ${updated}/${want} updated`);
    if (available < want)
        return progressing(`${available}/${want} available`);
    return ready(`${available}/${want} ready`);
}
/**
 * `updateStrategy: OnDelete` replaces a pod only when someone deletes it, so a changed spec never rolls out
 * (kubectl refuses to watch it). A workload that was never changed since it was created has only new pods.
 */
function onDelete(o, allReady, count, want) {
    if (num(o.metadata.generation) > 1)
        return failed(`updateStrategy OnDelete: Kubernetes replaces pods only when they are deleted, so this change never rolls out; use RollingUpdate`);
    return allReady ? ready(`${count}/${want} ready`) : progressing(`${count}/${want} ready`);
}
function jobReadiness(o) {
    const failure = condition(o, 'Failed') ?? condition(o, 'FailureTarget');
    if (failure)
        return failed(`failed: ${failure.reason ?? ''}${failure.message ? ` — ${failure.message}` : ''}`);
    if (condition(o, 'Complete'))
        return ready('Complete');
    if (condition(o, 'Suspended') || o.spec?.suspend === true)
        return ready('suspended (spec.suspend: true)');
    const failures = num(o.status?.failed);
    const active = num(o.status?.active);
    return progressing(failures ? `running, ${failures} failed attempt(s)` : active ? 'running' : 'waiting for its pod');
}


/***/ }),

/***/ 4820:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bu: () => (/* binding */ pruneCandidates),
/* harmony export */   Iq: () => (/* binding */ formatInventory),
/* harmony export */   Ut: () => (/* binding */ unionInventory),
/* harmony export */   au: () => (/* binding */ parseInventory)
/* harmony export */ });
/* harmony import */ var _shared_kube_object_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1974);
// What a preview holds, recorded on its namespace, and what to prune when a template no longer renders an
// object. Pure.

/** One line per object: `<apiVersion> <kind> <name>`. */
function formatInventory(refs) {
    return [...new Set(refs.map((r) => `${r.apiVersion} ${r.kind} ${r.name}`))].sort().join('\n');
}
function parseInventory(text, namespace) {
    if (!text)
        return [];
    return text
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((parts) => parts.length === 3)
        .map(([apiVersion, kind, name]) => ({ apiVersion: apiVersion, kind: kind, name: name, namespace }));
}
/** Objects of the previous inventory that the current render does not contain. */
function pruneCandidates(previous, current) {
    const keep = new Set(current.map(_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_0__/* .refKey */ .XF));
    const seen = new Set();
    return previous.filter((r) => {
        const key = (0,_shared_kube_object_js__WEBPACK_IMPORTED_MODULE_0__/* .refKey */ .XF)(r);
        if (keep.has(key) || seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
/** Everything either inventory names: written before applying, so a run that dies half-way orphans nothing. */
function unionInventory(previous, current) {
    return [...current, ...pruneCandidates(previous, current)];
}


/***/ }),

/***/ 7389:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D0: () => (/* binding */ isOwnedBy),
/* harmony export */   H0: () => (/* binding */ ownerLabels),
/* harmony export */   LL: () => (/* binding */ ownerSelector),
/* harmony export */   YX: () => (/* binding */ ANNOTATION),
/* harmony export */   _1: () => (/* binding */ ownerAnnotations),
/* harmony export */   bf: () => (/* binding */ ownerOf),
/* harmony export */   d_: () => (/* binding */ LABEL),
/* harmony export */   iI: () => (/* binding */ repositorySelector)
/* harmony export */ });
/* unused harmony export MANAGER */
/* harmony import */ var _naming_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8826);
// The labels and annotations that mark an object as created by this action for one preview. Pure.
// Prune and teardown only ever touch objects that carry all of them for the same repository and PR.

const MANAGER = 'kube-pr-preview';
const P = 'kube-pr-preview.io';
const LABEL = {
    managedBy: 'app.kubernetes.io/managed-by',
    repository: `${P}/repository-hash`,
    pr: `${P}/pr`,
    preview: `${P}/preview`,
};
const ANNOTATION = {
    repository: `${P}/repository`,
    pr: `${P}/pr`,
    template: `${P}/template`,
    /** On the namespace only: the commit the preview runs (other objects stay untouched when only it changes). */
    headSha: `${P}/head-sha`,
    /** On the namespace only: every object the last apply made, for prune (`apiVersion/kind/name` per line). */
    inventory: `${P}/inventory`,
    deployedAt: `${P}/deployed-at`,
    /** On the namespace only: pull_request.updated_at of the deployed commit, to order runs of one PR. */
    headUpdatedAt: `${P}/head-updated-at`,
    /** On the namespace only: GITHUB_RUN_ID of the deploying run (orders runs when updated_at ties). */
    runId: `${P}/run-id`,
    /** On the namespace only: the GitHub environment and the web app's URL, for the sweep. */
    environment: `${P}/environment`,
    url: `${P}/url`,
};
function ownerLabels(o) {
    return {
        [LABEL.managedBy]: MANAGER,
        [LABEL.repository]: (0,_naming_js__WEBPACK_IMPORTED_MODULE_0__/* .repositoryHash */ .Hd)(o.repository),
        [LABEL.pr]: String(o.pr),
        [LABEL.preview]: o.namespace,
    };
}
function ownerAnnotations(o) {
    return { [ANNOTATION.repository]: o.repository, [ANNOTATION.pr]: String(o.pr) };
}
/** A label selector matching exactly this preview's objects. */
function ownerSelector(o) {
    return Object.entries(ownerLabels(o))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
}
/** A label selector matching every preview of a repository. */
function repositorySelector(repository) {
    return `${LABEL.managedBy}=${MANAGER},${LABEL.repository}=${(0,_naming_js__WEBPACK_IMPORTED_MODULE_0__/* .repositoryHash */ .Hd)(repository)}`;
}
/** True when the object carries this preview's labels and names this repository and PR in its annotations. */
function isOwnedBy(obj, o) {
    const labels = obj.metadata?.labels ?? {};
    const annotations = obj.metadata?.annotations ?? {};
    const want = ownerLabels(o);
    return (Object.entries(want).every(([k, v]) => labels[k] === v) &&
        annotations[ANNOTATION.repository]?.toLowerCase() === o.repository.toLowerCase() &&
        annotations[ANNOTATION.pr] === String(o.pr));
}
/** Whom a preview's objects belong to: the plan's repository, PR and namespace. */
function ownerOf(plan) {
    return { repository: plan.pr.repository.fullName, pr: plan.pr.number, namespace: plan.namespace };
}


/***/ }),

/***/ 4982:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ZS: () => (/* binding */ lineOfPath),
/* harmony export */   h0: () => (/* binding */ fieldLine),
/* harmony export */   vr: () => (/* binding */ recordSource),
/* harmony export */   vz: () => (/* binding */ sourceOf)
/* harmony export */ });
/* unused harmony export fieldPath */
const sources = new WeakMap();
/** Remembers where a rendered object came from (render does, for every object). */
function recordSource(o, source) {
    sources.set(o, source);
}
/** The template and document an object was rendered from (undefined for objects the action adds itself). */
function sourceOf(o) {
    return sources.get(o);
}
/** `spec.ports[0].port` → [`spec`, `ports`, 0, `port`], the API server's way of naming a field. */
function fieldPath(field) {
    const out = [];
    for (const m of field.replace(/^\./, '').matchAll(/([^.[\]]+)|\[(\d+)\]|\[([^\]]*)\]/g)) {
        if (m[1] !== undefined)
            out.push(m[1]);
        else if (m[2] !== undefined)
            out.push(Number(m[2]));
        else if (m[3] !== undefined)
            out.push(m[3]);
    }
    return out;
}
/** The rendered line of a field of an object (or of its nearest parent that is written out), when known. */
function fieldLine(o, field) {
    const source = sources.get(o);
    if (!source)
        return undefined;
    return lineOfPath(source.document, source.text, fieldPath(field)) ?? source.line;
}
/** The line (1-based) of a path inside a parsed YAML document of `text`, when the document can say. */
function lineOfPath(doc, text, path) {
    for (let n = path.length; n > 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (node?.range)
            return text.slice(0, node.range[0]).split('\n').length;
    }
    return undefined;
}


/***/ })

};
