// Names of a preview: the namespace and host names, valid DNS-1123 labels (lowercase, at most 63 characters),
// unique per repository and PR, and the same on every run. Pure.
import { createHash } from 'node:crypto'

export const MAX_LABEL = 63

/** Lowercase letters, digits and single dashes; no dash at either end. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents split off by NFKD
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** Six hex characters that tell two repositories apart even when their slugs collide or are cut short. */
export function repositoryHash(fullName: string): string {
  return createHash('sha256').update(fullName.toLowerCase()).digest('hex').slice(0, 6)
}

/**
 * `<head>-<middle>-<tail>` in at most 63 characters: the middle (a readable name) is shortened first, then the
 * head; the tail (what makes the label unique) is always kept whole.
 */
export function fitLabel(head: string, middle: string, tail: string): string {
  let room = MAX_LABEL - tail.length
  const h = cutSlug(head, Math.min(head.length, room - 1))
  room -= h ? h.length + 1 : 0
  const m = cutSlug(middle, room - 1)
  return [h, m, tail].filter(Boolean).join('-')
}

function cutSlug(text: string, max: number): string {
  return text.slice(0, Math.max(0, max)).replace(/-+$/, '')
}

export interface PreviewNames {
  /** `<prefix>-<repo>-<hash>-pr-<n>`: the Kubernetes namespace. */
  namespace: string
  /** The readable repository part of names, and the unique part (`<hash>-pr-<n>`). */
  repo: string
  unique: string
}

/**
 * The hash covers the full owner/name, so two repositories never share names even when their readable parts
 * match or are cut short.
 */
export function previewNames(prefix: string, repositoryFullName: string, pr: number): PreviewNames {
  const repo = slug(repositoryFullName.split('/')[1] ?? repositoryFullName) || 'repo'
  const unique = `${repositoryHash(repositoryFullName)}-pr-${pr}`
  return { namespace: fitLabel(slug(prefix), repo, unique), repo, unique }
}

/**
 * `<repo>-<hash>-pr-<n>` in at most 63 characters (the repository part shortened first): fits a label value, a
 * DNS label and most object names, and stays unique through the hash.
 */
export function previewName(names: PreviewNames): string {
  return fitLabel('', names.repo, names.unique)
}

/** `<repo>-<hash>-pr-<n>.<domain>` for the main web app, `<service>-<repo>-<hash>-pr-<n>.<domain>` for others. */
export function hostName(names: PreviewNames, domain: string, service?: string): string {
  return `${fitLabel(service ? slug(service) : '', names.repo, names.unique)}.${domain}`
}
