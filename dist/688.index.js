export const id = 688;
export const ids = [688];
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

/***/ 8688:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// UNUSED EXPORTS: livePreviews, ownerOf, renderPreview

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/preview/sha512-crypt.ts
// SHA-512-crypt (`$6$`, Ulrich Drepper's specification): the salted, slow password hash that nginx's
// auth_basic_user_file reads through the C library's crypt(3) (glibc and musl). Pure.

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ORDER = [
    [0, 21, 42],
    [22, 43, 1],
    [44, 2, 23],
    [3, 24, 45],
    [25, 46, 4],
    [47, 5, 26],
    [6, 27, 48],
    [28, 49, 7],
    [50, 8, 29],
    [9, 30, 51],
    [31, 52, 10],
    [53, 11, 32],
    [12, 33, 54],
    [34, 55, 13],
    [56, 14, 35],
    [15, 36, 57],
    [37, 58, 16],
    [59, 17, 38],
    [18, 39, 60],
    [40, 61, 19],
    [62, 20, 41],
];
const sha512 = (...parts) => {
    const h = (0,external_node_crypto_.createHash)('sha512');
    for (const p of parts)
        h.update(p);
    return h.digest();
};
/** `bytes` repeated to `length` bytes. */
const stretch = (bytes, length) => Buffer.concat(Array.from({ length: Math.ceil(length / bytes.length) || 0 }, () => bytes)).subarray(0, length);
function b64(b2, b1, b0, n) {
    let w = (b2 << 16) | (b1 << 8) | b0;
    let out = '';
    for (let i = 0; i < n; i++, w >>= 6)
        out += ITOA64[w & 0x3f];
    return out;
}
/** `$6$[rounds=N$]<salt>$<hash>`; the salt is at most 16 characters of `./0-9A-Za-z`. */
function sha512Crypt(password, salt, rounds = 5000) {
    if (!/^[./0-9A-Za-z]{1,16}$/.test(salt))
        throw new Error('sha512Crypt: the salt must be 1-16 characters of ./0-9A-Za-z');
    const P = Buffer.from(password, 'utf8');
    const S = Buffer.from(salt, 'ascii');
    const B = sha512(P, S, P);
    const a = (0,external_node_crypto_.createHash)('sha512').update(P).update(S).update(stretch(B, P.length));
    for (let n = P.length; n > 0; n >>= 1)
        a.update(n & 1 ? B : P);
    let C = a.digest();
    const PP = stretch(sha512(...Array.from({ length: P.length }, () => P)), P.length);
    const SS = stretch(sha512(...Array.from({ length: 16 + C[0] }, () => S)), S.length);
    for (let i = 0; i < rounds; i++) {
        const h = (0,external_node_crypto_.createHash)('sha512');
        h.update(i & 1 ? PP : C);
        if (i % 3)
            h.update(SS);
        if (i % 7)
            h.update(PP);
        h.update(i & 1 ? C : PP);
        C = h.digest();
    }
    const out = ORDER.map(([x, y, z]) => b64(C[x], C[y], C[z], 4)).join('') + b64(0, 0, C[63], 2);
    return `$6$${rounds === 5000 ? '' : `rounds=${rounds}$`}${salt}$${out}`;
}

;// CONCATENATED MODULE: ./src/preview/frontdoor.ts
// The preview's front door: how requests reach it (a shared Gateway, or Ingresses of a class), with which TLS
// certificate, and behind which password. Builds what templates see of it from the parsed inputs. Pure.


/** The name of the TLS Secret inside each preview (a copy of the tls-secret input's). */
const TLS_SECRET = 'preview-tls';
function frontDoorContext(s, ingressClass, salt) {
    return {
        gateway: s.gateway,
        ingress: { className: s.gateway ? '' : ingressClass, tlsSecret: s.tlsSecret ? TLS_SECRET : '' },
        auth: s.basicAuth
            ? {
                htpasswd: htpasswdLine(s.basicAuth.user, s.basicAuth.password, salt),
                checksum: authChecksum(htpasswdLine(s.basicAuth.user, s.basicAuth.password, salt)),
            }
            : null,
    };
}
/**
 * `user:$6$<salt>$<hash>`: SHA-512-crypt, salted and slow (5000 rounds), which nginx reads through crypt(3). The
 * salt is a keyed digest of the preview's namespace under the password: unique per preview, stable from run to
 * run (so the Secret does not change), and not known to anyone without the password.
 */
function htpasswdLine(user, password, salt) {
    const alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const digest = (0,external_node_crypto_.createHmac)('sha256', password).update(`kube-pr-preview salt ${salt}`).digest();
    const cryptSalt = [...digest.subarray(0, 16)].map((b) => alphabet[b & 63]).join('');
    return `${user}:${sha512Crypt(password, cryptSalt)}`;
}
/**
 * What restarts the proxy on a new password: a keyed digest of the htpasswd line (keyed by the line itself, which
 * only those who can read the preview's Secrets see), so the pod annotation is no offline oracle for the password.
 */
function authChecksum(htpasswd) {
    return (0,external_node_crypto_.createHmac)('sha256', htpasswd).update('kube-pr-preview auth-proxy').digest('hex').slice(0, 16);
}
/** The context of a preview without a Gateway, TLS or password (the render command's default). */
const OPEN_FRONT_DOOR = {
    gateway: null,
    ingress: { className: '', tlsSecret: '' },
    auth: null,
};

// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
;// CONCATENATED MODULE: ./src/preview/admission.ts
// Who may reach a preview's pods from outside its namespace: the front door. Its proxies are pods of some
// namespace (an ingress controller, a Gateway's data plane) or, for cloud load balancers and controllers on the
// host network, addresses. The action finds the namespace from the cluster where it can be known (the Gateway's
// namespace and its data-plane pods; the pods of the IngressClass's controller), never assumes one, and says why
// it admits each; address ranges come from the front-door-cidrs input. Pure: kube/frontdoor.ts reads the facts.

/** Annotations a platform team may put on an IngressClass or Gateway once, instead of inputs in every workflow. */
const NAMESPACES_ANNOTATION = 'kube-pr-preview.io/front-door-namespaces';
const CIDRS_ANNOTATION = 'kube-pr-preview.io/front-door-cidrs';
/** The pods of an ingress controller, by the `spec.controller` of its IngressClass (as their charts label them). */
const CONTROLLER_PODS = {
    'k8s.io/ingress-nginx': 'app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller',
    'traefik.io/ingress-controller': 'app.kubernetes.io/name=traefik',
    'nginx.org/ingress-controller': 'app.kubernetes.io/name=nginx-ingress',
    'projectcontour.io/ingress-controller': 'app.kubernetes.io/component=envoy',
    'haproxy.org/ingress-controller': 'app.kubernetes.io/name=kubernetes-ingress',
    'ingress-controllers.konghq.com/kong': 'app.kubernetes.io/name=kong',
    'webapprouting.kubernetes.azure.com/nginx': 'app=nginx',
};
/** Controllers whose proxies are cloud load balancers: their traffic comes from address ranges. */
const OUTSIDE_CONTROLLERS = {
    'ingress.k8s.aws/alb': "the AWS Load Balancer Controller: an ALB (target-type: ip) sends from its subnets: list the VPC's CIDR",
    'azure/application-gateway': 'Application Gateway: it sends from its own subnet: list that subnet',
    'networking.gke.io/ingress-gce': "GKE Ingress: Google's front ends and health checks send from 35.191.0.0/16 and 130.211.0.0/22",
};
/** Labels on a Gateway's data-plane pods: the Gateway API's (GEP-1762) and Envoy Gateway's. */
const gatewayPodSelectors = (namespace, name) => [
    `gateway.networking.k8s.io/gateway-name=${name}`,
    `gateway.envoyproxy.io/owning-gateway-name=${name},gateway.envoyproxy.io/owning-gateway-namespace=${namespace}`,
];
const words = (v) => (v ?? '').split(/[\s,]+/).filter(Boolean);
const unique = (xs) => [...new Set(xs)];
function admitFrontDoor(f) {
    const cidrs = [...f.inputCidrs];
    const lines = [];
    const admitCidrs = (why, more) => {
        if (more.length)
            lines.push(`admitting ${more.join(', ')} to the routed pods (${why})`);
        cidrs.push(...more);
    };
    if (f.inputCidrs.length)
        lines.push(`admitting ${f.inputCidrs.join(', ')} to the routed pods (the front-door-cidrs input)`);
    const done = (namespaces, why) => {
        for (const ns of namespaces)
            lines.unshift(`admitting the pods of namespace ${ns} (${why(ns)})`);
        return { namespaces: unique(namespaces), cidrs: unique(cidrs), lines };
    };
    if (f.inputNamespace)
        return done([f.inputNamespace], () => 'the ingress-namespace input');
    const door = f.door;
    if (!door)
        return done([], () => '');
    const doorName = door.kind === 'Gateway' ? `Gateway ${door.namespace}/${door.name}` : `IngressClass ${door.name}`;
    const annotated = words(f.annotations[NAMESPACES_ANNOTATION]);
    const annotatedCidrs = words(f.annotations[CIDRS_ANNOTATION]);
    if (annotated.length || annotatedCidrs.length) {
        admitCidrs(`the ${CIDRS_ANNOTATION} annotation of ${doorName}`, annotatedCidrs);
        return done(annotated, () => `the ${NAMESPACES_ANNOTATION} annotation of ${doorName}`);
    }
    const pods = f.pods ?? [];
    const inPods = unique(pods.filter((p) => !p.hostNetwork).map((p) => p.namespace));
    const onHost = unique(pods.filter((p) => p.hostNetwork).map((p) => p.namespace));
    const hostNetwork = () => new errors/* InputError */.d('front-door-cidrs', `the pods of ${doorName}'s proxy run on the host network (namespace ${onHost.join(', ')}): their traffic comes from the nodes' addresses, not a namespace. List the nodes' address range in front-door-cidrs.`);
    if (door.kind === 'Gateway') {
        if (door.className.startsWith('gke-l7-') && !cidrs.length)
            throw new errors/* InputError */.d('front-door-cidrs', `${doorName} (class ${door.className}) is a Google Cloud load balancer: it reaches pods from 35.191.0.0/16 and 130.211.0.0/22 (and, for a regional Gateway, the proxy-only subnet), not from a namespace. List them in front-door-cidrs.`);
        if (onHost.length && !inPods.length && !cidrs.length)
            throw hostNetwork();
        if (f.pods === null && f.podsProblem)
            lines.push(`could not look for the pods of ${doorName}'s data plane (${f.podsProblem}): if they run outside namespace ${door.namespace}, name theirs in ingress-namespace or the ${NAMESPACES_ANNOTATION} annotation of the Gateway`);
        return done(unique([door.namespace, ...inPods]), (ns) => ns === door.namespace ? "the Gateway's namespace" : `the pods of ${doorName}'s data plane run there`);
    }
    const outside = OUTSIDE_CONTROLLERS[door.controller];
    if (outside) {
        if (!cidrs.length)
            throw new errors/* InputError */.d('front-door-cidrs', `${doorName} is served by ${outside}; it reaches pods from addresses, not a namespace. List them in front-door-cidrs.`);
        return done([], () => '');
    }
    if (!inPods.length) {
        if (onHost.length && !cidrs.length)
            throw hostNetwork();
        if (cidrs.length)
            return done([], () => '');
        const selector = CONTROLLER_PODS[door.controller];
        throw new errors/* InputError */.d('ingress-namespace', f.pods === null
            ? `cannot tell where the pods of ${doorName}'s controller (${door.controller}) run${f.podsProblem ? ` (${f.podsProblem})` : ''}: set ingress-namespace to their namespace, or front-door-cidrs to the addresses its traffic comes from.`
            : `no pods of ${doorName}'s controller (${door.controller}, labelled ${selector}) run in the cluster: set ingress-namespace to their namespace, or front-door-cidrs to the addresses its traffic comes from when it runs outside the cluster.`);
    }
    return done(inPods, () => `the pods of ${doorName}'s controller (${door.controller}) run there`);
}
/** Without a cluster (the render command): what the inputs say, nothing found. */
function admissionFromInputs(s) {
    const namespaces = unique([s.ingressNamespace, s.gateway?.namespace ?? ''].filter(Boolean));
    return { namespaces, cidrs: [...s.frontDoorCidrs], lines: [] };
}

// EXTERNAL MODULE: ./src/kube/port.ts
var port = __webpack_require__(3658);
;// CONCATENATED MODULE: ./src/kube/frontdoor.ts
// What the front door needs from the cluster before anything is rendered: the Gateway (it must exist; its
// listener says whether URLs are https), the IngressClass (the one named, or the cluster's default) and the copy
// of the wildcard certificate. And, after a deploy, whether a controller picked the Ingresses up.




