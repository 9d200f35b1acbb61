/**
 * `host:port/repo/name:tag` → repository `host:port/repo/name` and tag `tag`;
 * a reference without a tag (a colon only in the registry's port) is `latest`.
 */
export function splitReference(reference: string): { repository: string; tag: string } {
  const at = reference.lastIndexOf(':');
  return at > reference.lastIndexOf('/')
    ? { repository: reference.slice(0, at), tag: reference.slice(at + 1) }
    : { repository: reference, tag: 'latest' };
}
