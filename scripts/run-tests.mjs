#!/usr/bin/env node
// Finds every *.test.ts in the workspaces and runs them with node's test runner (one file at a
// time: the end-to-end tests start worker processes that need the machine's cores).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const roots = ['shared', 'services', 'test'];
const skip = new Set(['node_modules', 'dist', '.turbo']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(path.relative(root, full));
  }
  return out;
}

const filter = process.argv.slice(2);
// Files named *.after-all.test.ts run last: they check what the whole run left behind (its logs).
const afterAll = (f) => (f.endsWith('.after-all.test.ts') ? 1 : 0);
let files = roots.flatMap((r) => walk(path.join(root, r), [])).sort((a, b) => afterAll(a) - afterAll(b) || a.localeCompare(b));
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Progress in the spec format on the terminal; a TAP copy in a file for the closing count line.
// Two phases: every test file, then the *.after-all files (node's runner orders the files of one
// run itself, so "after all" needs a run of its own).
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-tests-'));
let passed = 0;
let failed = 0;
let ok = true;
const phases = [files.filter((f) => !afterAll(f)), files.filter(afterAll)].filter((p) => p.length > 0);
phases.forEach((phase, k) => {
  const tap = path.join(tmp, `results-${k}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=900000',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...phase,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) ok = false;
  try {
    const text = readFileSync(tap, 'utf8');
    passed += Number(/^# pass (\d+)$/m.exec(text)?.[1] ?? 0);
    failed += Number(/^# fail (\d+)$/m.exec(text)?.[1] ?? 0) + Number(/^# cancelled (\d+)$/m.exec(text)?.[1] ?? 0);
  } catch {
    failed = Math.max(failed, 1);
  }
});
rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