const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class';
/** The pods (namespace, host network) matching any of the selectors, in every namespace. */
async function podsOf(kube, selectors) {
    const lists = await Promise.all(selectors.map((labelSelector) => kube.list('v1', 'Pod', undefined, { labelSelector })));
    return lists.flatMap((l) => l.items.map((p) => ({
        namespace: p.metadata.namespace ?? '',
        hostNetwork: p.spec?.hostNetwork === true,
    })));
}
/** Finds where the front door's traffic comes from (see preview/admission.ts); throws when it cannot tell. */
async function findAdmission(kube, s, door) {
    const facts = {
        inputNamespace: s.ingressNamespace ?? '',
        inputCidrs: s.frontDoorCidrs ?? [],
        door: door?.is ?? null,
        annotations: door?.object.metadata.annotations ?? {},
        pods: null,
        podsProblem: undefined,
    };
    // Pods are listed (in every namespace) only when nothing else says where the front door is: an identity that
    // `init` made may not list them, and a door annotated by the platform team needs no look.
    const annotated = [NAMESPACES_ANNOTATION, CIDRS_ANNOTATION].some((a) => (facts.annotations[a] ?? '').split(/[\s,]+/).some(Boolean));
    if (door && !facts.inputNamespace && !annotated) {
        const selectors = door.is.kind === 'Gateway'
            ? gatewayPodSelectors(door.is.namespace, door.is.name)
            : CONTROLLER_PODS[door.is.controller]
                ? [CONTROLLER_PODS[door.is.controller]]
                : null;
        if (selectors)
            facts.pods = await podsOf(kube, selectors).catch((e) => {
                if (!(e instanceof port/* KubeError */.a && e.status === 403))
                    throw e;
                facts.podsProblem = `the action may not list pods: ${e.message}`;
                return null;
            });
    }
    return admitFrontDoor(facts);
}
/** Whether a listener's hostname (`*.preview.example.com`, or none: any) covers a host. Pure. */
function listenerMatches(listener, host) {
    const h = listener.hostname;
    if (!h)
        return true;
    if (h.startsWith('*.'))
        return host.endsWith(h.slice(1)) && host.length > h.length - 1;
    return h === host;
}
/** https when an HTTPS listener of the Gateway takes the host, else http. Pure. */
function gatewayScheme(gateway, host) {
    const listeners = (gateway.spec?.listeners ?? []).filter((l) => listenerMatches(l, host));
    return listeners.some((l) => l.protocol === 'HTTPS') ? 'https' : 'http';
}
/** The IngressClass to use, or why there is none. Pure. */
function chooseIngressClass(classes, wanted) {
    const names = classes.map((c) => c.metadata.name).sort();
    const listed = names.length
        ? `the cluster has: ${names.join(', ')}`
        : 'the cluster has no IngressClass at all (is an ingress controller installed?)';
    if (wanted) {
        if (names.includes(wanted))
            return { className: wanted, problem: null };
        return {
            className: wanted,
            problem: `Input "ingress-class": the cluster has no IngressClass "${wanted}"; ${listed}.`,
        };
    }
    const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true');
    if (defaults.length === 1)
        return { className: defaults[0].metadata.name, problem: null };
    if (defaults.length > 1) {
        return {
            className: '',
            problem: `Input "ingress-class": the cluster has ${defaults.length} default IngressClasses (${defaults.map((c) => c.metadata.name).join(', ')}); name one with ingress-class.`,
        };
    }
    return {
        className: '',
        problem: `Input "ingress-class" is empty and the cluster has no default IngressClass: name one with ingress-class (${listed}), or use a Gateway with the gateway input.`,
    };
}
async function prepareFrontDoor(kube, s, host, salt, warn) {
    let scheme = s.urlScheme === 'http' || s.urlScheme === 'https' ? s.urlScheme : 'http';
    let className = '';
    let ingressProblem = null;
    let door = null;
    if (s.gateway) {
        const ref = { apiVersion: GATEWAY_API, kind: 'Gateway', ...s.gateway };
        const gateway = await kube.get(ref).catch((e) => {
            if (e instanceof port/* KubeError */.a && e.status === 404)
                throw new errors/* InputError */.d('gateway', `the cluster has no Gateway API (${e.message}).`);
            throw e;
        });
        if (!gateway)
            throw new errors/* InputError */.d('gateway', `the cluster has no Gateway ${s.gateway.namespace}/${s.gateway.name}.`);
        if (!s.urlScheme)
            scheme = gatewayScheme(gateway, host);
        const className = String(gateway.spec?.gatewayClassName ?? '');
        door = { object: gateway, is: { kind: 'Gateway', ...s.gateway, className } };
    }
    else {
        try {
            const classes = await kube.list('networking.k8s.io/v1', 'IngressClass', undefined);
            ({ className, problem: ingressProblem } = chooseIngressClass(classes.items, s.ingressClass));
            const chosen = classes.items.find((c) => c.metadata.name === className);
            if (chosen && !ingressProblem) {
                const controller = String(chosen.spec?.controller ?? '');
                door = { object: chosen, is: { kind: 'IngressClass', name: className, controller } };
            }
        }
        catch (e) {
            if (!(e instanceof port/* KubeError */.a && e.status === 403))
                throw e;
            // Without the right to read IngressClasses, trust the input (or the cluster's default admission).
            className = s.ingressClass;
            warn(`could not list IngressClasses (${e.message}); add ingressclasses get/list to the action's ClusterRole so the class is checked before applying`);
        }
    }
    const objects = [];
    if (s.tlsSecret) {
        const { namespace, name } = s.tlsSecret;
        const source = await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name }).catch((e) => {
            if (!(e instanceof port/* KubeError */.a && e.status === 403))
                throw e;
            throw new errors/* InputError */.d('tls-secret', `the action may not read the Secret ${namespace}/${name} (${e.message.split('\n')[0].split(' — ')[0]}). Grant get on exactly that Secret: \`npx kube-pr-preview init … --tls-secret ${namespace}/${name}\` does (README, "Least privilege: init").`);
        });
        if (!source)
            throw new errors/* InputError */.d('tls-secret', `the cluster has no Secret ${s.tlsSecret.namespace}/${s.tlsSecret.name} (or the action may not read it).`);
        objects.push(tlsCopy(source));
        if (!s.urlScheme)
            scheme = 'https';
    }
    // The NetworkPolicy's front door, when the action adds one (network-policy input).
    const admission = s.networkPolicy === false ? undefined : await findAdmission(kube, s, door);
    return { context: frontDoorContext(s, className, salt), objects, scheme, ingressProblem, admission };
}
/** The preview's own copy of the certificate Secret: its type and data, nothing of its metadata. Pure. */
function tlsCopy(source) {
    const { type, data } = source;
    return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
            name: TLS_SECRET,
            annotations: {
                'kube-pr-preview.io/copied-from': `${source.metadata.namespace}/${source.metadata.name}`,
            },
        },
        type: type ?? 'kubernetes.io/tls',
        data: data ?? {},
    };
}
/** One line for an Ingress: whether a controller has taken it (an address in its status). Pure. */
function pickupLine(i) {
    const addresses = (i.status
        ?.loadBalancer?.ingress ?? [])
        .map((a) => a.ip ?? a.hostname ?? '')
        .filter(Boolean);
    const cls = i.spec?.ingressClassName ?? '(default)';
    return addresses.length
        ? `Ingress ${i.metadata.name}: picked up by the ${cls} controller (address ${addresses.join(', ')})`
        : `Ingress ${i.metadata.name}: no controller has picked it up yet (no address in its status); check that a controller serves IngressClass ${cls}`;
}
/**
 * One line per Ingress: whether a controller has taken it, waiting up to waitMs for every one to be. One list,
 * then a watch from it (a controller writing an address ends the wait at once); a watch that fails is replaced
 * by a last list at the end.
 */
async function ingressPickup(kube, namespace, selector, waitMs) {
    const deadline = Date.now() + waitMs;
    const list = await kube.list('networking.k8s.io/v1', 'Ingress', namespace, { labelSelector: selector });
    const lines = new Map(list.items.map((i) => [i.metadata.name, pickupLine(i)]));
    const done = () => [...lines.values()].every((l) => l.includes('picked up by')) || Date.now() >= deadline;
    if (done())
        return [...lines.values()];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()));
    try {
        await kube.watch('networking.k8s.io/v1', 'Ingress', namespace, { labelSelector: selector, resourceVersion: list.metadata.resourceVersion }, (e) => {
            if (e.type !== 'ADDED' && e.type !== 'MODIFIED')
                return;
            lines.set(e.object.metadata.name, pickupLine(e.object));
            if (done())
                controller.abort();
        }, controller.signal);
    }
    catch {
        await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
        const again = await kube.list('networking.k8s.io/v1', 'Ingress', namespace, { labelSelector: selector });
        return again.items.map(pickupLine);
    }
    finally {
        clearTimeout(timer);
    }
    return [...lines.values()];
}

;// CONCATENATED MODULE: ./src/kube/api-server.ts
const API_SERVER = { name: 'kubernetes', namespace: 'default' };
async function apiServerAddresses(kube, warn) {
    const out = new Set();
    try {
        const service = await kube.get({ apiVersion: 'v1', kind: 'Service', ...API_SERVER });
        const spec = (service?.spec ?? {});
        for (const ip of [spec.clusterIP, ...(spec.clusterIPs ?? [])])
            if (ip && ip !== 'None')
                out.add(ip);
        const slice = await kube.get({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ...API_SERVER });
        const slices = slice
            ? [slice]
            : (await kube.list('discovery.k8s.io/v1', 'EndpointSlice', API_SERVER.namespace, {
                labelSelector: `kubernetes.io/service-name=${API_SERVER.name}`,
            })).items;
        for (const s of slices)
            for (const e of s.endpoints ?? [])
                for (const a of e.addresses ?? [])
                    out.add(a);
    }
    catch (e) {
        warn(`egress-guard: could not read the API server's addresses (Service and EndpointSlice "kubernetes" in namespace default: ${e.message.split('\n')[0]}); pods are kept from the cloud metadata address only. Grant get on that Service and EndpointSlice (\`npx kube-pr-preview init\` does), or set egress-guard: false.`);
    }
    return [...out].sort();
}

;// CONCATENATED MODULE: ./src/kube/storage.ts
// The cluster's default StorageClass, for `values.persistence.enabled: auto` (see preview/persistence.ts).

const storage_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
/** The default StorageClass's name (the newest, when several claim it, as Kubernetes picks); null: none. */
async function defaultStorageClass(kube, warn) {
    try {
        const list = await kube.list('storage.k8s.io/v1', 'StorageClass', undefined);
        const defaults = list.items
            .filter((c) => c.metadata.annotations?.[storage_DEFAULT_CLASS] === 'true')
            .sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')));
        return defaults[0]?.metadata.name ?? null;
    }
    catch (e) {
        if (!(e instanceof port/* KubeError */.a && e.status === 403))
            throw e;
        warn(`could not list StorageClasses (${e.message}): databases stay in scratch volumes; add storageclasses get/list to the action's ClusterRole, or set values.persistence`);
        return null;
    }
}

// EXTERNAL MODULE: ./src/preview/context.ts
var context = __webpack_require__(4291);
;// CONCATENATED MODULE: ./src/preview/persistence.ts
// Where the bundled databases keep their data, decided before rendering: `values.persistence.enabled` is true,
// false or auto (the default). auto puts them on PersistentVolumeClaims when the cluster can provision them (a
// default StorageClass, or `values.persistence.storageClass` names one), so a database pod that moves (a node
// upgrade, Autopilot re-packing, a spot VM taken back, a preview woken from sleep) keeps the preview's data; and
// in scratch volumes (emptyDir) otherwise, where it lasts as long as the pod. Pure.

const isMapping = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Whether `auto` needs the cluster's default StorageClass to decide. */
function needsDefaultStorageClass(values) {
    const p = values.persistence;
    return isMapping(p) && p.enabled === 'auto' && !p.storageClass;
}
function resolvePersistence(values, defaultStorageClass) {
    const p = values.persistence;
    if (!isMapping(p))
        return { values, line: '' };
    const named = typeof p.storageClass === 'string' ? p.storageClass : '';
    let enabled;
    let why;
    if (p.enabled === true || p.enabled === false) {
        enabled = p.enabled;
        why = `values.persistence.enabled is ${String(p.enabled)}`;
    }
    else if (p.enabled === 'auto' || p.enabled === undefined) {
        enabled = Boolean(named || defaultStorageClass);
        why = named
            ? 'values.persistence.storageClass names a StorageClass'
            : defaultStorageClass
                ? `the cluster's default StorageClass is ${defaultStorageClass}`
                : 'the cluster has no default StorageClass (or the action may not read StorageClasses)';
    }
    else {
        throw new errors/* InputError */.d('values', `persistence.enabled is ${JSON.stringify(p.enabled)}: use true, false or auto (volumes when the cluster has a default StorageClass).`);
    }
    const where = enabled
        ? `on PersistentVolumeClaims (StorageClass ${named || defaultStorageClass || "the cluster's default"}): they keep their data when their pods move`
        : 'in scratch volumes: a database pod that moves to another node starts empty, and the next push prepares it again';
    return {
        values: { ...values, persistence: { ...p, enabled } },
        line: `databases ${where} (${why})`,
    };
}

;// CONCATENATED MODULE: ./src/preview/credentials.ts
// Passwords a preview's templates ask for as `{{credentials.<name>}}`: generated once per preview, kept in the
// preview's own Secret and reused on every redeploy (a database keeps the password it was created with).


const CREDENTIALS_SECRET = 'preview-credentials';
function decodeCredentials(secret) {
    const data = secret?.data ?? {};
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}
/** 24 letters and digits: safe inside URLs (DATABASE_URL) and shells without quoting. */
function generatePassword(random = external_node_crypto_.randomBytes) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    while (out.length < 24) {
        for (const byte of random(32)) {
            if (byte < 248 && out.length < 24)
                out += alphabet[byte % 62];
        }
    }
    return out;
}
/** The existing value of every name, and a new one for each name seen for the first time. */
function fillCredentials(names, existing, generate = generatePassword) {
    const values = { ...existing };
    const generated = [];
    for (const name of names) {
        if (values[name])
            continue;
        values[name] = generate();
        generated.push(name);
    }
    return { values, generated };
}
function credentialsSecretObject(values) {
    return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: CREDENTIALS_SECRET },
        type: 'Opaque',
        data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    };
}
/** Hides every known credential in later log lines: called before the first render that uses them. */
function maskCredentials(values, log) {
    for (const value of Object.values(values))
        if (value)
            log.secret(value);
}
/** The text with every credential value (as is, and as it looks inside a quoted YAML string) replaced by ***. */
function redactCredentials(text, values) {
    const forms = Object.values(values)
        .flatMap((v) => [v, JSON.stringify(v).slice(1, -1)])
        .filter((v) => v.length >= 3)
        .sort((a, b) => b.length - a.length);
    let out = text;
    for (const form of forms)
        out = out.split(form).join('***');
    return out;
}
/**
 * Runs a render that inserts the credentials. A template error (whose message may quote a rendered line) is
 * reported as the same render with placeholders in place of the credentials would report it, and with any
 * credential value redacted: a quoting mistake in a template never prints a password, masked or not.
 */
function renderHidingCredentials(values, render) {
    try {
        return render(values);
    }
    catch (e) {
        if (!(e instanceof errors/* TemplateError */.$) || Object.keys(values).length === 0)
            throw e;
        const placeholders = Object.fromEntries(Object.keys(values).map((k) => [k, `(credentials.${k})`]));
        let shown = new errors/* TemplateError */.$(e.file, e.line, 'the rendered YAML is invalid where a credential is inserted (the details would show the credential)');
        try {
            render(placeholders);
        }
        catch (again) {
            if (again instanceof errors/* TemplateError */.$)
                shown = again;
        }
        shown.message = redactCredentials(shown.message, values);
        throw shown;
    }
}

// EXTERNAL MODULE: ./node_modules/handlebars/lib/index.js
var lib = __webpack_require__(8508);
var lib_default = /*#__PURE__*/__webpack_require__.n(lib);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/preview/claims.ts
/** The preview's hosts: one DNS label ending in its unique part, then `.<domain>`. */
function isOwnHost(host, rules) {
    const h = host.toLowerCase().replace(/\.$/, '');
    const suffix = `.${rules.domain.toLowerCase()}`;
    if (!h.endsWith(suffix))
        return false;
    const label = h.slice(0, -suffix.length);
    return (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label) &&
        (label === rules.unique || label.endsWith(`-${rules.unique}`)));
}
const ownHostsHint = (rules) => `use {{preview.host}}, or {{host "<service>"}} for another service (hosts of this preview end in -${rules.unique}.${rules.domain})`;
const asList = (v) => (Array.isArray(v) ? v : []);
const asObject = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
function hostProblems(o, rules) {
    const out = [];
    const spec = asObject(o.spec);
    const what = `${o.kind} "${o.metadata.name}"`;
    const check = (host, path, where) => {
        if (typeof host === 'string' && host && isOwnHost(host, rules))
            return;
        const shown = typeof host === 'string' && host ? `claims host ${JSON.stringify(host)}` : 'has no host';
        const why = typeof host === 'string' && host
            ? 'a preview may only use its own host names'
            : 'without one it would answer for every host on the shared ingress controller';
        out.push({ path, problem: `${what} ${where} ${shown}: ${why}; ${ownHostsHint(rules)}` });
    };
    if (o.kind === 'Ingress' && o.apiVersion.startsWith('networking.k8s.io/')) {
        if (spec.defaultBackend !== undefined)
            out.push({
                path: ['spec', 'defaultBackend'],
                problem: `${what} sets spec.defaultBackend, which would take traffic for hosts that are not the preview's; put the backend under a rule with host {{preview.host}}`,
            });
        asList(spec.rules).forEach((r, i) => check(asObject(r).host, ['spec', 'rules', i, 'host'], `rule ${i + 1}`));
        asList(spec.tls).forEach((t, i) => asList(asObject(t).hosts).forEach((h, j) => check(h, ['spec', 'tls', i, 'hosts', j], `tls ${i + 1}`)));
    }
    if (o.apiVersion.startsWith('gateway.networking.k8s.io/') && o.kind === 'Gateway') {
        // A Gateway of its own may listen only for the preview's hosts (a listener without one takes every host).
        asList(spec.listeners).forEach((l, i) => check(asObject(l).hostname, ['spec', 'listeners', i, 'hostname'], `listener ${i + 1}`));
    }
    if (o.apiVersion.startsWith('gateway.networking.k8s.io/') &&
        /Route$/.test(o.kind) &&
        o.kind !== 'TCPRoute') {
        const hostnames = asList(spec.hostnames);
        if (hostnames.length === 0 && ['HTTPRoute', 'GRPCRoute', 'TLSRoute'].includes(o.kind))
            check(undefined, ['spec'], 'spec.hostnames');
        hostnames.forEach((h, i) => check(h, ['spec', 'hostnames', i], 'hostname'));
    }
    return out;
}
function subjectProblems(o, rules) {
    if (o.apiVersion !== 'rbac.authorization.k8s.io/v1' || !/^(Cluster)?RoleBinding$/.test(o.kind))
        return [];
    const out = [];
    asList(o.subjects).forEach((raw, i) => {
        const s = asObject(raw);
        const kind = String(s.kind ?? '');
        const name = String(s.name ?? '');
        const ns = s.namespace === undefined || s.namespace === '' ? undefined : String(s.namespace);
        const own = kind === 'ServiceAccount'
            ? (ns ?? (o.kind === 'RoleBinding' ? rules.namespace : undefined)) === rules.namespace
            : (kind === 'Group' && name === `system:serviceaccounts:${rules.namespace}`) ||
                (kind === 'User' && name.startsWith(`system:serviceaccount:${rules.namespace}:`));
        if (own)
            return;
        const who = `${kind || 'subject'} ${JSON.stringify(name)}${ns ? ` of namespace ${JSON.stringify(ns)}` : ''}`;
        out.push({
            path: ['subjects', i],
            problem: `${o.kind} "${o.metadata.name}" binds ${who}: a preview may bind only service accounts of its own namespace (leave subjects[].namespace out, or use {{preview.namespace}})`,
        });
    });
    return out;
}
/** Every claim of the object that is not the preview's to make; empty when it claims nothing foreign. */
function claimProblems(o, rules) {
    return [...hostProblems(o, rules), ...subjectProblems(o, rules)];
}

