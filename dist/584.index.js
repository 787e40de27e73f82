export const id = 584;
export const ids = [584];
export const modules = {

/***/ 6584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHub: () => (/* binding */ createGitHub)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2413);
/* harmony import */ var _shared_limit_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7669);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8129);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8212);
// The GitHub port: deployments and their statuses. Built once per run from @actions/github's Octokit (which
// follows GITHUB_API_URL) and passed in.







const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The one POST that creates something: retried only after looking whether the failed attempt created it. */
const isCreateDeployment = (options) => options.method === 'POST' && /\/repos\/[^/]+\/[^/]+\/deployments$/.test(options.url ?? '');
function createGitHub(token, owner, repo, retry = _retry_js__WEBPACK_IMPORTED_MODULE_2__/* .GITHUB_RETRY */ .Bp) {
    (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .requireToken */ .Fw)(token);
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_1__/* .getOctokit */ .Q)(token);
    // Rate limits (403/429) and server errors (5xx) are retried, waiting as GitHub asks; other errors are not.
    octokit.hook.wrap('request', async (request, options) => {
        if (isCreateDeployment(options))
            return request(options);
        for (let attempt = 0;; attempt++) {
            try {
                return await request(options);
            }
            catch (e) {
                const wait = (0,_retry_js__WEBPACK_IMPORTED_MODULE_2__/* .waitBefore */ .fI)(e, attempt, retry);
                if (wait === null)
                    throw e;
                await sleep(wait);
            }
        }
    });
    let me;
    /**
     * Who the token is: a person's login (a personal token), or null for an app's installation token (the job's
     * GITHUB_TOKEN, a GitHub App's), for which GitHub refuses GET /user: what it writes is then authored by a bot
     * account (type Bot), which only the repository's admins (installing an app) or workflows can write as.
     */
    async function identity() {
        if (me !== undefined)
            return me;
        try {
            me = (await octokit.rest.users.getAuthenticated()).data.login;
        }
        catch (e) {
            const status = e.status;
            if (status !== 403 && status !== 401)
                throw e;
            me = null;
        }
        return me;
    }
    /** The deployment a failed attempt may have created after all, found by the request id in its payload. */
    async function createdBy(environment, request) {
        const recent = await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 30 });
        const found = recent.data.find((d) => d.payload?.request === request);
        return found ? found.id : null;
    }
    return {
        async pullRequest(number) {
            try {
                const res = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
                return {
                    state: res.data.state === 'closed' ? 'closed' : 'open',
                    headSha: res.data.head.sha,
                    labels: (res.data.labels ?? []).map((l) => l.name ?? '').filter(Boolean),
                    title: res.data.title ?? '',
                    author: res.data.user?.login ?? '',
                    htmlUrl: res.data.html_url ?? '',
                    raw: res.data,
                };
            }
            catch (e) {
                const status = e.status;
                if (status === 403 || status === 404)
                    return null;
                throw e;
            }
        },
        async createDeployment(d) {
            // A 5xx or a dropped connection may come after GitHub created the deployment: before each retry, look for
            // it by this request's id, so that a retry never makes a second deployment.
            const request = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)();
            const create = () => octokit.rest.repos.createDeployment({
                owner,
                repo,
                ref: d.ref,
                environment: d.environment,
                description: (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .shortDescription */ .r3)(d.description),
                payload: { ...d.payload, request },
                auto_merge: false,
                required_contexts: [],
                transient_environment: true,
                production_environment: false,
            });
            let res;
            for (let attempt = 0; !res; attempt++) {
                try {
                    res = await create();
                }
                catch (e) {
                    const wait = (0,_retry_js__WEBPACK_IMPORTED_MODULE_2__/* .waitBefore */ .fI)(e, attempt, retry);
                    if (wait === null)
                        throw e;
                    await sleep(wait);
                    const created = await createdBy(d.environment, request);
                    if (created !== null)
                        return created;
                }
            }
            if (res.status !== 201 || !('id' in res.data)) {
                throw new Error(`GitHub did not create the deployment: ${res.data.message ?? res.status}`);
            }
            return res.data.id;
        },
        async setStatus(id, s) {
            await octokit.rest.repos.createDeploymentStatus({
                owner,
                repo,
                deployment_id: id,
                state: s.state,
                description: (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .shortDescription */ .r3)(s.description),
                log_url: s.logUrl,
                ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
                auto_inactive: true,
            });
        },
        async listDeployments(environment, recent, olderThan = Infinity) {
            const all = recent
                ? (await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: recent })).data
                : await octokit.paginate(octokit.rest.repos.listDeployments, {
                    owner,
                    repo,
                    environment,
                    per_page: 100,
                });
            const deployments = all.filter((d) => d.id < olderThan);
            return (0,_shared_limit_js__WEBPACK_IMPORTED_MODULE_4__/* .mapLimit */ .sf)(deployments, _shared_limit_js__WEBPACK_IMPORTED_MODULE_4__/* .GITHUB_PARALLEL */ .Iv, async (d) => {
                const statuses = await octokit.rest.repos.listDeploymentStatuses({
                    owner,
                    repo,
                    deployment_id: d.id,
                    per_page: 1,
                });
                return { id: d.id, latestState: statuses.data[0]?.state ?? null };
            });
        },
        async upsertComment(number, marker, body, create) {
            const comments = await octokit.paginate(octokit.rest.issues.listComments, {
                owner,
                repo,
                issue_number: number,
                per_page: 100,
            });
            const mine = comments.find((c) => c.body?.includes(marker) && (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .isOwnComment */ ._M)(c));
            if (mine) {
                await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
                return mine.id;
            }
            if (!create)
                return null;
            return (await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })).data.id;
        },
        async removeLabel(number, name) {
            try {
                await octokit.rest.issues.removeLabel({ owner, repo, issue_number: number, name });
            }
            catch (e) {
                if (e.status !== 404)
                    throw e;
            }
        },
        async reply(number, body) {
            await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
        },
        async permissionOf(login) {
            try {
                const res = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login });
                // role_name says maintain where permission says write; either is enough to be obeyed.
                return res.data.role_name === 'maintain' ? 'maintain' : res.data.permission;
            }
            catch (e) {
                if (e.status === 404)
                    return null;
                throw e;
            }
        },
        async react(commentId, content) {
            await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content });
        },
        async upsertIssue(marker, title, body) {
            const me = await identity();
            // Listed, not searched: the search index lags, and two quick sweeps would each make an issue.
            const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
                owner,
                repo,
                ...(me ? { creator: me } : {}),
                state: 'open',
                per_page: 100,
            });
            const mine = issues
                .filter((i) => !i.pull_request && i.body?.includes(marker))
                .filter((i) => (me ? i.user?.login === me : i.user?.type === 'Bot'))
                .sort((a, b) => a.number - b.number)[0];
            if (mine) {
                await octokit.rest.issues.update({ owner, repo, issue_number: mine.number, title, body });
                return mine.number;
            }
            return (await octokit.rest.issues.create({ owner, repo, title, body })).data.number;
        },
        async deleteDeployment(id) {
            await octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: id });
        },
        async deleteEnvironment(name) {
            try {
                await octokit.rest.repos.deleteAnEnvironment({ owner, repo, environment_name: name });
                return 'deleted';
            }
            catch (e) {
                const status = e.status;
                if (status === 404)
                    return 'absent';
                if (status === 403)
                    return 'forbidden';
                throw e;
            }
        },
    };
}


/***/ })

};
