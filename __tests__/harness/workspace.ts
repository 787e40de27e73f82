// A workspace with a templates folder (`preview/`) of the given files, for runs with the `templates` input.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function workspaceWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'workspace-'))
  mkdirSync(join(dir, 'preview'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'preview', name), text)
  return dir
}

/** One small web app: a Deployment of the PR's image, its Service, and an Ingress on the preview's host. */
export const webApp = (podSpec = '', deploymentSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
${deploymentSpec}  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
${podSpec}      containers:
        - name: web
          image: {{image}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: {{preview.host}}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
`