;// CONCATENATED MODULE: ./src/preview/tenancy/rule.ts
const rule_asList = (v) => (Array.isArray(v) ? v : []);
const rule_asObject = (v) => v && typeof v === 'object' && !Array.isArray(v) ? v : {};
const groupOf = (o) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');
const is = (o, group, ...kinds) => groupOf(o) === group && kinds.includes(o.kind);
const at = (path, problem) => ({ path, problem });
const dotted = (path) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
/** An IPv4 or IPv6 address. */
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;

;// CONCATENATED MODULE: ./src/preview/tenancy/namespace-rules.ts
// Rules that keep the action's own objects and the namespace's limits out of a template's reach. Pure.

/** The objects the action adds to every preview, by group/kind/name: a template may not define them. */
const RESERVED = [
    {
        group: 'networking.k8s.io',
        kind: 'NetworkPolicy',
        name: 'preview-isolation',
        what: 'the guardrail NetworkPolicy',
    },
    {
        group: 'networking.k8s.io',
        kind: 'NetworkPolicy',
        name: 'preview-egress',
        what: 'the egress guard NetworkPolicy',
    },
    {
        group: 'networking.k8s.io',
        kind: 'NetworkPolicy',
        name: 'preview-front-door',
        prefix: true,
        what: 'a front door NetworkPolicy (its names start with preview-front-door)',
    },
    {
        group: '',
        kind: 'ServiceAccount',
        name: 'default',
        what: "the namespace's default ServiceAccount, which the action sets up",
    },
    { group: '', kind: 'ResourceQuota', name: 'preview-quota', what: 'the guardrail ResourceQuota' },
    { group: '', kind: 'LimitRange', name: 'preview-limits', what: 'the guardrail LimitRange' },
    { group: '', kind: 'Secret', name: 'preview-credentials', what: "the preview's generated credentials" },
    { group: '', kind: 'Secret', name: 'preview-tls', what: "the preview's copy of the TLS certificate" },
    { group: '', kind: 'Secret', name: 'preview-registry', what: 'the registry pull Secret' },
    { group: 'coordination.k8s.io', kind: 'Lease', name: 'kube-pr-preview-lock', what: "the preview's lock" },
];
const NAMESPACE_RULES = [
    {
        id: 'reserved-object',
        refuses: 'an object with the kind and name of one the action adds (its NetworkPolicies, ResourceQuota and LimitRange, the credentials, TLS and registry Secrets, the default ServiceAccount, the lock Lease)',
        where: 'any template',
        check: (o) => {
            const hit = RESERVED.find((x) => x.group === groupOf(o) &&
                x.kind === o.kind &&
                (x.prefix ? o.metadata.name.startsWith(x.name) : x.name === o.metadata.name));
            return hit
                ? [at(['metadata', 'name'], `is ${hit.what}, which the action adds itself; rename the object`)]
                : [];
        },
    },
    {
        id: 'quota-objects',
        refuses: 'ResourceQuota and LimitRange (the `resource-quota` and `limit-range` inputs set them)',
        where: 'ResourceQuota, LimitRange',
        check: (o) => is(o, '', 'ResourceQuota', 'LimitRange')
            ? [
                at(['kind'], `a preview's ${o.kind} is set by the action's ${o.kind === 'ResourceQuota' ? 'resource-quota' : 'limit-range'} input, not by templates`),
            ]
            : [],
    },
];

;// CONCATENATED MODULE: ./src/preview/tenancy/network-rules.ts
// Rules that keep a preview's traffic inside it: NetworkPolicy peers and Services that reach outside. Pure.

const NETWORK_RULES = [
    {
        id: 'network-policy-peers',
        refuses: 'a NetworkPolicy rule that admits anything but pods of the same preview (`ipBlock`, a `namespaceSelector` other than the own namespace, a rule without peers)',
        where: 'NetworkPolicy spec.ingress[].from, spec.egress[].to',
        check: (o, r) => {
            if (!is(o, 'networking.k8s.io', 'NetworkPolicy'))
                return [];
            const out = [];
            const spec = rule_asObject(o.spec);
            for (const [dir, peers] of [
                ['ingress', 'from'],
                ['egress', 'to'],
            ])
                rule_asList(spec[dir]).forEach((rule, i) => {
                    const list = rule_asObject(rule)[peers];
                    if (!Array.isArray(list) || list.length === 0) {
                        out.push(at(['spec', dir, i], `a rule without ${peers} admits every address; policies add up, so it would open the preview: list podSelector peers`));
                        return;
                    }
                    list.forEach((p, j) => {
                        const peer = rule_asObject(p);
                        if (peer.ipBlock !== undefined)
                            out.push(at(['spec', dir, i, peers, j, 'ipBlock'], "ipBlock admits addresses outside the preview; the action's own policy decides those"));
                        if (peer.namespaceSelector !== undefined) {
                            const sel = rule_asObject(peer.namespaceSelector);
                            const labels = rule_asObject(sel.matchLabels);
                            const own = Object.keys(labels).length === 1 &&
                                labels['kubernetes.io/metadata.name'] === r.namespace &&
                                rule_asList(sel.matchExpressions).length === 0;
                            if (!own)
                                out.push(at(['spec', dir, i, peers, j, 'namespaceSelector'], 'namespaceSelector admits other namespaces; leave it out (a podSelector peer means pods of the same preview)'));
                        }
                    });
                });
            return out;
        },
    },
    {
        id: 'service-external-ips',
        refuses: 'Service `spec.externalIPs` (CVE-2020-8554: it takes traffic for that address from every pod of the cluster)',
        where: 'Service spec.externalIPs',
        check: (o) => is(o, '', 'Service') && rule_asList(rule_asObject(o.spec).externalIPs).length
            ? [
                at(['spec', 'externalIPs'], "externalIPs would intercept the whole cluster's traffic to those addresses; remove it"),
            ]
            : [],
    },
    {
        id: 'service-type',
        refuses: 'Service `type: LoadBalancer` and `NodePort`, unless named in `allow-service-types`',
        where: 'Service spec.type',
        check: (o, r) => {
            const type = rule_asObject(o.spec).type;
            if (!is(o, '', 'Service') ||
                (type !== 'LoadBalancer' && type !== 'NodePort') ||
                r.allowServiceTypes?.has(type))
                return [];
            return [
                at(['spec', 'type'], `type ${type} opens the preview outside the front door (and its password); use the routes, or name ${type} in the allow-service-types input`),
            ];
        },
    },
    {
        id: 'service-external-name',
        refuses: 'an `ExternalName` Service that points into the cluster (a name under `.svc` or the cluster domain, a single label, an IP): a confused deputy into other previews (CVE-2021-25740)',
        where: 'Service spec.externalName',
        check: (o, r) => {
            const spec = rule_asObject(o.spec);
            if (!is(o, '', 'Service') || spec.type !== 'ExternalName')
                return [];
            const name = String(spec.externalName ?? '')
                .toLowerCase()
                .replace(/\.$/, '');
            const domain = (r.clusterDomain ?? 'cluster.local').toLowerCase();
            const inside = !name.includes('.') ||
                IP.test(name) ||
                /(^|\.)svc$/.test(name) ||
                name.includes('.svc.') ||
                name === domain ||
                name.endsWith(`.${domain}`) ||
                name.endsWith('.cluster.local');
            return inside
                ? [
                    at(['spec', 'externalName'], `${JSON.stringify(name)} is inside the cluster; a shared ingress controller would serve another namespace's Service through it. Point only at names outside the cluster`),
                ]
                : [];
        },
    },
];

;// CONCATENATED MODULE: ./src/preview/tenancy/routing-rules.ts
// Rules for the shared front door: only the preview's own hosts, certificates and routing kinds. Pure.


