import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { parsePullRequestEvent } from './event.js'
import { previewNames } from './naming.js'
import { parseSettings } from './settings.js'

export async function run(): Promise<void> {
  try {
    const settings = parseSettings((name) => core.getInput(name))
    core.setSecret(settings.kubeconfig)
    const eventPath = process.env.GITHUB_EVENT_PATH ?? ''
    const event = parsePullRequestEvent(
      process.env.GITHUB_EVENT_NAME ?? '',
      eventPath ? JSON.parse(readFileSync(eventPath, 'utf8')) : {},
    )
    const names = previewNames('preview', event.repository.fullName, event.number)
    const environment = `preview/pr-${event.number}`
    core.info(
      `PR #${event.number} (${event.action}) of ${event.repository.fullName} → namespace ${names.namespace}`,
    )
    core.setOutput('namespace', names.namespace)
    core.setOutput('environment', environment)
    await core.summary
      .addHeading(`Preview for PR #${event.number}`, 3)
      .addTable([
        [
          { data: 'Namespace', header: true },
          { data: 'Environment', header: true },
        ],
        [names.namespace, environment],
      ])
      .write()
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
