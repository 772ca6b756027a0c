// Module-graph rules checked by `npm test` (scripts/run-tests.mjs) alongside ESLint's import
// boundaries: no import cycles anywhere, type-only imports included, since a cycle of types is
// still two modules that cannot be understood apart.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other: split the shared part into a module of its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'app-never-imports-server',
      severity: 'error',
      comment: 'Code both sides run lives in shared/ or shared/node/.',
      from: { path: '^main/' },
      to: { path: '^(server|launch)/' },
    },
    {
      name: 'server-never-imports-app',
      severity: 'error',
      comment: 'Code both sides run lives in shared/ or shared/node/.',
      from: { path: '^server/' },
      to: { path: '^(main|launch|renderer|preload)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    exclude: { path: '^(node_modules|dist|out)/' },
  },
};