const ROUTING_GROUPS = new Map([
    // group → the kinds the checks below understand; any other kind of the group is refused
    ['networking.k8s.io', ['Ingress', 'NetworkPolicy', 'IngressClass']],
    [
        'gateway.networking.k8s.io',
        ['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'ReferenceGrant', 'BackendTLSPolicy', 'ListenerSet'],
    ],
    ['gateway.networking.x-k8s.io', ['XListenerSet', 'ListenerSet']],
    [
        'traefik.io',
        [
            'IngressRoute',
            'IngressRouteTCP',
            'Middleware',
            'MiddlewareTCP',
            'TraefikService',
            'ServersTransport',
            'ServersTransportTCP',
        ],
    ],
    [
        'traefik.containo.us',
        ['IngressRoute', 'IngressRouteTCP', 'Middleware', 'MiddlewareTCP', 'TraefikService', 'ServersTransport'],
    ],
    ['networking.istio.io', ['VirtualService']],
    ['projectcontour.io', ['HTTPProxy']],
    ['route.openshift.io', ['Route']],
    ['cert-manager.io', ['Certificate', 'Issuer']],
    ['acme.cert-manager.io', []],
    ['getambassador.io', []],
    ['configuration.konghq.com', []],
    ['gateway.envoyproxy.io', []],
]);
function hostCheck(r, out) {
    return (host, path, what = 'host') => {
        if (typeof host === 'string' && host && isOwnHost(host, r))
            return;
        out.push(at(path, typeof host === 'string' && host
            ? `${what} ${JSON.stringify(host)} is not one of the preview's hosts (they end in -${r.unique}.${r.domain}; use {{preview.host}} or {{host "<service>"}})`
            : `no ${what}: it would claim every host; name one of the preview's ({{preview.host}})`));
    };
}
/** Host(`a`, `b`) and HostSNI(`x`) of a Traefik rule; null when the rule has a matcher the check cannot read. */
function traefikHosts(match, fn) {
    if (/HostRegexp|HostSNIRegexp|HostHeader/.test(match))
        return null;
    const hosts = [];
    for (const m of match.matchAll(new RegExp(`\\b${fn}\\(([^)]*)\\)`, 'g')))
        for (const h of m[1].split(','))
            hosts.push(h.trim().replace(/^[`"']|[`"']$/g, ''));
    return hosts;
}
const ROUTING_RULES = [
    {
        id: 'ingress-annotations',
        refuses: "Ingress annotations that alias hosts or inject controller configuration (`server-alias`, every `*-snippet`, `auth-url`, `auth-signin`) or name another namespace's Secret",
        where: 'Ingress metadata.annotations',
        check: (o, r) => {
            if (!is(o, 'networking.k8s.io', 'Ingress'))
                return [];
            const out = [];
            for (const [key, raw] of Object.entries(rule_asObject(o.metadata.annotations))) {
                const name = key.toLowerCase().split('/').at(-1);
                const value = String(raw ?? '');
                if (name === 'server-alias' ||
                    name.endsWith('snippet') ||
                    name === 'auth-url' ||
                    name === 'auth-signin')
                    out.push(at(['metadata', 'annotations', key], `${key} would ${name === 'server-alias' ? 'answer for other hosts' : name.endsWith('snippet') ? 'inject configuration into the shared controller' : 'send requests or credentials to an address outside the preview'}; remove it`));
                else if (/secret/.test(name) &&
                    /^[^/\s]+\/[^/\s]+$/.test(value) &&
                    value.split('/')[0] !== r.namespace)
                    out.push(at(['metadata', 'annotations', key], `${key} names Secret ${JSON.stringify(value)} of another namespace; name a Secret of the preview's own`));
            }
            return out;
        },
    },
    {
        id: 'hosts',
        refuses: "a host or certificate name that is not one of the preview's own, in any routing or certificate kind the check knows; a route without a host",
        where: 'Ingress rules/tls, Gateway and ListenerSet listeners, HTTPRoute/GRPCRoute/TLSRoute hostnames, Traefik IngressRoute(TCP) match and tls.domains, Istio VirtualService hosts, Contour HTTPProxy virtualhost.fqdn, OpenShift Route host, cert-manager Certificate dnsNames/commonName, Issuer ACME solver selectors',
        check: (o, r) => {
            const out = [];
            const check = hostCheck(r, out);
            const spec = rule_asObject(o.spec);
            const g = groupOf(o);
            if ((g === 'gateway.networking.k8s.io' || g === 'gateway.networking.x-k8s.io') &&
                /ListenerSet$/.test(o.kind))
                rule_asList(spec.listeners).forEach((l, i) => check(rule_asObject(l).hostname, ['spec', 'listeners', i, 'hostname'], 'listener hostname'));
            if (is(o, 'gateway.networking.k8s.io', 'Gateway'))
                rule_asList(spec.listeners).forEach((l, i) => {
                    const protocol = String(rule_asObject(l).protocol ?? '');
                    if (protocol === 'TCP' || protocol === 'UDP')
                        out.push(at(['spec', 'listeners', i, 'protocol'], `a ${protocol} listener takes a whole port, whatever the host; use HTTP, HTTPS or TLS listeners with the preview's hosts`));
                });
            if ((g === 'traefik.io' || g === 'traefik.containo.us') &&
                (o.kind === 'IngressRoute' || o.kind === 'IngressRouteTCP')) {
                const fn = o.kind === 'IngressRoute' ? 'Host' : 'HostSNI';
                rule_asList(spec.routes).forEach((route, i) => {
                    const match = String(rule_asObject(route).match ?? '');
                    const hosts = traefikHosts(match, fn);
                    if (hosts === null)
                        out.push(at(['spec', 'routes', i, 'match'], `${JSON.stringify(match)} matches hosts by pattern; use ${fn}(\`{{preview.host}}\`)`));
                    else if (hosts.length === 0)
                        check(undefined, ['spec', 'routes', i, 'match'], `${fn}(…) in match`);
                    else
                        hosts.forEach((h) => check(h === '*' ? '' : h, ['spec', 'routes', i, 'match'], `${fn}(…)`));
                });
                rule_asList(rule_asObject(spec.tls).domains).forEach((d, i) => {
                    check(rule_asObject(d).main, ['spec', 'tls', 'domains', i, 'main'], 'tls domain');
                    rule_asList(rule_asObject(d).sans).forEach((h, j) => check(h, ['spec', 'tls', 'domains', i, 'sans', j], 'tls domain'));
                });
            }
            if (is(o, 'networking.istio.io', 'VirtualService')) {
                const hosts = rule_asList(spec.hosts);
                if (!hosts.length)
                    check(undefined, ['spec', 'hosts'], 'host');
                hosts.forEach((h, i) => check(h, ['spec', 'hosts', i]));
            }
            if (is(o, 'projectcontour.io', 'HTTPProxy') && spec.virtualhost !== undefined)
                check(rule_asObject(spec.virtualhost).fqdn, ['spec', 'virtualhost', 'fqdn'], 'fqdn');
            if (is(o, 'route.openshift.io', 'Route'))
                check(spec.host, ['spec', 'host']);
            if (is(o, 'cert-manager.io', 'Certificate')) {
                if (spec.commonName !== undefined)
                    check(spec.commonName, ['spec', 'commonName'], 'commonName');
                const names = rule_asList(spec.dnsNames);
                names.forEach((h, i) => check(h, ['spec', 'dnsNames', i], 'dnsName'));
                for (const f of ['ipAddresses', 'uris', 'emailAddresses', 'otherNames'])
                    if (rule_asList(spec[f]).length)
                        out.push(at(['spec', f], `${f} in a preview's certificate names something that is not one of its hosts; use dnsNames`));
                if (!names.length && spec.commonName === undefined)
                    check(undefined, ['spec', 'dnsNames'], 'dnsName');
            }
            if (is(o, 'cert-manager.io', 'Issuer'))
                rule_asList(rule_asObject(spec.acme).solvers).forEach((s, i) => {
                    const sel = rule_asObject(rule_asObject(s).selector);
                    const names = [...rule_asList(sel.dnsNames), ...rule_asList(sel.dnsZones)];
                    if (!names.length)
                        out.push(at(['spec', 'acme', 'solvers', i], "an ACME solver without selector.dnsNames would answer for any name; list the preview's hosts"));
                    rule_asList(sel.dnsNames).forEach((h, j) => check(h, ['spec', 'acme', 'solvers', i, 'selector', 'dnsNames', j], 'dnsName'));
                    rule_asList(sel.dnsZones).forEach((h, j) => check(h, ['spec', 'acme', 'solvers', i, 'selector', 'dnsZones', j], 'dnsZone'));
                });
            return out;
        },
    },
    {
        id: 'routing-kinds',
        refuses: 'TCPRoute, UDPRoute, IngressRouteUDP, and any kind of a known routing or certificate API group that the checks do not understand',
        where: `kinds of ${[...ROUTING_GROUPS.keys()].join(', ')}`,
        check: (o) => {
            const known = ROUTING_GROUPS.get(groupOf(o));
            if (!known || known.includes(o.kind))
                return [];
            return [
                at(['kind'], `${o.kind} of ${groupOf(o)} can claim hosts, ports or certificates on the shared front door in ways the action does not check; it is refused`),
            ];
        },
    },
];

;// CONCATENATED MODULE: ./src/preview/tenancy/cluster-rules.ts
// Rules for what a preview may make cluster-wide, and the cloud identities it may not take. Pure.

const CLUSTER_RULES = [
    {
        id: 'cluster-role-aggregation',
        refuses: 'ClusterRole aggregation labels (`rbac.authorization.k8s.io/aggregate-to-*`) and `aggregationRule`',
        where: 'ClusterRole metadata.labels, aggregationRule',
        check: (o) => {
            if (!is(o, 'rbac.authorization.k8s.io', 'ClusterRole'))
                return [];
            const out = Object.keys(rule_asObject(o.metadata.labels))
                .filter((k) => k.startsWith('rbac.authorization.k8s.io/aggregate-to-'))
                .map((k) => at(['metadata', 'labels', k], `${k} adds these rules to the cluster's built-in roles, held by every admin, edit or view user; remove the label`));
            if (o.aggregationRule !== undefined)
                out.push(at(['aggregationRule'], 'aggregationRule gathers the rules of other ClusterRoles; list the rules the preview needs'));
            return out;
        },
    },
    {
        id: 'persistent-volume-host',
        refuses: "a PersistentVolume with `hostPath` or `local` (the node's files, past pod security)",
        where: 'PersistentVolume spec.hostPath, spec.local',
        check: (o) => {
            if (!is(o, '', 'PersistentVolume'))
                return [];
            const spec = rule_asObject(o.spec);
            return ['hostPath', 'local']
                .filter((f) => spec[f] !== undefined)
                .map((f) => at(['spec', f], `${f} gives the preview's pods a node's files, which pod security forbids in pods; use a StorageClass`));
        },
    },
    {
        id: 'cloud-identity',
        refuses: 'a ServiceAccount annotation that grants a cloud identity (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`)',
        where: 'ServiceAccount metadata.annotations',
        check: (o) => is(o, '', 'ServiceAccount')
            ? Object.keys(rule_asObject(o.metadata.annotations))
                .filter((k) => [
                'eks.amazonaws.com/role-arn',
                'iam.gke.io/gcp-service-account',
                'azure.workload.identity/client-id',
            ].includes(k))
                .map((k) => at(['metadata', 'annotations', k], `${k} would give the PR's code a cloud identity; remove it`))
            : [],
    },
];

;// CONCATENATED MODULE: ./src/preview/tenancy.ts
// What a template may not render, because it would reach past its own preview: the action's own objects, quotas,
// NetworkPolicies that admit other namespaces, Services that reach outside the namespace, hosts and certificates
// on the shared front door, cluster-wide grants, cloud identities. Pure, checked at render, before anything is
// applied. RULES is also the README's claims table (a test compares the two).






/** Every rule, in the order of the README's claims table. */
const RULES = [...NAMESPACE_RULES, ...NETWORK_RULES, ...ROUTING_RULES, ...CLUSTER_RULES];
/** Every rule the object breaks, each with the field and the rule's id. */
function tenancyProblems(o, r) {
    return RULES.flatMap((rule) => rule.check(o, r).map((p) => ({
        rule: rule.id,
        path: p.path,
        problem: `${o.kind} "${o.metadata.name}" ${dotted(p.path)}: ${p.problem} (rule ${rule.id})`,
    })));
}
/**
 * Checks across the objects of one render: a ClusterRoleBinding's roleRef must be a ClusterRole the same preview
 * renders.
 */
function crossObjectProblems(objects) {
    const roles = new Set(objects.filter((o) => is(o, 'rbac.authorization.k8s.io', 'ClusterRole')).map((o) => o.metadata.name));
    return objects
        .filter((o) => is(o, 'rbac.authorization.k8s.io', 'ClusterRoleBinding'))
        .filter((o) => {
        const ref = rule_asObject(o.roleRef);
        return ref.kind !== 'ClusterRole' || !roles.has(String(ref.name));
    })
        .map((o) => ({
        object: o,
        rule: 'cluster-role-binding-ref',
        path: ['roleRef', 'name'],
        problem: `${o.kind} "${o.metadata.name}" roleRef.name: ${JSON.stringify(rule_asObject(o.roleRef).name)} is not a ClusterRole this preview renders; a preview may grant only roles it defines (rule cluster-role-binding-ref)`,
    }));
}
/** The README's claims table, from the rules. */
function claimsTable() {
    const rows = RULES.map((r) => `| \`${r.id}\` | ${r.refuses} | ${r.where} |`);
    rows.push('| `cluster-role-binding-ref` | a ClusterRoleBinding whose `roleRef` is not a ClusterRole the same preview renders | ClusterRoleBinding roleRef |');
    return ['| Rule | Refused | Where |', '| --- | --- | --- |', ...rows].join('\n');
}

// EXTERNAL MODULE: ./src/preview/ownership.ts
var ownership = __webpack_require__(7389);
// EXTERNAL MODULE: ./src/preview/sources.ts
var sources = __webpack_require__(4982);
;// CONCATENATED MODULE: ./src/preview/yaml-scalar.ts
// Characters that YAML (1.1 or 1.2) or a terminal could read as structure or line breaks: always escaped.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g;
/** One YAML scalar (or JSON flow collection) that reads back as exactly `value`. */
function yamlScalar(value) {
    if (value === undefined || value === null)
        return 'null';
    if (typeof value === 'boolean')
        return String(value);
    if (typeof value === 'number')
        return Number.isFinite(value) ? String(value) : 'null';
    if (typeof value === 'bigint')
        return value.toString();
    if (typeof value === 'string') {
        return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
    if (typeof value === 'object') {
        // JSON is a subset of YAML's flow style; strings inside get the same escaping.
        return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
    return 'null';
}
/**
 * YAML as `kubectl apply -f` reads it (sigs.k8s.io/yaml, which is YAML 1.1): `0755` is octal (493), `yes`, `no`,
 * `on`, `off`, `y` and `n` are booleans, `0b1010` is binary. Like kubectl, timestamps and sexagesimal numbers
 * (`1:30`) stay strings. Values inserted by `{{…}}` are quoted, so none of this can change what a value says.
 */
const KUBECTL_YAML = {
    version: '1.1',
    customTags: (tags) => tags.filter((t) => typeof t === 'string' ||
        (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};

;// CONCATENATED MODULE: ./src/preview/inserted-values.ts
// Values are data in every YAML context. Pure.
//
// While a template renders, each `{{…}}` writes a placeholder (a private-use character, its number, another)
// instead of its value. The rendered text is then parsed as YAML — its structure is the template's alone — and
// every scalar and key that holds placeholders gets the values put back into its string: a value is part of
// exactly one scalar, with exactly its text, whether the `{{…}}` stood alone, inside quotes, in a flow
// collection, next to other text or in a key. A `{{…}}` that stands alone as a plain scalar keeps the value's
// type (a number, a boolean, a list, a mapping). In a block scalar (`|`, `>`) a value with a line break would
// add lines to what the block holds (a configuration file, a script): that is a template error.

const OPEN = '\ue000';
const CLOSE = '\ue001';
const TOKEN = /\ue000(\d+)\ue001/g;
const ONE_TOKEN = /^\ue000(\d+)\ue001$/;
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;
/** The values one render inserted, by placeholder number. */
class InsertedValues {
    values = [];
    placeholder(value) {
        this.values.push(value);
        return `${OPEN}${this.values.length - 1}${CLOSE}`;
    }
}
/** True when a template's own text holds a placeholder character (it could not be told from a value). */
const hasPlaceholderCharacters = (text) => text.includes(OPEN) || text.includes(CLOSE);
/** A value as text next to other text: strings as they are, structures as JSON, nothing as empty. */
const asText = (v) => v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
/**
 * Puts the values back into a parsed document, in place. Returns the first problem: a value with a line break in
 * a block scalar, or a `{{…}}` in a tag or an anchor.
 */
function insertValues(doc, inserted) {
    let problem;
    const fill = (text) => text.replace(TOKEN, (_m, i) => asText(inserted.values[Number(i)]));
    (0,dist/* visit */.YR)(doc, {
        Node(key, node) {
            if (problem)
                return dist/* visit */.YR.BREAK;
            const n = node;
            if ((n.anchor && TOKEN.test(n.anchor)) || (n.tag && TOKEN.test(n.tag))) {
                TOKEN.lastIndex = 0;
                problem = {
                    offset: n.range?.[0] ?? 0,
                    problem: '{{…}} is used in a YAML tag or anchor; put it in a value or a key',
                };
                return dist/* visit */.YR.BREAK;
            }
            TOKEN.lastIndex = 0;
            if (!(0,dist/* isScalar */.jn)(node) || typeof node.value !== 'string')
                return;
            const scalar = node;
            const text = scalar.value;
            if (!text.includes(OPEN))
                return;
            const alone = ONE_TOKEN.exec(text);
            if (alone && scalar.type === 'PLAIN' && key !== 'key') {
                const value = inserted.values[Number(alone[1])];
                // A structure becomes a node of its own; other values replace the scalar's value with their type.
                if (value !== null && typeof value === 'object')
                    return doc.createNode(value);
                scalar.value = (value === undefined ? null : value);
                return;
            }
            if (scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED') {
                for (const m of text.matchAll(TOKEN)) {
                    if (LINE_BREAK.test(asText(inserted.values[Number(m[1])]))) {
                        problem = {
                            offset: scalar.range?.[0] ?? 0,
                            placeholder: m[0],
                            problem: 'a value with a line break is inserted into a block scalar (| or >), where it would add lines; use a value of one line, or give it a field of its own',
                        };
                        return dist/* visit */.YR.BREAK;
                    }
                }
            }
            scalar.value = fill(text);
        },
    });
    if (problem)
        return problem;
    // Keys that held a placeholder: their values are strings now; two equal keys would be a duplicate.
    (0,dist/* visit */.YR)(doc, {
        Map(_key, map) {
            if (problem)
                return dist/* visit */.YR.BREAK;
            const seen = new Set();
            for (const pair of map.items) {
                if (!(0,dist/* isPair */.tO)(pair))
                    continue;
                const k = (0,dist/* isScalar */.jn)(pair.key) ? asText(pair.key.value) : undefined;
                if (k === undefined)
                    continue;
                if (seen.has(k)) {
                    problem = {
                        offset: pair.key.range?.[0] ?? 0,
                        problem: `the key ${JSON.stringify(k)} appears twice once the values are inserted`,
                    };
                    return dist/* visit */.YR.BREAK;
                }
                seen.add(k);
            }
        },
    });
    return problem;
}
/** The rendered text with values in place of the placeholders, for showing a line in an error. */
function shownText(text, inserted) {
    return text.replace(TOKEN, (_m, i) => asText(inserted.values[Number(i)]));
}

;// CONCATENATED MODULE: ./src/preview/template-syntax.ts
// A template's Handlebars syntax, read before any render: parsed once per text, `{{{raw}}}` and the `log` helper
// refused with their line, and the `credentials.<name>` it uses. Pure.


/** Visits every node of a Handlebars syntax tree. */
function walk(node, visit) {
    if (!node || typeof node !== 'object')
        return;
    if (Array.isArray(node))
        return node.forEach((n) => walk(n, visit));
    const n = node;
    if (typeof n.type === 'string')
        visit(n);
    for (const [key, child] of Object.entries(n))
        if (key !== 'loc')
            walk(child, visit);
}
/** Parsed templates by their text: a run looks at the same templates several times (credentials, renders). */
const parsed = new Map();
function parseTemplate(file) {
    const known = parsed.get(file.text);
    if (known)
        return known;
    let ast;
    try {
        ast = lib_default().parse(file.text);
    }
    catch (e) {
        const message = e.message;
        const line = Number(/line (\d+)/.exec(message)?.[1]) || undefined;
        throw new errors/* TemplateError */.$(file.name, line, `Handlebars syntax error: ${message.split('\n').slice(-1)[0]}`);
    }
    walk(ast, (n) => {
        const helper = n.path?.original;
        if (['MustacheStatement', 'SubExpression', 'BlockStatement'].includes(n.type) &&
            helper === 'log' &&
            (n.params?.length || n.type !== 'MustacheStatement'))
            throw new errors/* TemplateError */.$(file.name, n.loc?.start.line, "the log helper is not available: a template cannot write to the run's log (it could print a password or a workflow command)");
        if (n.type === 'MustacheStatement' && n.escaped === false) {
            throw new errors/* TemplateError */.$(file.name, n.loc?.start.line, 'raw output ({{{…}}} or {{& …}}) is not allowed: use {{…}}, which inserts the value as data, never as YAML.');
        }
    });
    parsed.set(file.text, ast);
    return ast;
}
/** The `credentials.<name>` the templates use, so the caller can find or generate each. */
function credentialNames(templates) {
    const names = new Set();
    for (const file of templates) {
        walk(parseTemplate(file), (n) => {
            const parts = n.type === 'PathExpression' ? n.parts : [];
            if (parts[0] === 'credentials' && parts[1])
                names.add(parts[1]);
        });
    }
    return [...names].sort();
}

;// CONCATENATED MODULE: ./src/preview/render.ts
// Renders Handlebars templates into Kubernetes objects. Pure.
//
// Structural safety: the YAML structure is the template's alone. Each `{{expression}}` renders as a placeholder,
// the text is parsed, and only then do the values go into the scalars and keys that hold them (see
// inserted-values.ts): no value (a branch name, a PR title, a values entry) can add, remove or change structure,
// in any YAML context. `{{{raw}}}`, `{{& raw}}` and the `log` helper are refused.











/** Where the `{{…}}` of the render under way write their values (renders are synchronous: one at a time). */
let sink;
/** Handlebars with our escaping: the one place the output of `{{…}}` is decided. */
function handlebars(helpers) {
    const hb = lib_default().create();
    // The runtime reads Utils.escapeExpression (one object shared by every Handlebars environment) when a
    // template is instantiated: ours replaces HTML escaping before anything is compiled.
    hb.Utils.escapeExpression = ((v) => (sink ? sink.placeholder(v) : yamlScalar(v)));
    // Nothing a template does may write to the log: Handlebars' `log` helper would print any value (a password
    // before it is masked, or a workflow command).
    hb.unregisterHelper('log');
    hb.registerHelper('log', () => {
        throw new Error("the log helper is not available: a template cannot write to the run's log");
    });
    hb.registerHelper(BUILTIN_HELPERS);
    hb.registerHelper(helpers);
    return hb;
}
const str = (v) => v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
const args = (all) => all.slice(0, -1); // Handlebars passes its options object last
/** Helpers compute plain values; their results are quoted like any other value. */
const BUILTIN_HELPERS = {
    /** `{{concat "https://" preview.host "/health"}}` → one string. */
    concat: (...all) => args(all).map(str).join(''),
    /** `{{default values.replicas 1}}` → the first argument that is not empty. */
    default: (...all) => args(all).find((v) => v !== undefined && v !== null && v !== ''),
    lower: (v) => str(v).toLowerCase(),
    upper: (v) => str(v).toUpperCase(),
    eq: (a, b) => a === b,
    ne: (a, b) => a !== b,
    not: (v) => !v,
    and: (...all) => args(all).every(Boolean),
    or: (...all) => args(all).find(Boolean) ?? false,
    /** `{{json values.env}}`: the same as `{{values.env}}`, for readers who want to see it is a structure. */
    json: (v) => v,
    /** `{{trunc pr.branch 20}}` → at most n characters. */
    trunc: (v, n) => str(v).slice(0, Number(n)),
};
/** Built-in kinds that are cluster-wide; other kinds are checked against the cluster before anything is applied. */
const CLUSTER_SCOPED_KINDS = new Set([
    'Namespace',
    'Node',
    'PersistentVolume',
    'ClusterRole',
    'ClusterRoleBinding',
    'CustomResourceDefinition',
    'StorageClass',
    'PriorityClass',
    'IngressClass',
    'RuntimeClass',
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'APIService',
    'CSIDriver',
    'CSINode',
    'VolumeAttachment',
    'CertificateSigningRequest',
    'FlowSchema',
    'PriorityLevelConfiguration',
    'ClusterIssuer',
]);
function render(input) {
    const hb = handlebars(input.helpers ?? {});
    const out = [];
    let bytes = 0;
    const seen = new Map();
    for (const file of [...input.templates].sort((a, b) => a.name.localeCompare(b.name))) {
        const ast = parseTemplate(file);
        if (hasPlaceholderCharacters(file.text))
            throw new errors/* TemplateError */.$(file.name, undefined, 'holds the private-use characters U+E000 or U+E001; remove them');
        let text;
        const inserted = new InsertedValues();
        sink = inserted;
        try {
            text = hb.compile(ast, { noEscape: false })(input.context, { allowProtoPropertiesByDefault: false });
        }
        catch (e) {
            const message = e.message;
            throw new errors/* TemplateError */.$(file.name, Number(/line (\d+)/.exec(message)?.[1]) || undefined, message);
        }
        finally {
            sink = undefined;
        }
        const docs = (0,dist/* parseAllDocuments */.hR)(text, { ...KUBECTL_YAML, uniqueKeys: true, prettyErrors: true });
        if (!Array.isArray(docs))
            throw new errors/* TemplateError */.$(file.name, undefined, 'could not be read as YAML');
        for (const doc of docs) {
            const error = doc.errors[0];
            if (error) {
                const line = error.linePos?.[0].line;
                const shown = line
                    ? ` — rendered line ${line}: ${shownText(text.split('\n')[line - 1] ?? '', inserted)
                        .trim()
                        .slice(0, 160)}`
                    : '';
                throw new errors/* TemplateError */.$(file.name, line, `the rendered YAML is invalid: ${error.message.split('\n')[0]}${shown}`);
            }
            // The structure is the template's alone; now the values go into their scalars.
            const problem = insertValues(doc, inserted);
            if (problem) {
                const at = problem.placeholder ? text.indexOf(problem.placeholder, problem.offset) : -1;
                throw new errors/* TemplateError */.$(file.name, lineOf(text, at >= 0 ? at : problem.offset), problem.problem);
            }
            const value = doc.toJS({ maxAliasCount: 100 });
            if (value === null || value === undefined)
                continue;
            const line = doc.contents ? lineOf(text, doc.contents.range?.[0] ?? 0) : undefined;
            const object = checkObject(file.name, line, value, input.owner, new Set(input.allowClusterScoped ?? []));
            const claim = input.claims && (claimProblems(object, input.claims)[0] ?? tenancyProblems(object, input.claims)[0]);
            if (claim)
                throw new errors/* TemplateError */.$(file.name, (0,sources/* lineOfPath */.ZS)(doc, text, claim.path) ?? line, claim.problem);
            const key = `${object.apiVersion.split('/').length > 1 ? object.apiVersion.split('/')[0] : ''}/${object.kind}/${object.metadata.name}`;
            const earlier = seen.get(key);
            if (earlier)
                throw new errors/* TemplateError */.$(file.name, line, `${object.kind} "${object.metadata.name}" is also defined in ${earlier}`);
            seen.set(key, file.name);
            (0,sources/* recordSource */.vr)(object, { template: file.name, line, document: doc, text });
            out.push({ object, template: file.name });
            bytes += Buffer.byteLength(JSON.stringify(object));
            checkSize(out, bytes, input.maxObjects ?? DEFAULT_MAX_OBJECTS, file.name, line);
        }
    }
    if (input.claims) {
        const [cross] = crossObjectProblems(out.map((r) => r.object));
        if (cross) {
            const { template } = out.find((r) => r.object === cross.object);
            throw new errors/* TemplateError */.$(template, fieldLineOf(cross.object, cross.path), cross.problem);
        }
    }
    return out;
}
const DEFAULT_MAX_OBJECTS = 300;
/** 3 MiB: far more than a stack needs, far less than what fills etcd for every tenant. */
const MAX_BYTES = 3 * 1024 * 1024;
function checkSize(out, bytes, max, file, line) {
    if (out.length > max)
        throw new errors/* TemplateError */.$(file, line, `the templates render more than ${max} objects (max-objects); a loop over a long list would fill the cluster's storage for everyone. Raise max-objects if the preview really needs them`);
    if (bytes > MAX_BYTES)
        throw new errors/* TemplateError */.$(file, line, `the templates render more than 3 MiB of objects; a preview's objects are its configuration, not its data (seed data in a Job, or a volume)`);
}
function lineOf(text, offset) {
    return text.slice(0, offset).split('\n').length;
}
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
function checkObject(file, line, value, owner, allowed) {
    const fail = (problem) => {
        throw new errors/* TemplateError */.$(file, line, problem);
    };
    if (typeof value !== 'object' || Array.isArray(value))
        fail('each YAML document must be one Kubernetes object (a mapping)');
    const o = value;
    if (typeof o.apiVersion !== 'string' || !o.apiVersion)
        fail('the object has no apiVersion');
    if (typeof o.kind !== 'string' || !o.kind)
        fail('the object has no kind');
    if (typeof o.metadata !== 'object' || o.metadata === null)
        fail(`the ${o.kind} has no metadata`);
    const meta = o.metadata;
    if (typeof meta.name !== 'string' || !NAME.test(meta.name) || meta.name.length > 253) {
        fail(`the ${o.kind}'s metadata.name ${JSON.stringify(meta.name)} is not a valid Kubernetes name (lowercase letters, digits, '-' and '.')`);
    }
    const clusterWide = CLUSTER_SCOPED_KINDS.has(o.kind);
    if (o.kind === 'Namespace') {
        fail(`Namespace "${meta.name}": a preview may not create namespaces (the action creates the preview's own)`);
    }
    if (clusterWide && !allowed.has(o.kind)) {
        fail(`${o.kind} "${meta.name}" is cluster-wide; a preview may only hold objects in its own namespace, unless the kind is listed in the allow-cluster-scoped input`);
    }
    if (clusterWide && meta.namespace !== undefined)
        fail(`${o.kind} "${meta.name}" is cluster-wide: remove metadata.namespace`);
    if (!clusterWide && meta.namespace !== undefined && meta.namespace !== owner.namespace) {
        fail(`${o.kind} "${meta.name}" names namespace ${JSON.stringify(meta.namespace)}; leave metadata.namespace out — every object goes in the preview's namespace`);
    }
    const labels = meta.labels ?? {};
    const annotations = meta.annotations ?? {};
    if (typeof labels !== 'object' || typeof annotations !== 'object')
        fail('metadata.labels and metadata.annotations must be mappings');
    return stampOwnership(o, owner, file, !clusterWide);
}
/** Puts an object in the preview's namespace with the preview's ownership labels and annotations. */
function stampOwnership(o, owner, template, namespaced = true) {
    const { namespace, ...metadata } = o.metadata;
    return {
        ...o,
        metadata: {
            ...metadata,
            ...(namespaced ? { namespace: owner.namespace } : {}),
            labels: { ...stringMap(o.metadata.labels ?? {}), ...(0,ownership/* ownerLabels */.H0)(owner) },
            annotations: {
                ...stringMap(o.metadata.annotations ?? {}),
                ...(0,ownership/* ownerAnnotations */._1)(owner),
                [ownership/* ANNOTATION */.YX.template]: template,
            },
        },
    };
}
function stringMap(m) {
    return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
}
/** The rendered line of a path of an object this render made. */
function fieldLineOf(o, path) {
    const source = (0,sources/* sourceOf */.vz)(o);
    return source ? ((0,sources/* lineOfPath */.ZS)(source.document, source.text, path) ?? source.line) : undefined;
}

;// CONCATENATED MODULE: ./src/preview/network-policies.ts
const ISOLATION = 'preview-isolation';
const EGRESS = 'preview-egress';
const FRONT_DOOR_PREFIX = 'preview-front-door';
/** The cloud metadata service, in every cloud (IPv4 and AWS's IPv6 form). */
const METADATA_CIDRS = ['169.254.169.254/32', 'fd00:ec2::254/128'];
const namespacePeer = (namespace) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
});
const network_policies_asList = (v) => (Array.isArray(v) ? v : []);
const network_policies_asObject = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
/** The Services the preview's routes send traffic to: Ingress backends and Gateway API routes' backendRefs. */
function routeBackends(objects) {
    const out = [];
    for (const o of objects) {
        const spec = network_policies_asObject(o.spec);
        if (o.kind === 'Ingress') {
            const add = (b) => {
                const svc = network_policies_asObject(network_policies_asObject(b).service);
                if (typeof svc.name === 'string') {
                    const port = network_policies_asObject(svc.port);
                    out.push({ service: svc.name, port: port.number ?? port.name });
                }
            };
            add(spec.defaultBackend);
            for (const r of network_policies_asList(spec.rules))
                for (const p of network_policies_asList(network_policies_asObject(network_policies_asObject(r).http).paths))
                    add(network_policies_asObject(p).backend);
        }
        if (/^gateway\.networking\.k8s\.io\//.test(o.apiVersion) && /Route$/.test(o.kind))
            for (const r of network_policies_asList(spec.rules))
                for (const b of network_policies_asList(network_policies_asObject(r).backendRefs)) {
                    const ref = network_policies_asObject(b);
                    if ((ref.kind === undefined || ref.kind === 'Service') &&
                        ref.namespace === undefined &&
                        typeof ref.name === 'string')
                        out.push({ service: ref.name, port: ref.port });
                }
    }
    return out;
}
/** For each routed Service of the preview: the pods it selects and the target ports the routes reach. */
function routedTargets(objects) {
    const services = new Map(objects.filter((o) => o.kind === 'Service' && o.apiVersion === 'v1').map((s) => [s.metadata.name, s]));
    const byService = new Map();
    for (const b of routeBackends(objects)) {
        const svc = services.get(b.service);
        const spec = network_policies_asObject(svc?.spec);
        const selector = network_policies_asObject(spec.selector);
        if (!svc || !Object.keys(selector).length)
            continue; // not the preview's, or no pods behind it
        const entry = byService.get(b.service) ?? { selector, ports: new Set() };
        for (const p of network_policies_asList(spec.ports).map(network_policies_asObject))
            if (b.port === undefined || p.port === b.port || p.name === b.port)
                entry.ports.add(p.targetPort ?? p.port);
        byService.set(b.service, entry);
    }
    return [...byService].map(([service, e]) => ({ service, selector: e.selector, ports: [...e.ports] }));
}
const policy = (name, spec) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name },
    spec,
});
/** `preview-front-door-<service>`, within the 253 characters of an object name. */
const frontDoorPolicyName = (service) => `${FRONT_DOOR_PREFIX}-${service}`.slice(0, 253);
function networkPolicies(objects, inputs) {
    const out = [
        policy(ISOLATION, {
            podSelector: {},
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ podSelector: {} }] }],
        }),
    ];
    if (inputs.frontDoorPeers.length)
        for (const t of routedTargets(objects))
            out.push(policy(frontDoorPolicyName(t.service), {
                podSelector: { matchLabels: t.selector },
                policyTypes: ['Ingress'],
                ingress: [
                    { from: inputs.frontDoorPeers, ports: t.ports.map((port) => ({ protocol: 'TCP', port })) },
                ],
            }));
    if (inputs.egressGuard) {
        const denied = inputs.egressGuard.deniedCidrs;
        const v4 = denied.filter((c) => !c.includes(':'));
        const v6 = denied.filter((c) => c.includes(':'));
        out.push(policy(EGRESS, {
            podSelector: {},
            policyTypes: ['Egress'],
            egress: [
                {
                    to: [
                        { podSelector: {} },
                        { ipBlock: { cidr: '0.0.0.0/0', except: v4 } },
                        { ipBlock: { cidr: '::/0', except: v6 } },
                        // The cluster's DNS, where a network plugin treats ipBlock as outside the cluster only.
                        {
                            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                        },
                    ],
                },
            ],
        }));
    }
    return out;
}
/** An address as a one-address CIDR. */
const hostCidr = (ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);

