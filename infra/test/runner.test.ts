// The unattended EC2 run, offline: the user-data script and the RunInstances request built
// from options are compared with committed snapshots (UPDATE_SNAPSHOTS=1 rewrites them after
// a deliberate change), and the argument parsing is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../runner/launch';
import { RunnerOptions, shellQuote } from '../runner/options';
import { runInstancesInput } from '../runner/request';
import { userData } from '../runner/userdata';

const options: RunnerOptions = {
  mode: 'production',
  runId: '2026-11-30T10-00-00Z',
  region: 'us-east-2',
  stack: 'Lambench',
  bucket: 'lambench-results-abc',
  instanceProfile: 'Lambench-RunnerProfile-XYZ',
  logGroup: '/lambench/runner',
  binaryKey: 'bin/2026-11-30T10-00-00Z/lambench',
  architecture: 'arm64',
  instanceType: 'c7g.large',
  maxHours: 2,
  collectArgs: ['--workload', 'cpu-intensive', '--concurrency', "900; rm -rf / #'"],
};

function snapshot(name: string, actual: string) {
  const path = join(__dirname, 'snapshots', name);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(path)) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} changed; UPDATE_SNAPSHOTS=1 npm test if that is intended`);
}

test('user-data script', () => {
  const script = userData(options);
  snapshot('userdata.sh', script);
  assert.match(script, /^shutdown -h \+120$/m, 'hard time limit first');
  assert.ok(script.includes(`'900; rm -rf / #'\\'''`), 'collect arguments are shell-quoted');
  assert.ok(!script.includes('AWS_ACCESS_KEY'), 'no credentials: the instance profile provides them');
});

test('RunInstances request', () => {
  const input = runInstancesInput(options);
  const shown = { ...input, UserData: `<${Buffer.from(input.UserData!, 'base64').length} bytes, userdata.sh>` };
  snapshot('runinstances.json', JSON.stringify(shown, null, 2) + '\n');
  assert.equal(input.InstanceInitiatedShutdownBehavior, 'terminate');
  assert.equal(input.MetadataOptions?.HttpTokens, 'required');
  assert.equal(Buffer.from(input.UserData!, 'base64').toString(), userData(options));
});

test('shell quoting survives quotes', () => {
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test('arguments: one mode, sane limits, collect arguments after --', () => {
  const a = parse(['--balanced', '--run-id', 'r1', '--', '--runtime', 'python3.13'], {});
  assert.equal(a.mode, 'balanced');
  assert.deepEqual(a.collectArgs, ['--runtime', 'python3.13']);
  assert.equal(a.maxHours, 3);
  assert.throws(() => parse([], {}), /choose one mode/);
  assert.throws(() => parse(['--test', '--max-hours', '48'], {}), /max-hours/);
  assert.throws(() => parse(['--test', '--architecture', 'sparc'], {}), /architecture/);
  assert.throws(() => parse(['--test', '--run-id', '$(reboot)'], {}), /run id/);
  assert.throws(() => parse(['--test', '--run-id', '.hidden'], {}), /run id/);
});
