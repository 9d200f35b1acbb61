/**
 * No import cycles in src/, between files or between folders; `npm run lint`
 * runs this.
 *
 * Type-only imports (`import type`) do not count (tsPreCompilationDeps:
 * false): TypeScript erases them, so they cannot make a module run before
 * one it needs has loaded, which is what a cycle breaks. And one loop of
 * types is there on purpose: the results type is read from the metrics'
 * schemas through the registry (src/types.ts), while each metric's tables
 * and stages are typed by that results type. Every import that loads code
 * counts.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Two files that import each other cannot be loaded, tested or changed one at a time.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-between-folders',
      comment: 'A folder that imports a folder that imports it back is one folder in two places.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