;// CONCATENATED MODULE: ./src/preview/guardrails.ts
// What the action adds to every preview besides the templates: a ResourceQuota and a LimitRange (so one preview
// cannot eat the cluster) and NetworkPolicies (so one preview cannot reach another, the front door reaches only
// the routed pods, and pods cannot reach the cloud metadata address or the API server). Pure.



/**
 * Who the front door is (the ingress controller's namespace, and the Gateway's when it differs) and what the
 * egress guard denies. Extra peers (e.g. ipBlocks of cloud load balancers) go into frontDoorPeers.
 */
function networkInputs(g, network, admission = admissionFromInputs(g)) {
    return {
        // The front door's namespaces (found from the cluster, or the inputs), and its address ranges
        // (front-door-cidrs: cloud load balancers, controllers on the host network): admitted to the routed pods only.
        frontDoorPeers: [...new Set(admission.namespaces)]
            .map(namespacePeer)
            .concat(admission.cidrs.map((cidr) => ({ ipBlock: { cidr } }))),
        egressGuard: g.egressGuard
            ? { deniedCidrs: [...METADATA_CIDRS, ...network.apiServerAddresses.map(hostCidr)] }
            : null,
    };
}
const GUARDRAIL_TEMPLATE = '(kube-pr-preview guardrails)';
function guardrailObjects(g, owner, rendered = [], network = { apiServerAddresses: [] }, admission = admissionFromInputs(g)) {
    const out = [];
    if (g.resourceQuota) {
        out.push({
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'preview-quota' },
            spec: { hard: g.resourceQuota },
        });
    }
    if (g.limitRange) {
        const limits = { type: 'Container', ...g.limitRange };
        out.push({
            apiVersion: 'v1',
            kind: 'LimitRange',
            metadata: { name: 'preview-limits' },
            spec: { limits: [limits] },
        });
    }
    if (g.networkPolicy)
        out.push(...networkPolicies(rendered, networkInputs(g, network, admission)));
    return out.map((o) => stampOwnership(o, owner, GUARDRAIL_TEMPLATE));
}

// EXTERNAL MODULE: ./src/preview/registry.ts
var preview_registry = __webpack_require__(2965);
;// CONCATENATED MODULE: ./src/preview/secret-data.ts
function withSecretData(o) {
    if (o.kind !== 'Secret' || o.apiVersion !== 'v1' || !secret_data_isMapping(o.stringData))
        return o;
    const { stringData, ...rest } = o;
    const data = secret_data_isMapping(rest.data) ? { ...rest.data } : {};
    for (const [k, v] of Object.entries(stringData))
        data[k] = Buffer.from(v === null || v === undefined ? '' : String(v)).toString('base64');
    return { ...rest, data };
}
const secret_data_isMapping = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

;// CONCATENATED MODULE: ./src/preview/auth-proxy.ts


const AUTH_PROXY = 'auth-proxy';
const AUTH_PROXY_TEMPLATE = 'auth-proxy.yaml';
const auth_proxy_asList = (v) => (Array.isArray(v) ? v : []);
const auth_proxy_asObject = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
/** The same text whatever the checkout did to line ends and trailing blanks. */
const normal = (text) => text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
/**
 * The template set, checked to hold the action's own auth proxy unchanged: a set that leaves `auth-proxy.yaml` out,
 * or replaces it (an empty file included), is a template error.
 */
