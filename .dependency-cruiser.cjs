/**
 * No import cycles in src/, between files or between folders; `npm run lint`
 * runs this.
 *
 * Between folders every import counts, `import type` too: a folder that
 * needs a folder's types to be written is not apart from it. A folder and
 * the folders inside it are one tree (the metric registry in metrics/ lists
 * metrics/size/ and the others; they read metrics/metric.ts), so only the
 * files directly in src/ would hide a loop: they may import nothing below
 * them, except index.ts, which nothing imports.
 *
 * Between files, only the imports that load code count: TypeScript erases
 * `import type`, so it cannot make a module run before one it needs has
 * loaded, which is what a cycle breaks. One loop of types stays on purpose:
 * the results type is read from the metrics' schemas through the registry
 * (metrics/run-result.ts), while each metric's tables and stages are typed by
 * that results type.
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
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-between-folders',
      comment: 'A folder that imports a folder that imports it back is one folder in two places.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-root-files-are-leaves',
      comment:
        'The files directly in src/ are imported from everywhere; one that imported a folder would hide a loop between folders through src/.',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/[^/]+/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
