// The constants the core exports (`constants()` of the verifier module,
// from its own tables) against what is written by hand beside it: the
// string-literal unions of the installed package's index.d.ts, read through
// the TypeScript checker, and the inspector's provider presets (www/). An
// extra or a missing member fails.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { PROVIDERS } from '../../www/providers.mjs';
import { installPackage, root } from './helpers.mjs';

const pkg = installPackage();
const dir = join(pkg.project, 'node_modules/powersync-jwt');
const glue = await import(pathToFileURL(join(dir, 'dist/powersync_jwt.js')));
glue.initSync({ module: readFileSync(join(dir, 'dist/powersync_jwt_bg.wasm')) });
const core = JSON.parse(glue.constants());

// Each union of the declarations, as a type alias a consumer writes, and the constant it must equal.
const UNIONS = {
  "VerifiedToken['alg']": 'algorithms',
  "VerifiedToken['header']['alg']": 'algorithms',
  "NonNullable<VerifiedToken['key']['alg']>": 'algorithms',
  'Parameters<typeof generateKeyPair>[0]': 'algorithms',
  JwsAlgorithm: 'jwsAlgorithms',
  VerificationReason: 'reasons',
  VerificationCode: 'codes',
  "VerificationError['code']": 'codes',
  ConfigCode: 'configCodes',
  "ConfigError['code']": 'configCodes',
  "ConfigWarning['code']": 'warnings',
  'keyof ProviderParams': 'providers',
  'Parameters<typeof PowerSyncVerifier.forProvider>[0]': 'providers',
  "Check['name']": 'steps',
  "Check['status']": 'statuses',
  "KeyInfo['kty']": 'keyTypes',
  "VerifiedToken['key']['kty']": 'keyTypes',
  "NonNullable<KeyInfo['crv']>": 'curves',
};

/** The members of each union, by its alias in UNIONS, and each provider's parameter names. */
function declared() {
  const ts = createRequire(join(root, 'tools/node_modules/x.js'))('typescript');
  const names = ['VerifiedToken', 'JwsAlgorithm', 'VerificationReason', 'VerificationCode', 'VerificationError', 'ConfigCode', 'ConfigError',
    'ConfigWarning', 'ProviderParams', 'PowerSyncVerifier', 'Check', 'KeyInfo'];
  const aliases = Object.keys(UNIONS);
  const file = join(pkg.project, 'unions.ts');
  writeFileSync(file, [
    `import type { ${names.join(', ')} } from 'powersync-jwt';`,
    `import type { generateKeyPair } from 'powersync-jwt/issuing';`,
    ...aliases.map((a, i) => `export type U${i} = ${a};`),
    'export type Params = ProviderParams;',
    '',
  ].join('\n'));
  const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(problems, [], 'the probe compiles');
  const checker = program.getTypeChecker();
  const types = {};
  for (const statement of program.getSourceFile(file).statements) {
    if (ts.isTypeAliasDeclaration(statement)) types[statement.name.text] = checker.getTypeAtLocation(statement.name);
  }
  const literals = (alias, type) => (type.isUnion() ? type.types : [type]).map((t) => {
    assert.ok(t.isStringLiteral(), `${alias}: ${checker.typeToString(t)} is not a string literal`);
    return t.value;
  });
  const unions = Object.fromEntries(aliases.map((a, i) => [a, literals(a, types[`U${i}`])]));
  const params = Object.fromEntries(checker.getPropertiesOfType(types.Params).map((p) => [
    p.name, checker.getPropertiesOfType(checker.getTypeOfSymbol(p)).map((q) => q.name),
  ]));
  return { unions, params };
}

/** Where `got` and `want` differ as sets: the members one side lacks, or a member given twice. */
function differ(got, want, what) {
  const extra = got.filter((x) => !want.includes(x));
  const missing = want.filter((x) => !got.includes(x));
  const twice = got.filter((x, i) => got.indexOf(x) !== i);
  if (!extra.length && !missing.length && !twice.length) return [];
  return [`${what}: ${JSON.stringify({ extra, missing, twice })}`];
}

test('the core exports every constant, none empty', () => {
  for (const key of ['algorithms', 'jwsAlgorithms', 'reasons', 'codes', 'configCodes', 'warnings', 'steps', 'statuses', 'keyTypes', 'curves']) {
    assert.ok(Array.isArray(core[key]) && core[key].length > 0 && core[key].every((x) => typeof x === 'string'), key);
  }
  assert.ok(Object.keys(core.providers).length > 0);
  // The order of jwsAlgorithms is the one of the result's algorithm slot.
  assert.deepEqual(core.jwsAlgorithms, glue.algorithmNames().split(','));
  assert.deepEqual(core.algorithms, core.jwsAlgorithms.slice(0, core.algorithms.length));
});

test("index.d.ts's string-literal unions equal the core's constants", () => {
  const { unions, params } = declared();
  const problems = [];
  for (const [alias, key] of Object.entries(UNIONS)) {
    problems.push(...differ(unions[alias], key === 'providers' ? Object.keys(core.providers) : core[key], alias));
  }
  for (const [name, list] of Object.entries(core.providers)) problems.push(...differ(params[name] ?? [], list, `ProviderParams['${name}']`));
  assert.deepEqual(problems, [], 'members not in the core (extra), not declared (missing), or declared twice');
});

test("the inspector's presets are the core's, each with parameters of its own", () => {
  const problems = differ(Object.keys(PROVIDERS), Object.keys(core.providers), 'www/providers.mjs');
  for (const [name, text] of Object.entries(PROVIDERS)) {
    const given = text.split('\n').map((line) => line.slice(0, line.indexOf('=')));
    const unknown = given.filter((p) => !core.providers[name]?.includes(p));
    if (unknown.length) problems.push(`www/providers.mjs ${name}: parameters the preset does not take: ${unknown}`);
  }
  assert.deepEqual(problems, []);
});

test('the checklist of explain() names the core steps in order', async () => {
  const { PowerSyncVerifier } = await pkg.import();
  const v = new PowerSyncVerifier({ jwks: { keys: [{ kty: 'oct', alg: 'HS256', k: 'c2VjcmV0' }] }, audience: 'a', strict: true });
  const r = await v.explain('a.b');
  assert.deepEqual(r.checks.map((c) => c.name), core.steps);
  assert.deepEqual([...new Set(r.checks.map((c) => c.status))], ['fail', 'not_reached']);
});