function checkOwnAuthProxy(files, own) {
    const theirs = files.find((f) => f.name === AUTH_PROXY_TEMPLATE);
    if (!theirs)
        throw new errors/* TemplateError */.$(AUTH_PROXY_TEMPLATE, undefined, `basic-auth is on, but the templates have no ${AUTH_PROXY_TEMPLATE}: the password proxy is the action's own (templates/${AUTH_PROXY_TEMPLATE} of this version of the action). Keep it in the set unchanged (use extra-templates over the bundled stack, or copy it into your templates folder), or leave basic-auth off`);
    if (normal(theirs.text) !== normal(own.text))
        throw new errors/* TemplateError */.$(AUTH_PROXY_TEMPLATE, undefined, `basic-auth is on, and ${AUTH_PROXY_TEMPLATE} is the action's own password proxy: a template set may not replace or empty it (this one differs from templates/${AUTH_PROXY_TEMPLATE} of this version of the action). Remove your ${AUTH_PROXY_TEMPLATE} or copy the action's unchanged, or leave basic-auth off`);
}
/** Routing kinds whose backends this check does not read: with basic-auth they would route around the proxy. */
const OTHER_ROUTES = new Map([
    ['traefik.io', ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP']],
    ['traefik.containo.us', ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP']],
    ['networking.istio.io', ['VirtualService']],
    ['projectcontour.io', ['HTTPProxy']],
    ['route.openshift.io', ['Route']],
]);
const auth_proxy_groupOf = (o) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');
/** Each backend of a route that is not the auth proxy's Service, with its field. */
function routesAroundTheProxy(o) {
    const out = [];
    const spec = auth_proxy_asObject(o.spec);
    const ingressBackend = (b, path) => {
        const backend = auth_proxy_asObject(b);
        const name = auth_proxy_asObject(backend.service).name;
        if (backend.resource !== undefined)
            out.push({
                path: [...path, 'resource'],
                problem: 'sends requests to a resource, not to Service auth-proxy',
            });
        else if (name !== AUTH_PROXY)
            out.push({
                path: [...path, 'service', 'name'],
                problem: `sends requests to Service ${JSON.stringify(name)}, past the password`,
            });
    };
    if (o.kind === 'Ingress' && auth_proxy_groupOf(o) === 'networking.k8s.io') {
        if (spec.defaultBackend !== undefined)
            ingressBackend(spec.defaultBackend, ['spec', 'defaultBackend']);
        auth_proxy_asList(spec.rules).forEach((r, i) => auth_proxy_asList(auth_proxy_asObject(auth_proxy_asObject(r).http).paths).forEach((p, j) => ingressBackend(auth_proxy_asObject(p).backend, ['spec', 'rules', i, 'http', 'paths', j, 'backend'])));
    }
    else if (auth_proxy_groupOf(o).startsWith('gateway.networking.') && o.kind.endsWith('Route')) {
        auth_proxy_asList(spec.rules).forEach((r, i) => auth_proxy_asList(auth_proxy_asObject(r).backendRefs).forEach((b, j) => {
            const ref = auth_proxy_asObject(b);
            const service = (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '';
            if (!service || ref.name !== AUTH_PROXY || ref.namespace !== undefined)
                out.push({
                    path: ['spec', 'rules', i, 'backendRefs', j],
                    problem: `sends requests to ${String(ref.kind ?? 'Service')} ${JSON.stringify(ref.name)}${ref.namespace !== undefined ? ` of namespace ${JSON.stringify(ref.namespace)}` : ''}, past the password`,
                });
        }));
    }
    else if (OTHER_ROUTES.get(auth_proxy_groupOf(o))?.includes(o.kind)) {
        out.push({
            path: ['spec'],
            problem: 'routes hosts by a controller-specific kind; with basic-auth every host goes through Service auth-proxy, by an Ingress or a Gateway API route',
        });
    }
    return out;
}
/** The labels of the pods an object makes (a Pod's own, a workload's pod template's). */
function podLabels(o) {
    const spec = auth_proxy_asObject(o.spec);
    if (o.kind === 'Pod')
        return { labels: auth_proxy_asObject(o.metadata.labels), path: ['metadata', 'labels'] };
    if (o.kind === 'CronJob') {
        const template = auth_proxy_asObject(auth_proxy_asObject(auth_proxy_asObject(spec.jobTemplate).spec).template);
        return {
            labels: auth_proxy_asObject(auth_proxy_asObject(template.metadata).labels),
            path: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'],
        };
    }
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].includes(o.kind))
        return {
            labels: auth_proxy_asObject(auth_proxy_asObject(auth_proxy_asObject(spec.template).metadata).labels),
            path: ['spec', 'template', 'metadata', 'labels'],
        };
    return null;
}
/** Pods, endpoints and routes that would let requests reach the preview without the password. */
function bypasses(objects) {
    const proxyService = objects.find((o) => o.kind === 'Service' && o.metadata.name === AUTH_PROXY);
    const selector = Object.entries(auth_proxy_asObject(auth_proxy_asObject(proxyService?.spec).selector));
    const out = [];
    for (const o of objects) {
        for (const p of routesAroundTheProxy(o))
            out.push({ object: o, ...p });
        const pods = podLabels(o);
        const proxy = o.kind === 'Deployment' && o.metadata.name === AUTH_PROXY;
        if (pods && !proxy && selector.length > 0 && selector.every(([k, v]) => pods.labels[k] === v))
            out.push({
                object: o,
                path: pods.path,
                problem: 'makes pods that Service auth-proxy selects: requests would reach them without the password',
            });
        const slice = o.kind === 'EndpointSlice' && o.metadata.labels?.['kubernetes.io/service-name'] === AUTH_PROXY;
        if (slice || (o.kind === 'Endpoints' && o.metadata.name === AUTH_PROXY))
            out.push({
                object: o,
                path: ['metadata'],
                problem: 'adds addresses behind Service auth-proxy: requests would reach them without the password',
            });
    }
    return out;
}
/**
 * With basic-auth on, every route leads to Service auth-proxy and only the proxy's own pods are behind it; the
 * first object that breaks this is a template error at its field's line.
 */
function checkAuthProxyRouting(rendered) {
    const [first] = bypasses(rendered.map((r) => r.object));
    if (!first)
        return;
    const { template } = rendered.find((r) => r.object === first.object);
    const source = (0,sources/* sourceOf */.vz)(first.object);
    const line = source ? ((0,sources/* lineOfPath */.ZS)(source.document, source.text, first.path) ?? source.line) : undefined;
    const field = first.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
    throw new errors/* TemplateError */.$(template, line, `${first.object.kind} "${first.object.metadata.name}" ${field}: ${first.problem}; basic-auth is on, so the preview is reached only through the action's auth proxy (rule auth-proxy)`);
}

// EXTERNAL MODULE: ./src/preview/templates.ts
var templates = __webpack_require__(1839);
;// CONCATENATED MODULE: ./src/modes/deploy/preview-objects.ts
// The objects of one preview, rendered from its templates and the action's own additions (guardrails, front door,
// registry login, generated credentials). Pure: the deploy, the render command and the tests share it.













/** Renders the preview's objects; the credentials Secret is added when the templates ask for credentials. */
function renderPreview(plan, o, existingCredentials) {
    const owner = (0,ownership/* ownerOf */.bf)(plan);
    const names = credentialNames(o.templates.files);
    const credentials = fillCredentials(names, existingCredentials);
    const persistence = resolvePersistence((0,context/* mergeValues */.D3)(o.templates.defaults, o.values), o.defaultStorageClass ?? null);
    const values = persistence.values;
    // With basic-auth, the password proxy is the action's own: the set must hold it unchanged.
    const auth = !!o.frontDoor?.context.auth;
    if (auth)
        checkOwnAuthProxy(o.templates.files, (0,templates/* ownAuthProxyTemplate */.DV)());
    const rendered = renderHidingCredentials(credentials.values, (shown) => render({
        templates: o.templates.files,
        context: {
            ...(0,context/* templateContext */.WX)(plan, values, shown, (0,preview_registry/* imagePullSecrets */.MG)(o.registry ?? null)),
            ...(o.frontDoor?.context ?? OPEN_FRONT_DOOR),
        },
        helpers: (0,context/* contextHelpers */.xe)(plan),
        owner,
        allowClusterScoped: o.allowClusterScoped,
        claims: {
            domain: plan.domain,
            unique: plan.names.unique,
            namespace: plan.namespace,
            allowServiceTypes: new Set(o.guardrails.allowServiceTypes),
        },
        maxObjects: o.guardrails.maxObjects,
    }));
    if (auth)
        checkAuthProxyRouting(rendered);
    const registry = (0,preview_registry/* registryObjects */.WL)(plan.image, o.registry ?? null).map((r) => stampOwnership(r, owner, '(registry inputs)'));
    const admission = o.frontDoor?.admission ?? admissionFromInputs(o.guardrails);
    const templated = rendered.map((r) => withSecretData(r.object));
    const objects = [
        ...guardrailObjects(o.guardrails, owner, rendered.map((r) => r.object), { apiServerAddresses: o.apiServerAddresses ?? [] }, admission),
        ...(o.frontDoor?.objects ?? []).map((x) => stampOwnership(x, owner, '(front door)')),
        ...registry,
        ...templated,
    ];
    if (names.length > 0)
        objects.unshift(stampOwnership(credentialsSecretObject(credentials.values), owner, '(generated credentials)'));
    return { objects, credentials, persistence: persistence.line };
}

;// CONCATENATED MODULE: ./src/modes/deploy/run.ts







/** `values.secretEnv`: the app's secrets (e.g. its master key), which the action knows and so redacts. */
function secretEnv(values) {
    const env = values.secretEnv;
    if (!env || typeof env !== 'object')
        return {};
    return Object.fromEntries(Object.entries(env)
        .filter(([, v]) => v !== null && v !== undefined && String(v).length > 0)
        .map(([k, v]) => [k, String(v)]));
}
/** The run, with the front door read from the cluster once: the Gateway (and its scheme), IngressClass, certificate. */
async function startRun(planned, options, kube, github, log) {
    const deadline = Date.now() + options.timeoutMs;
    const secrets = new Set();
    const plain = log;
    log = {
        ...plain,
        secret: (v) => {
            secrets.add(v);
            plain.secret(v);
        },
    };
    for (const s of (0,preview_registry/* registrySecrets */.ZN)(options.registry ?? null))
        log.secret(s);
    for (const v of Object.values(secretEnv(options.values)))
        log.secret(v);
    const frontDoor = await prepareFrontDoor(kube, {
        ...(options.frontDoor ?? {
            gateway: null,
            ingressClass: '',
            tlsSecret: null,
            basicAuth: null,
            frontDoorCidrs: [],
            urlScheme: planned.scheme,
        }),
        ingressNamespace: options.guardrails.ingressNamespace,
        networkPolicy: options.guardrails.networkPolicy,
    }, planned.host, planned.namespace, (m) => log.warning(m));
    const plan = { ...planned, scheme: frontDoor.scheme, url: `${frontDoor.scheme}://${planned.host}` };
    if (options.frontDoor?.basicAuth)
        log.secret(options.frontDoor.basicAuth.password);
    const guarded = options.guardrails.networkPolicy && options.guardrails.egressGuard;
    const apiServer = guarded ? await apiServerAddresses(kube, (m) => log.warning(m)) : [];
    for (const line of frontDoor.admission?.lines ?? [])
        log.info(`front door: ${line}`);
    // values.persistence.enabled: auto asks the cluster whether it can provision volumes.
    const storageClass = needsDefaultStorageClass((0,context/* mergeValues */.D3)(options.templates.defaults, options.values))
        ? await defaultStorageClass(kube, (m) => log.warning(m))
        : null;
    return {
        plan,
        o: { ...options, frontDoor, apiServerAddresses: apiServer, defaultStorageClass: storageClass },
        owner: (0,ownership/* ownerOf */.bf)(plan),
        kube,
        github,
        log,
        deadline,
        secrets,
    };
}
const skipped = (reason) => ({
    status: 'skipped',
    url: '',
    urls: {},
    deploymentId: null,
    workloads: [],
    diagnoses: [],
    pruned: [],
    reason,
    readinessChecked: true,
});

;// CONCATENATED MODULE: ./src/modes/deploy/frontdoor.ts
// The front door's part of a deploy: refuse Ingresses that no class can take before anything is applied, and
// afterwards tell the summary whether a controller picked the Ingresses up and which services have no host.

/** Throws when the rendered Ingresses cannot be served: the class named does not exist, or there is no default. */
function checkFrontDoor(objects, frontDoor) {
    if (frontDoor.ingressProblem && objects.some((o) => o.kind === 'Ingress'))
        throw new Error(`Nothing was applied. ${frontDoor.ingressProblem}`);
}
/** Services with an `http` port but no host: reachable from a developer's machine through kubectl only. Pure. */
function internalServices(objects, urls, namespace) {
    return objects
        .filter((o) => o.kind === 'Service' && !urls[o.metadata.name])
        .flatMap((o) => {
        const port = o.spec?.ports?.find((p) => p.name === 'http')?.port;
        return port
            ? [
                `${o.metadata.name} is internal (no public host): \`kubectl port-forward -n ${namespace} svc/${o.metadata.name} 8080:${port}\`, then open http://localhost:8080`,
            ]
            : [];
    });
}
async function frontDoorNotes(kube, plan, objects, urls, selector, deadline) {
    const hasIngress = objects.some((o) => o.kind === 'Ingress');
    const waitMs = Math.max(0, Math.min(5_000, deadline - Date.now()));
    const pickup = hasIngress
        ? await ingressPickup(kube, plan.namespace, selector, waitMs).catch((e) => [
            `could not read the Ingresses' status: ${e.message}`,
        ])
        : [];
    return [...pickup, ...internalServices(objects, urls, plan.namespace)];
}

// EXTERNAL MODULE: ./src/kube/apply/apply.ts
var apply = __webpack_require__(3318);
// EXTERNAL MODULE: ./src/kube/lock.ts
var kube_lock = __webpack_require__(5766);
// EXTERNAL MODULE: ./src/kube/resources/crds.ts
var crds = __webpack_require__(6087);
// EXTERNAL MODULE: ./src/shared/kube-object.ts
var kube_object = __webpack_require__(1974);
;// CONCATENATED MODULE: ./src/kube/resources/scope.ts
// The scope guard: before anything is applied, every object must live in the preview's namespace, or be of a
// cluster-wide kind the user allowed by name; and no object may already exist without belonging to this preview
// (made by hand, or by someone else): it is refused, never adopted.



class ScopeError extends Error {
    constructor(problems) {
        super(`Nothing was applied: ${problems.join('; ')}`);
        this.name = 'ScopeError';
    }
}
/**
 * The objects as they will be applied (cluster-wide ones without a namespace); throws listing every problem.
 * `namespaced`: also look for namespaced objects that exist and are not ours (once the namespace exists), except
 * the ones `known` says this preview made (its inventory; everything, in a namespace this very run created).
 */
async function guardScope(kube, objects, allowed, owner, { namespaced = false, known: ours = () => false, } = {}) {
    const problems = [];
    const out = await Promise.all(objects.map(async (o) => {
        // The cluster's discovery decides a kind's scope whenever the kind exists (a template CRD cannot redeclare
        // a cluster-wide kind as namespaced); only a kind the cluster does not know yet takes its CRD's word.
        const fromCrds = (0,crds/* resourceFromCrds */.d2)(objects, o.apiVersion, o.kind);
        const known = await kube.resource(o.apiVersion, o.kind).catch((e) => {
            if (fromCrds && e.status === 404)
                return null;
            throw e;
        });
        const resource = known ?? fromCrds;
        if (resource.namespaced) {
            // An object of a kind the cluster does not know yet cannot exist; the namespace's own default
            // ServiceAccount is the one object the action takes on (it adds the registry's pull Secret to it).
            if (!namespaced || !known || isDefaultServiceAccount(o) || ours(o))
                return o;
            const live = await kube.get((0,kube_object/* refOf */.H8)(o));
            if (live && !(0,ownership/* isOwnedBy */.D0)(live, owner))
                problems.push(notOurs(o));
            return o;
        }
        if (o.kind === 'Namespace' || !allowed.includes(o.kind)) {
            problems.push(`${o.kind} "${o.metadata.name}" is cluster-wide and ${o.kind} is not listed in allow-cluster-scoped`);
            return o;
        }
        const { namespace, ...metadata } = o.metadata;
        const clusterWide = { ...o, metadata };
        const live = await kube.get((0,kube_object/* refOf */.H8)(clusterWide));
        if (live && !(0,ownership/* isOwnedBy */.D0)(live, owner))
            problems.push(notOurs(o));
        return clusterWide;
    }));
    if (problems.length)
        throw new ScopeError(problems);
    return out;
}
const notOurs = (o) => `${o.kind} "${o.metadata.name}" already exists and does not belong to this preview; rename it (e.g. after preview.namespace)`;
const isDefaultServiceAccount = (o) => o.apiVersion === 'v1' && o.kind === 'ServiceAccount' && o.metadata.name === 'default';

// EXTERNAL MODULE: ./src/kube/apply/validate.ts
var validate = __webpack_require__(4830);
// EXTERNAL MODULE: ./src/github/report.ts
var report = __webpack_require__(2745);
// EXTERNAL MODULE: ./src/preview/accepted.ts
var preview_accepted = __webpack_require__(4783);
// EXTERNAL MODULE: ./src/preview/inventory.ts
var inventory = __webpack_require__(4820);
// EXTERNAL MODULE: ./src/modes/deploy/freshness.ts
var freshness = __webpack_require__(3489);
// EXTERNAL MODULE: ./src/github/guard.ts
var guard = __webpack_require__(6690);
;// CONCATENATED MODULE: ./src/modes/deploy/claim.ts
// The steps of a deploy up to the apply: render with the stored credentials, check the fleet limit, claim the
// preview (lock, newest commit wins), look again under the lock, and build the objects to apply.















const credentialsRef = (plan) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    name: CREDENTIALS_SECRET,
    namespace: plan.namespace,
});
/** The preview's credentials Secret, when its templates ask for credentials and its namespace exists. */
async function storedCredentials(r, namespaceExists) {
    const needsCredentials = credentialNames(r.o.templates.files).length > 0;
    return needsCredentials && namespaceExists ? r.kube.get(credentialsRef(r.plan)) : null;
}
/**
 * Renders with the credentials the preview already has and the ones generated for it now, every one masked
 * before the render (also on a preview's first deploy): nothing the render does can show them.
 */
