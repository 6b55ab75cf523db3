import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };

const root = fileURLToPath(new URL('../../..', import.meta.url));

it('npm start turns on Node’s compile cache before the first TypeScript module loads', () => {
  const [, ...args] = packageJson.scripts.start.split(/\s+/);
  const flags = args.slice(0, -1);
  const printed = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', "import m from 'node:module'; console.log(m.getCompileCacheDir() ?? 'none')"], { cwd: root, encoding: 'utf8' });
  // The cache's directory, an absolute path; "none" when it is off.
  expect(printed.trim()).toMatch(/^\/./);
});
