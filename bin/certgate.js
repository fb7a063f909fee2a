#!/usr/bin/env node
// certgate CLI entry: the compiled program lives in dist/ (built by `npm ci` through `prepare`).
import('../dist/src/cli/main.js').then(
  async (cli) => {
    process.exitCode = await cli.run(process.argv.slice(2));
  },
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/main.js')) {
      process.stderr.write('certgate: not built yet; run `npm ci` (or `npm run build`) in the certgate folder\n');
      process.exit(1);
    }
    throw err;
  },
);