function renderWithCredentials(r, secret) {
    const credentials = fillCredentials(credentialNames(r.o.templates.files), decodeCredentials(secret));
    maskCredentials(credentials.values, r.log);
    return { ...renderPreview(r.plan, r.o, credentials.values), credentials };
}
/** The same Secret, unchanged (or absent both times). */
const sameObject = (a, b) => a === b ||
    (a !== null &&
        b !== null &&
        a.metadata.uid === b.metadata.uid &&
        a.metadata.resourceVersion === b.metadata.resourceVersion);
/** Render first: a template error stops the run before anything changes, in the cluster or on GitHub. */
async function renderFirst(r) {
    return r.log.group('Render', async () => {
        const existing = await (0,apply/* currentNamespace */.t4)(r.kube, r.owner, r.deadline, r.log);
        const secret = await storedCredentials(r, existing !== null);
        const rendered = renderWithCredentials(r, secret);
        r.firstRender = { rendered, namespace: existing, secret };
        checkFrontDoor(rendered.objects, r.o.frontDoor);
        if (rendered.persistence)
            r.log.info(rendered.persistence);
        await guardScope(r.kube, rendered.objects, r.o.allowClusterScoped, r.owner);
        r.log.info(`rendered ${rendered.objects.length} objects from ${r.o.templates.files.length} templates in ${r.o.templates.folder}`);
        for (const obj of rendered.objects)
            r.log.info(`  ${obj.kind} ${obj.metadata.name}`);
        return existing;
    });
}
/** Before claiming: a closed PR, or a newer commit deployed or at the PR's head, means this run skips. */
const lookBeforeClaiming = (r, existing) => (0,freshness/* staleness */.TZ)(r.plan, r.github, existing, r.log);
const overLimit = (r, live) => new Error(`${live.length} previews of ${r.plan.pr.repository.fullName} are live, and max-live-previews is ` +
    `${r.o.maxLivePreviews}: ${live.map((n) => n.metadata.name).join(', ')}. Close a PR, or run the action with mode: sweep.`);
/** A new preview is refused when the repository already has max-live-previews of them. */
async function checkLivePreviewLimit(r, existing) {
    if (existing || r.o.maxLivePreviews === null)
        return;
    const live = await (0,freshness/* livePreviews */.Gp)(r.kube, r.plan.pr.repository.fullName);
    if (live.length >= r.o.maxLivePreviews)
        throw overLimit(r, live);
}
/**
 * The limit again, once this run has created its namespace: runs of other PRs at the same moment all counted
 * below it before. The previews rank by creation (time, then name), and the ones beyond the limit remove their
 * new namespace again. Creation times have whole seconds: once the next second has passed on the API server's
 * clock, every namespace created at or before this one is listed, so every racing run ranks the same list alike.
 */
async function confirmLivePreviewLimit(r, namespace, created) {
    const limit = r.o.maxLivePreviews;
    if (!created || limit === null)
        return;
    const createdAt = Date.parse(String(namespace.metadata.creationTimestamp));
    const wait = createdAt + 1500 - (r.kube.serverTime?.() ?? Date.now());
    if (wait > 0)
        await new Promise((resolve) => setTimeout(resolve, wait));
    const live = (await (0,freshness/* livePreviews */.Gp)(r.kube, r.plan.pr.repository.fullName)).sort((a, b) => Date.parse(String(a.metadata.creationTimestamp)) - Date.parse(String(b.metadata.creationTimestamp)) ||
        a.metadata.name.localeCompare(b.metadata.name));
    if (live.findIndex((n) => n.metadata.uid === namespace.metadata.uid) < limit)
        return;
    await r.kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace }, { uid: String(namespace.metadata.uid) });
    throw overLimit(r, live.filter((n) => n.metadata.uid !== namespace.metadata.uid));
}
/**
 * One run at a time per preview. A newer push (or the close) makes waiting pointless: the run then skips. A run
 * that waited gets its own full timeout from here; a run that lost its lock writes no more (guarded ports).
 */
async function claimPreview(r) {
    const lock = await (0,kube_lock/* acquireLock */.IZ)(r.kube, r.owner, r.o.holder, r.deadline, {
        onWait: (other) => r.log.info(`waiting for another run (${other}) to finish deploying this preview`),
        stillWanted: () => (0,freshness/* staleness */.TZ)(r.plan, r.github, null, r.log),
    }).catch((e) => {
        if (e instanceof kube_lock/* NotWaitingError */.NW)
            return e;
        throw e;
    });
    if (lock instanceof kube_lock/* NotWaitingError */.NW)
        return lock;
    if (lock.waited)
        r.deadline = Date.now() + r.o.timeoutMs;
    r.kube = (0,kube_lock/* guardKube */.Bf)(r.kube, lock);
    r.github = (0,guard/* guardGitHub */.r)(r.github, lock);
    return lock;
}
/**
 * Another run may have deployed, or the close may have run, while this one waited: look again, now that no one
 * else can. Returns the live namespace, or why this run skips. GitHub is asked again only when the run waited for
 * the lock: a run that got it at once asked moments ago (lookBeforeClaiming), and a close or push since then has
 * its own run, which removes or redeploys the preview after this one.
 */
async function lookAgain(r, namespace, waited) {
    const live = await r.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace });
    if (!live || (0,freshness/* isRemoved */.RX)(live, namespace)) {
        return 'the preview was removed while this run was starting (the pull request was closed)';
    }
    const stale = await (0,freshness/* staleness */.TZ)(r.plan, r.github, live, r.log, waited);
    if (stale === freshness/* CLOSED */.V) {
        // The close has run (or is running): leave nothing behind, not even the namespace this run just made.
        await r.kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace }, { uid: String(live.metadata.uid) });
    }
    return stale ?? live;
}
/**
 * What the preview holds now, under the lock: the render before the lock when it read what is still there. A
 * namespace nobody wrote since (same resourceVersion: every deploy writes its inventory there before it applies
 * anything) still has the Secret read then; otherwise the Secret is read again, and the preview rendered again
 * when it changed.
 */
async function renderUnderLock(r, live) {
    const first = r.firstRender;
    if (first && sameObject(first.namespace, live))
        return first.rendered;
    const secret = await storedCredentials(r, true);
    if (first && sameObject(first.secret, secret))
        return first.rendered;
    return renderWithCredentials(r, secret);
}
/**
 * The objects to apply, checked against the scope and by a server-side dry run, and the URLs they serve.
 * `created`: this run made the namespace, and nobody wrote it since. Such a new preview holds nothing yet: no
 * object to look for, and none dry-run (`fresh`: its first apply is undone if the cluster refuses an object,
 * deploy.ts). Otherwise only what changed since the cluster last accepted it is dry-run, and only objects this
 * preview did not make before are looked for (made by hand, they are refused).
 */
async function prepareObjects(r, live, created) {
    const rendered = await renderUnderLock(r, live);
    maskCredentials(rendered.credentials.values, r.log);
    if (rendered.credentials.generated.length)
        r.log.info(`generated credentials: ${rendered.credentials.generated.join(', ')} (kept for later deploys)`);
    const annotations = live.metadata.annotations ?? {};
    const made = new Set((0,inventory/* parseInventory */.au)(annotations[ownership/* ANNOTATION */.YX.inventory], r.plan.namespace).map(kube_object/* refKey */.XF));
    const objects = await guardScope(r.kube, rendered.objects, r.o.allowClusterScoped, r.owner, {
        namespaced: true,
        known: (o) => created || made.has((0,kube_object/* refKey */.XF)((0,kube_object/* refOf */.H8)(o))),
    });
    // Only a preview of namespaced objects is undone by removing its namespace.
    const fresh = created && objects.every((o) => o.metadata.namespace === r.plan.namespace);
    const digestKey = (0,preview_accepted/* secretDigestKey */.gN)(rendered.credentials.values);
    const accepted = (0,preview_accepted/* acceptedBefore */.Jv)(annotations[ownership/* ANNOTATION */.YX.accepted], digestKey);
    const changed = new Set(objects.filter((o) => !accepted(o)));
    await r.log.group('Validate', async () => {
        if (fresh) {
            r.log.info('a new preview: applied without a dry run; if the cluster refuses an object, it is removed');
            return;
        }
        // A server-side dry run of what changed: a run the cluster would refuse changes nothing, on GitHub either.
        r.log.info(`dry run of ${changed.size} objects (${objects.length - changed.size} unchanged since the cluster accepted them)`);
        await (0,validate/* validateObjects */.T1)(r.kube, objects, (o) => changed.has(o));
    });
    const urls = (0,report/* serviceUrls */._x)(objects, r.plan.scheme);
    return { objects, urls, url: (0,report/* primaryUrl */.YQ)(urls, r.plan.host), fresh, digestKey };
}

// EXTERNAL MODULE: ./src/github/deployments.ts
var deployments = __webpack_require__(6887);
// EXTERNAL MODULE: ./src/modes/idle/wake.ts
var wake = __webpack_require__(8555);
// EXTERNAL MODULE: ./src/preview/idle.ts
var idle = __webpack_require__(1104);
// EXTERNAL MODULE: ./src/kube/diagnosis/diagnose.ts + 1 modules
var diagnose = __webpack_require__(9903);
// EXTERNAL MODULE: ./src/shared/untrusted-text.ts
var untrusted_text = __webpack_require__(371);
// EXTERNAL MODULE: ./src/kube/wait/wait.ts + 1 modules
var wait = __webpack_require__(7562);
;// CONCATENATED MODULE: ./src/smoke/verdict.ts
// What one answer of a preview URL means: it works, it is broken, it may heal (ask again), it is worth a warning,
// or it is a redirect to follow. Pure.
const BODY_CHARS = 200;
/** `500 Internal Server Error in 12 ms`, with the first bytes of the body when it is not a success. */
function statusLine(a, withBody = false) {
    const line = `${a.status}${a.statusText ? ` ${a.statusText}` : ''} in ${Math.round(a.ms)} ms`;
    const body = a.body.replace(/\s+/g, ' ').trim();
    if (!withBody || !body)
        return line;
    return `${line}: ${body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS - 1)}…` : body}`;
}
const ERROR_TEXT = {
    refused: 'connection refused',
    reset: 'connection reset',
    timeout: 'no answer (timed out)',
    unresolved: 'the host name does not resolve from this runner',
    tls: 'the TLS handshake failed (a certificate this runner does not trust?)',
    other: 'request failed',
};
function judgeAnswer(a, c) {
    if (a.kind === 'error') {
        if (a.code === 'unresolved')
            return {
                outcome: 'warn',
                text: `not checked: ${new URL(c.url).hostname} does not resolve from this runner (${a.message}); the preview may still work for people on another network. Set smoke-connect to the front door's host:port to check it from here`,
            };
        const text = `${ERROR_TEXT[a.code]} after ${Math.round(a.ms)} ms (${a.message})`;
        // The preview may be fine for people on another network (a wildcard record the runner's DNS does not see).
        // A certificate this runner does not trust may be trusted where people open it (a company CA): a warning.
        if (a.code === 'tls')
            return { outcome: 'warn', text };
        return { outcome: 'retry', text };
    }
    const s = a.status;
    if (s >= 200 && s < 300)
        return { outcome: 'ok', text: statusLine(a) };
    if (s >= 300 && s < 400 && s !== 304)
        return redirect(a, c);
    if (s >= 500)
        return { outcome: 'retry', text: statusLine(a, true) };
    if (s === 404)
        // A controller that has not picked the route up yet answers 404 too: asked again before judging.
        return c.declared
            ? { outcome: 'retry', text: `${statusLine(a, true)} (on the declared path)` }
            : { outcome: 'retry', text: statusLine(a, true) };
    if ((s === 401 || s === 403) && !(s === 401 && c.ownAuth))
        return {
            outcome: 'warn',
            text: `${statusLine(a)}: protected by something the action did not set up; the smoke check cannot look behind it`,
        };
    if (s === 401)
        return { outcome: 'fail', text: `${statusLine(a, true)}: the basic-auth credentials were refused` };
    return { outcome: 'warn', text: statusLine(a, true) };
}
/** What a 404 that outlived the retries means: broken on a declared path, a warning on `/`. */
function finalVerdict(last, a, c) {
    if (last.outcome !== 'retry')
        return last;
    if (a?.kind === 'response' && a.status === 404 && !c.declared)
        return {
            outcome: 'warn',
            text: `${last.text}: nothing at this path (declare a path that answers in smoke-paths)`,
        };
    return { outcome: 'fail', text: last.text };
}
function redirect(a, c) {
    let to;
    try {
        to = new URL(a.location ?? '', c.url);
    }
    catch {
        return { outcome: 'fail', text: `${statusLine(a)} to an invalid Location "${a.location ?? ''}"` };
    }
    if (!a.location)
        return { outcome: 'fail', text: `${statusLine(a)} without a Location` };
    const scheme = to.protocol.replace(/:$/, '');
    if (!c.hosts.has(to.host) || scheme !== c.scheme) {
        const https = scheme === 'https' && c.scheme === 'http' && c.hosts.has(to.host);
        return {
            outcome: 'fail',
            text: `${statusLine(a)} to ${to.toString()}, which this preview does not serve` +
                (https
                    ? ' (the app forces https, e.g. Rails config.force_ssl, on a preview served over http: turn it off for previews, or serve them over https)'
                    : ''),
        };
    }
    return { outcome: 'follow', url: to.toString() };
}

;// CONCATENATED MODULE: ./src/smoke/check.ts
// The smoke check: after the wait, request every preview URL through the front door as a browser would, and say
// per service whether it answers. The request itself is behind HttpProbe (./http.ts is the real one).

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;
async function smokeCheck(probe, targets, o) {
    const hosts = new Set(targets.map((t) => new URL(t.url).host));
    return Promise.all(targets.map((t) => checkOne(probe, t, hosts, o)));
}
async function checkOne(probe, t, hosts, o) {
    const now = o.now ?? Date.now;
    const sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const until = Math.min(now() + o.retryMs, o.deadline);
    let pause = 500;
    for (;;) {
        const { verdict, answer, url } = await follow(probe, t, hosts, o);
        const left = until - now();
        if (verdict.outcome !== 'retry' || left <= 0) {
            const v = finalVerdict(verdict, answer, check_context(t, url, hosts, o));
            return {
                service: t.service,
                url: t.url,
                outcome: v.outcome,
                text: check_text(v, t, url),
            };
        }
        await sleep(Math.min(pause, left));
        pause = Math.min(pause * 2, 4000);
    }
}
const check_context = (t, url, hosts, o) => ({
    url,
    declared: t.declared,
    hosts,
    scheme: o.scheme,
    ownAuth: o.basicAuth !== null,
});
/** One request and the redirects it leads to within the preview's hosts. */
async function follow(probe, t, hosts, o) {
    let url = t.url;
    for (let i = 0; i <= MAX_REDIRECTS; i++) {
        const answer = await probe.request({
            url,
            connectTo: o.connectTo,
            basicAuth: o.basicAuth,
            timeoutMs: REQUEST_TIMEOUT_MS,
        });
        const verdict = judgeAnswer(answer, check_context(t, url, hosts, o));
        if (verdict.outcome !== 'follow')
            return { verdict, answer, url };
        url = verdict.url;
    }
    return { verdict: { outcome: 'fail', text: `more than ${MAX_REDIRECTS} redirects` }, url };
}
const check_text = (v, t, url) => v.outcome === 'follow' ? v.url : url === t.url ? v.text : `${v.text} (after redirects, at ${url})`;

;// CONCATENATED MODULE: ./src/smoke/targets.ts
/** On an Ingress or HTTPRoute: the path of its service that must answer (a health check, e.g. Rails' /up). */
const SMOKE_PATH_ANNOTATION = 'kube-pr-preview.io/smoke-path';
const SERVICE_ANNOTATION = 'kube-pr-preview.io/service';
/** service → path, from the smoke-path annotations of the rendered routes. */
function declaredSmokePaths(objects) {
    const paths = {};
    for (const o of objects) {
        if (o.kind !== 'Ingress' && o.kind !== 'HTTPRoute')
            continue;
        const path = o.metadata.annotations?.[SMOKE_PATH_ANNOTATION]?.trim();
        if (!path)
            continue;
        const service = o.metadata.annotations?.[SERVICE_ANNOTATION] ?? o.metadata.name;
        paths[service] ??= path;
    }
    return paths;
}
function smokeTargets(urls, declared, input) {
    return Object.entries(urls).map(([service, base]) => {
        const path = input[service] ?? declared[service];
        return { service, url: new URL(path ?? '/', base).toString(), declared: path !== undefined };
    });
}

