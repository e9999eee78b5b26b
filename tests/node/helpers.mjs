// Packs ./pkg, installs the tarball into a throw-away project and returns
// that project's folder. Tests import the installed package, never pkg/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const cases = JSON.parse(readFileSync(join(root, 'tests/cases/service.json'), 'utf8'));
export const keys = JSON.parse(readFileSync(join(root, 'tests/cases/keys.json'), 'utf8'));
export const attacks = JSON.parse(readFileSync(join(root, 'tests/cases/attacks.json'), 'utf8'));

export function tokenOf(t) {
  return typeof t === 'string' ? t : t.runs.map(([s, n]) => s.repeat(n)).join('');
}

let installed;
/** Installs the packed package once per process; returns the project folder. */
export function installPackage() {
  if (installed) return installed;
  const work = mkdtempSync(join(tmpdir(), 'powersync-jwt-'));
  const out = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', work, '--json', '--loglevel=error'], { encoding: 'utf8' });
  const { filename, files } = JSON.parse(out)[0];
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(work, filename)], { cwd: project });
  installed = { project, files: files.map((f) => f.path), import: () => import(join(project, 'node_modules/powersync-jwt/node.mjs')) };
  return installed;
}
