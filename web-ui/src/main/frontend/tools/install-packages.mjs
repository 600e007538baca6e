// Installs the npm packages package-lock.json pins, once per change of that file: `npm ci`
// always deletes node_modules first, which would cost every build a reinstall. Packages come
// from the npm registry (or npm's own cache, ~/.npm); their install scripts are not run, since
// none of them needs one (esbuild's binary ships in its @esbuild/<platform> package).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const stamp = 'node_modules/.gadgetflow-installed-lock';

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) {
  console.log('npm packages are up to date with package-lock.json');
} else {
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
    stdio: 'inherit',
  });
  writeFileSync(stamp, lockHash);
}
