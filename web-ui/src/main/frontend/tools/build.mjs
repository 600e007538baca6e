// Builds the dashboard into the folder given as the first argument (the Maven build passes
// target/classes/webroot): one minified script bundle, one stylesheet and the page.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node tools/build.mjs <output folder>');
  process.exit(2);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: { app: 'src/main.js', styles: 'src/styles.css' },
  outdir: outDir,
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  // The stylesheet refers to the favicon, which is copied beside it rather than inlined.
  external: ['favicon.svg'],
  logLevel: 'warning',
});
copyFileSync('src/index.html', join(outDir, 'index.html'));
copyFileSync('src/favicon.svg', join(outDir, 'favicon.svg'));
console.log(`dashboard built into ${outDir}`);
