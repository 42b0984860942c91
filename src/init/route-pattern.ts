// OpenAPI path templates written as the gateway's router patterns.

/** `/users/{id}/books` → `/users/:id/books` (find-my-way), `{a}.{b}` segments kept as parameters. */
export function routePattern(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      segment.replaceAll(
        /\{([^{}/]{1,128})\}/g,
        (_m, name: string) => `:${name.replaceAll(/[^A-Za-z0-9_]/g, '_')}`,
      ),
    )
    .join('/');
}