;// CONCATENATED MODULE: ./src/modes/deploy/smoke.ts
// The deploy's smoke check step: once every workload is ready, request each preview URL through the front door
// (src/smoke/) and say per service what it answered, in the log; a warning annotation for what is only suspicious.


/** How long a URL that may heal (404, 5xx, refused, timed out) is asked again: a controller picks a route up in seconds. */
const SMOKE_RETRY_MS = 20_000;
async function smokeStep(r, objects, urls) {
    const s = r.o.smoke;
    if (!s || Object.keys(urls).length === 0)
        return [];
    return r.log.group('Smoke check', async () => {
        const targets = smokeTargets(urls, declaredSmokePaths(objects), s.paths);
        const results = await smokeCheck(s.probe, targets, {
            scheme: r.plan.scheme,
            connectTo: s.connectTo,
            basicAuth: s.basicAuth,
            retryMs: SMOKE_RETRY_MS,
            deadline: Math.max(r.deadline, Date.now() + 2_000),
        });
        for (const x of results) {
            const line = smokeLine(x);
            if (x.outcome === 'warn')
                r.log.warning(line);
            else
                r.log.info(line);
        }
        return results;
    });
}
/** `web: 200 OK in 84 ms (https://pr-7.example.com/up)` */
const smokeLine = (x) => `${x.service}: ${x.text} (${x.url})`;

;// CONCATENATED MODULE: ./src/modes/deploy/rollout.ts
// The steps of a deploy from the GitHub deployment on: start it, apply and prune, wait, report the outcome (or
// the error), and the live-preview count the fleet limit reads.














/**
 * The GitHub deployment of this run, in progress. `created` is told its id as soon as GitHub gives it: a close
 * can remove the preview while the deployment is being created, and the `in_progress` status is then refused
 * (guard.ts); the run must still close that deployment (`inactive`, afterError), or it stays without a status.
 */
async function startDeployment(r, urls, created) {
    const { plan, github, log } = r;
    return log.group('GitHub deployment', async () => {
        const id = await github.createDeployment({
            ref: plan.ref,
            environment: plan.environment,
            description: `Preview of PR #${plan.pr.number} at ${plan.pr.head.sha.slice(0, 7)}`,
            payload: { namespace: plan.namespace, pr: plan.pr.number, sha: plan.pr.head.sha, urls },
        });
        created(id);
        await github.setStatus(id, {
            state: 'in_progress',
            description: 'Deploying the preview',
            logUrl: plan.logUrl,
        });
        log.info(`deployment ${id} for environment ${plan.environment} is in progress`);
        return id;
    });
}
/** Applies and prunes; the namespace records what this commit deployed. */
async function applyObjects(r, live, prepared) {
    const { plan, log } = r;
    const { objects, url, digestKey } = prepared;
    return log.group('Apply', async () => {
        const result = await (0,apply/* applyPreview */.TN)(r.kube, r.owner, objects, {
            [ownership/* ANNOTATION */.YX.headSha]: plan.pr.head.sha,
            [ownership/* ANNOTATION */.YX.headUpdatedAt]: plan.pr.updatedAt,
            [ownership/* ANNOTATION */.YX.runId]: plan.runId,
            [ownership/* ANNOTATION */.YX.deployedAt]: new Date().toISOString(),
            [ownership/* ANNOTATION */.YX.environment]: plan.environment,
            [ownership/* ANNOTATION */.YX.url]: url,
        }, live, r.deadline, log, digestKey);
        log.info(`applied ${result.applied.length} objects to namespace ${plan.namespace}${result.pruned.length ? `, pruned ${result.pruned.length}` : ''}`);
        return result;
    });
}
/** The Jobs this deploy applies: the ones a wake must run again (the others are pruned). */
const jobsOf = (objects) => {
    const names = new Set(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name));
    return (job) => names.has(job.metadata.name);
};
/**
 * The GitHub deployment, then the apply. A new preview is applied without a dry run: a refusal removes it again,
 * its GitHub deployment too (applyNewPreview). Any other preview is woken first if it sleeps.
 */
async function rollOut(r, live, prepared, started) {
    const id = await startDeployment(r, prepared.urls, started);
    if (prepared.fresh)
        return applyNewPreview(r, live, prepared, id);
    // Any deploy wakes: what sleep stopped comes back before the apply sets what the templates say.
    if ((0,idle/* isAsleep */.LK)(live))
        await (0,wake/* restoreFromSleep */.I)(r.kube, r.owner, live, r.deadline, r.log, jobsOf(prepared.objects));
    return applyObjects(r, live, prepared);
}
/**
 * A new preview's first apply, with no dry run before it: when the cluster refuses an object, the run removes
 * what it made (the namespace, and everything in it, and its GitHub deployment) and waits until the namespace is
 * gone, then fails with the refusal. So a refused first deploy leaves nothing behind, as a dry run would have; the
 * next push starts afresh.
 */
async function applyNewPreview(r, live, prepared, deploymentId) {
    try {
        return await applyObjects(r, live, prepared);
    }
    catch (e) {
        if (!(e instanceof validate/* ValidationError */.yI))
            throw e;
        const ref = { apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace };
        r.log.info(`the cluster refused an object of this new preview: removing namespace ${ref.name} again`);
        try {
            await r.kube.delete(ref, { uid: String(live.metadata.uid ?? '') || undefined });
            await (0,apply/* waitUntilGone */.Ly)(r.kube, ref, r.deadline);
        }
        catch (cleanup) {
            r.log.warning(`could not remove namespace ${ref.name}: ${cleanup.message}`);
        }
        try {
            await r.github.setStatus(deploymentId, {
                state: 'inactive',
                description: 'Refused by the cluster',
                logUrl: r.plan.logUrl,
            });
            await r.github.deleteDeployment(deploymentId);
        }
        catch (cleanup) {
            r.log.warning(`could not remove GitHub deployment ${deploymentId}: ${cleanup.message}`);
        }
        throw e;
    }
}
/** Waits for every workload; this run's lasting refusals (from `since` on) fail it at once. */
async function waitForReadiness(r, applied, since) {
    return r.log.group('Wait', () => (0,wait/* waitForWorkloads */.Ts)(r.kube, r.plan.namespace, (0,ownership/* ownerSelector */.LL)(r.owner), (0,wait/* waitedWorkloads */.ZC)(applied), r.deadline, (w) => r.log.info(`${w.object.kind} ${w.object.metadata.name}: ${w.readiness.message}`), (0,wait/* waitContext */.FN)(applied, since)));
}
/** What a run that applied its objects reports: applied, ready, or why not (diagnosed). */
async function reportOutcome(r, id, done, applied, waited, objects, urls, url) {
    const { plan } = r;
    if (!waited) {
        await rollout_report(r, id, { state: 'success', description: report/* NOT_CHECKED_STATUS */.TW, environmentUrl: url });
        return done('deployed', {
            readinessChecked: false,
            workloads: (0,wait/* waitedWorkloads */.ZC)(applied).map((w) => ({
                object: w,
                readiness: { state: 'progressing', message: 'readiness not checked' },
            })),
        });
    }
    if (waited.outcome === 'ready') {
        const smoke = await smokeStep(r, objects, urls);
        const broken = smoke.filter((x) => x.outcome === 'fail');
        if (broken.length) {
            // Every pod is ready, but the preview does not answer through its front door: not healthy.
            const reason = `Smoke check: ${broken.map((x) => `${x.service} ${x.text}`).join('; ')}`;
            await rollout_report(r, id, { state: 'failure', description: reason });
            const details = [
                'Smoke check (every workload is ready, but a preview URL does not work):',
                ...broken.map(smokeLine),
            ];
            return done('failed', {
                workloads: waited.workloads,
                smoke,
                reason,
                diagnoses: [{ headline: reason, details }],
            });
        }
        const description = `Ready at ${plan.pr.head.sha.slice(0, 7)}`;
        await rollout_report(r, id, { state: 'success', description, environmentUrl: url });
        const notes = await frontDoorNotes(r.kube, plan, objects, urls, (0,ownership/* ownerSelector */.LL)(r.owner), r.deadline);
        const warned = smoke.filter((x) => x.outcome === 'warn').map((x) => `Smoke check: ${smokeLine(x)}`);
        return done('deployed', { workloads: waited.workloads, notes: [...notes, ...warned], smoke });
    }
    const notReady = waited.workloads.filter((w) => w.readiness.state !== 'ready');
    const failedFirst = [...notReady].sort((a, b) => Number(b.readiness.state === 'failed') - Number(a.readiness.state === 'failed'));
    const diagnoses = await r.log.group('Diagnose', async () => {
        const events = await (0,diagnose/* namespaceEvents */.t)(r.kube, plan.namespace);
        const found = await Promise.all(failedFirst.map((w) => (0,diagnose/* diagnose */.h)(r.kube, plan.namespace, w, events)));
        // Pod logs, termination messages and events are the PR's code's words: every known secret is redacted
        // before they go anywhere, and in the log no line of theirs is read as a workflow command.
        const clean = found.map((d) => ({
            headline: (0,untrusted_text/* redact */.E$)(d.headline, r.secrets),
            details: d.details.map((l) => (0,untrusted_text/* redact */.E$)(l, r.secrets)),
        }));
        for (const line of (0,untrusted_text/* stopCommandsBlock */.cB)(clean.flatMap((d) => d.details)))
            r.log.info(line);
        return clean;
    });
    const reason = waited.outcome === 'timeout'
        ? `Not ready within ${Math.round(r.o.timeoutMs / 1000)}s: ${diagnoses[0]?.headline ?? ''}`
        : (diagnoses[0]?.headline ?? 'a workload failed');
    await rollout_report(r, id, { state: 'failure', description: reason });
    return done('failed', { workloads: waited.workloads, diagnoses, reason });
}
/**
 * After an error: a close that removed the namespace mid-deploy is not a failure of this run (the preview stays
 * removed); anything else is reported on this run's deployment, then thrown.
 */
async function afterError(r, namespace, deploymentId, e) {
    const now = await r.kube
        .get({ apiVersion: 'v1', kind: 'Namespace', name: r.plan.namespace })
        .catch(() => undefined);
    const removed = now !== undefined && (0,freshness/* isRemoved */.RX)(now, namespace);
    if (deploymentId !== null) {
        const status = removed
            ? {
                state: 'inactive',
                description: 'The pull request was closed while deploying; nothing was left running',
            }
            : { state: 'error', description: `Deploy error: ${e.message}` };
        await r.github
            .setStatus(deploymentId, { ...status, logUrl: r.plan.logUrl })
            .catch((ge) => r.log.warning(`could not report to GitHub: ${ge.message}`));
    }
    if (removed)
        return {
            ...skipped('the preview was removed while this run was deploying (the pull request was closed)'),
            deploymentId,
        };
    throw e;
}
/**
 * The final status of this run's deployment, then the repair of earlier ones. If GitHub will not take it even
 * after retries, the run fails saying what state the preview is in.
 */
async function rollout_report(r, id, status) {
    const { plan } = r;
    try {
        await r.github.setStatus(id, { ...status, logUrl: plan.logUrl });
    }
    catch (e) {
        const where = status.state === 'success'
            ? `The preview is deployed and healthy${status.environmentUrl ? ` at ${status.environmentUrl}` : ''}`
            : 'The preview is not healthy';
        throw new Error(`${where}, but GitHub did not accept the deployment status (${e.message}); re-run the job to report it.`, { cause: e });
    }
    try {
        await (0,deployments/* tidyEarlierDeployments */.P)(r.github, plan.environment, id, status.state === 'success', plan.logUrl);
    }
    catch (e) {
        r.log.warning(`could not tidy earlier deployments of ${plan.environment}: ${e.message}`);
    }
}
/** The namespaces of every live preview of a repository on the cluster. */

;// CONCATENATED MODULE: ./src/kube/apply/pod-security.ts
const PREFIX = 'pod-security.kubernetes.io';
/**
 * The namespace labels. The -version labels say `latest` explicitly: the policy of the cluster's own Kubernetes
 * version, whatever defaults an admission configuration sets for unlabelled namespaces. Pure.
 */
function podSecurityLabels(level) {
    return {
        [`${PREFIX}/enforce`]: level,
        [`${PREFIX}/enforce-version`]: 'latest',
        [`${PREFIX}/warn`]: 'restricted',
        [`${PREFIX}/warn-version`]: 'latest',
        [`${PREFIX}/audit`]: 'restricted',
        [`${PREFIX}/audit-version`]: 'latest',
    };
}
/**
 * Its own field manager: the labels stay when the action later applies the namespace with its ownership labels,
 * and change when the input changes.
 */
const POD_SECURITY_MANAGER = 'kube-pr-preview-pod-security';
/**
 * Labels the preview's namespace; done before anything that makes pods is applied. `current`: the namespace as
 * just read; when it already carries these labels, there is nothing to write.
 */
async function labelPodSecurity(kube, namespace, level, 
/** The namespace as last read: the apply is skipped when it carries the labels, and its uid is a precondition
 * (the apply never re-creates a namespace that was removed meanwhile). */
current) {
    const labels = podSecurityLabels(level);
    if (current && Object.entries(labels).every(([k, v]) => current.metadata.labels?.[k] === v))
        return;
    const uid = current?.metadata.uid;
    await kube.apply({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, ...(uid ? { uid } : {}), labels },
    }, { fieldManager: POD_SECURITY_MANAGER });
}

// EXTERNAL MODULE: ./src/kube/read-access.ts
var read_access = __webpack_require__(2080);
;// CONCATENATED MODULE: ./src/modes/deploy/deploy.ts
// Deploying a preview, top to bottom: render → claim the preview (lock, newest commit wins) → validate (dry run) →
// GitHub deployment → apply and prune → wait → report. The steps are in run.ts, claim.ts and rollout.ts.










async function deploy(plan, options, kube, github, log) {
    const run = await startRun(plan, options, kube, github, log);
    const existing = await renderFirst(run);
    const early = await lookBeforeClaiming(run, existing);
    if (early)
        return skipped(early);
    await checkLivePreviewLimit(run, existing);
    const podSecurity = run.o.guardrails.podSecurity;
    const { namespace, created } = await (0,apply/* ensureNamespace */.Gv)(run.kube, run.owner, existing, podSecurityLabels(podSecurity));
    await confirmLivePreviewLimit(run, namespace, created);
    await (0,read_access/* ensureReadAccess */.Ji)(run.kube, run.owner, Boolean(run.firstRender?.secret));
    const lock = await claimPreview(run);
    if (lock instanceof kube_lock/* NotWaitingError */.NW)
        return skipped(lock.message);
    let deploymentId = null;
    let fresh = false;
    try {
        const live = await lookAgain(run, namespace, lock.waited);
        if (typeof live === 'string')
            return skipped(live);
        // Under the lock, and with the namespace's uid: a namespace removed meanwhile (a close) is never re-created.
        await labelPodSecurity(run.kube, run.plan.namespace, podSecurity, namespace);
        const untouched = created && live.metadata.resourceVersion === namespace.metadata.resourceVersion;
        const prepared = await prepareObjects(run, live, untouched);
        const { objects, urls, url } = prepared;
        fresh = prepared.fresh;
        // By the API server's clock: refusals and deadlines stamped before this are an earlier run's.
        const since = run.kube.serverTime?.() ?? Date.now();
        const applied = await rollOut(run, live, prepared, (id) => (deploymentId = id));
        const id = deploymentId;
        const waited = run.o.wait ? await waitForReadiness(run, applied.applied, since) : null;
        const pruned = applied.pruned.map((r) => `${r.kind} ${r.name}`);
        const done = (status, rest) => ({
            ...skipped(''),
            status,
            url,
            urls,
            deploymentId: id,
            pruned,
            ...rest,
        });
        return await reportOutcome(run, id, done, applied.applied, waited, objects, urls, url);
    }
    catch (e) {
        // Refused before its GitHub deployment existed, or a new preview's refusal (applyNewPreview removed the
        // preview and its GitHub deployment again): nothing to report on.
        if (e instanceof validate/* ValidationError */.yI && (deploymentId === null || fresh))
            throw e;
        return await afterError(run, namespace, deploymentId, e);
    }
    finally {
        await lock.release();
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


/***/ })

};
