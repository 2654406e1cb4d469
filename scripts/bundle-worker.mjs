// Bundles the worker into one JavaScript file with no dependency, for Node.js 18 or newer:
// the file `cluster provision` uploads to hosts and the local transport runs.
import {build} from 'esbuild';

await build({
  entryPoints: ['src/worker/entry.ts'],
  outfile: 'dist/worker.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  // Some bundled CommonJS modules call require(); give the ESM bundle one.
  banner: {
    js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
