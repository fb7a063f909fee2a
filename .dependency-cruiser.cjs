/** Import rules checked by `npm test` (ARCHITECTURE.md "Kernel"): no cycle between the folders of src/. */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders of src/ form a layered graph: a folder that imports another is never imported back (ARCHITECTURE.md "Kernel").',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'kernel-imports-no-domain',
      comment: 'src/kernel is what every request step builds on: it may use configuration, logging and errors, never a domain folder.',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/(kernel|config|log|errors)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    collapse: '^src/[^/]+',
  },
};
