// Writes the part of GitHub's official OpenAPI description (@octokit/openapi) that the action uses, so the
// GitHub API double validates requests without loading the whole 30 MB description on every test run.
// Run: npm run openapi:extract. CI regenerates it and fails when the committed copy differs.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** The operations the action calls, by GitHub's operationId. */
export const OPERATIONS = [
  'repos/create-deployment',
  'repos/list-deployments',
  'repos/get-deployment',
  'repos/delete-deployment',
  'repos/create-deployment-status',
  'repos/list-deployment-statuses',
  'repos/get-environment',
  'repos/create-or-update-environment',
  'repos/delete-an-environment',
  'issues/list-comments',
  'issues/create-comment',
  'issues/update-comment',
  'issues/remove-label',
  'pulls/get',
  'pulls/list',
  // Issue 25: commands in PR comments, the dashboard issue, the keep label.
  'issues/create',
  'issues/get',
  'issues/update',
  'issues/list-for-repo',
  'issues/get-comment',
  'issues/list-labels-on-issue',
  'issues/add-labels',
  'issues/remove-label',
  'search/issues-and-pull-requests',
  'reactions/create-for-issue-comment',
  'reactions/list-for-issue-comment',
  'reactions/delete-for-issue-comment',
  'repos/get-collaborator-permission-level',
  'users/get-authenticated',
]

interface Parameter {
  name: string
  in: string
  required?: boolean
  schema: unknown
}

const require = createRequire(import.meta.url)
const source = require.resolve('@octokit/openapi/generated/api.github.com.deref.json')
const spec = JSON.parse(readFileSync(source, 'utf8'))
const version = require('@octokit/openapi/package.json').version as string

const operations: Array<{ operationId: string } & Record<string, unknown>> = []
for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!OPERATIONS.includes(op.operationId as string)) continue
    const parameters = ((op.parameters ?? []) as Parameter[]).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required === true,
      schema: p.schema,
    }))
    const body = (op.requestBody as { required?: boolean; content?: Record<string, { schema: unknown }> })
      ?.content?.['application/json']
    operations.push({
      operationId: op.operationId as string,
      method: method.toUpperCase(),
      path,
      parameters,
      requestBody: body
        ? { required: (op.requestBody as { required?: boolean }).required === true, schema: body.schema }
        : null,
    })
  }
}
const missing = OPERATIONS.filter((id) => !operations.some((o) => o.operationId === id))
if (missing.length > 0)
  throw new Error(`operations not found in @octokit/openapi ${version}: ${missing.join(', ')}`)
operations.sort((a, b) => a.operationId.localeCompare(b.operationId))

const out = new URL('../__tests__/github-double/openapi-extract.json', import.meta.url)
writeFileSync(
  out,
  JSON.stringify({ source: `@octokit/openapi ${version} api.github.com`, operations }, null, 1) + '\n',
)
console.log(`wrote ${operations.length} operations from @octokit/openapi ${version}`)
