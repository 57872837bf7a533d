// Assertion tests on the synthesized template: offline, no AWS credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { functions, lambenchBinary, loadMatrix } from '../lib/matrix';
import { DEPLOY_MEMORY_MB, LambenchStack } from '../lib/stack';
import { SCAN_LIMIT_BYTES } from '../lib/athena';

const repoRoot = resolve(__dirname, '..', '..');
// A fixed day for the runtimes' deprecation schedule: before nodejs20.x's creation block.
process.env.LAMBENCH_TODAY = '2026-12-01';
const matrix = loadMatrix(join(repoRoot, 'bench.toml'), lambenchBinary(repoRoot));
const app = new App();
const stack = new LambenchStack(app, matrix.stackName, {
  matrix,
  repoRoot,
  rustCode: () => lambda.Code.fromAsset(join(repoRoot, 'infra', 'placeholder')),
  env: { region: 'us-east-2' },
});
Aspects.of(app).add(new AwsSolutionsChecks());
const template = Template.fromStack(stack);
const resources = (type: string) => template.findResources(type);

test('one function per matrix entry, with its runtime, architecture, memory and role', () => {
  const specs = functions(matrix);
  assert.equal(specs.length, 48);
  template.resourceCountIs('AWS::Lambda::Function', 48);
  for (const f of specs) {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: f.name,
      Runtime: f.runtime.id,
      Architectures: [f.architecture],
      MemorySize: DEPLOY_MEMORY_MB,
      Handler: f.handler,
      Timeout: f.workload.timeoutS,
      Environment: {
        Variables: f.workload.usesDynamodb
          ? { LAMBENCH_WORKLOAD: f.workload.name, DYNAMODB_TABLE_NAME: Match.anyValue() }
          : { LAMBENCH_WORKLOAD: f.workload.name },
      },
    });
  }
});

test('every function logs to its own group with 3-day retention', () => {
  const groups = Object.values(resources('AWS::Logs::LogGroup')).filter((g: any) =>
    String(g.Properties.LogGroupName).startsWith('/aws/lambda/'),
  );
  assert.equal(groups.length, 48);
  for (const g of groups) assert.equal(g.Properties.RetentionInDays, 3);
});

test('ledger and test-data tables: on demand, TTL, point-in-time recovery', () => {
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    TableName: matrix.ledgerTable,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: 'run_id', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  });
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
  });
});

test('results bucket: private, encrypted, TLS only, lifecycle, access logs', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    BucketEncryption: Match.objectLike({}),
    VersioningConfiguration: { Status: 'Enabled' },
    LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'results/' }),
    LifecycleConfiguration: Match.objectLike({}),
  });
  const policies = Object.values(resources('AWS::S3::BucketPolicy'));
  assert.equal(policies.length, 2);
  for (const p of policies) {
    const deny = p.Properties.PolicyDocument.Statement.find((s: any) => s.Effect === 'Deny');
    assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  }
});

/** Every IAM statement in the template. */
function statements(): any[] {
  const out: any[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const r of Object.values(resources(type))) out.push(...r.Properties.PolicyDocument.Statement);
  }
  return out;
}

test('least privilege: no wildcard actions, only light functions touch DynamoDB', () => {
  for (const s of statements()) {
    const actions = [s.Action].flat();
    for (const a of actions) assert.ok(!a.includes('*'), `wildcard action ${a}`);
    assert.notEqual(s.Resource, '*', `wildcard resource for ${actions}`);
  }
  const policies = Object.entries(resources('AWS::IAM::Policy'));
  for (const [id, p] of policies) {
    const actions = p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
    const touchesTable = actions.some((a: string) => a.startsWith('dynamodb:'));
    assert.equal(touchesTable, id.startsWith('LightRole'), `${id}: ${actions}`);
  }
  // Compute, light, and the EC2 runner.
  template.resourceCountIs('AWS::IAM::Role', 3);
});

test('the collector policy grants exactly what lambench collect calls', () => {
  const [, collector] = Object.entries(resources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('CollectorPolicy'))!;
  const actions = collector.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()).sort();
  assert.deepEqual(actions, [
    'cloudformation:ListStackResources',
    'dynamodb:BatchWriteItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'lambda:GetFunction',
    'lambda:GetFunctionConfiguration',
    'lambda:InvokeFunction',
    'lambda:UpdateFunctionConfiguration',
    's3:GetObject',
    's3:ListBucket',
    's3:PutObject',
  ]);
});

test('Athena: the invocations table over the runs, projected on run_id, in lambench\'s columns', () => {
  const tables = Object.values(resources('AWS::Glue::Table'));
  assert.equal(tables.length, 1);
  const input = tables[0].Properties.TableInput;
  assert.equal(input.Name, 'invocations');
  assert.deepEqual(input.PartitionKeys, [{ Name: 'run_id', Type: 'string' }]);
  assert.equal(input.Parameters['projection.enabled'], 'true');
  assert.equal(input.Parameters['projection.run_id.type'], 'injected');
  // The location template ends in the Hive folder the collector writes: lambench/run_id=<id>/.
  const template_ = JSON.stringify(input.Parameters['storage.location.template']);
  assert.match(template_, /\/lambench\/run_id=\$\{run_id\}\//);
  const columns = input.StorageDescriptor.Columns;
  assert.deepEqual(
    columns.map((c: any) => c.Name),
    matrix.columns.map((c) => c.name),
  );
  const type = Object.fromEntries(columns.map((c: any) => [c.Name, c.Type]));
  assert.deepEqual(
    [type.backend, type.memory_mb, type.billed_duration_ms, type.duration_ms, type.is_warmup, type.invoked_at],
    ['string', 'int', 'bigint', 'double', 'boolean', 'timestamp'],
  );
  assert.equal(input.StorageDescriptor.SerdeInfo.SerializationLibrary, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
});

test('Athena: a workgroup with a scan limit and encrypted results that expire', () => {
  template.hasResourceProperties('AWS::Athena::WorkGroup', {
    RecursiveDeleteOption: true,
    WorkGroupConfiguration: Match.objectLike({
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: SCAN_LIMIT_BYTES,
      ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
    }),
  });
  template.hasResourceProperties('AWS::S3::Bucket', {
    LifecycleConfiguration: {
      Rules: Match.arrayWith([Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' })]),
    },
  });
  const [, query] = Object.entries(resources('AWS::IAM::ManagedPolicy')).find(([id]) => id.includes('QueryPolicy'))!;
  const actions = query.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()).sort();
  assert.deepEqual(actions, [
    'athena:GetQueryExecution',
    'athena:GetQueryResults',
    'athena:GetWorkGroup',
    'athena:StartQueryExecution',
    'athena:StopQueryExecution',
    'glue:GetDatabase',
    'glue:GetPartitions',
    'glue:GetTable',
    's3:AbortMultipartUpload',
    's3:GetBucketLocation',
    's3:GetObject',
    's3:GetObject',
    's3:ListBucket',
    's3:PutObject',
  ]);
  const outputs = template.toJSON().Outputs;
  for (const o of ['AthenaDatabase', 'AthenaWorkGroup', 'AthenaQueryPolicyArn']) assert.ok(outputs[o], `output ${o}`);
});

test('cdk-nag AwsSolutions: no unsuppressed findings', () => {
  const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  assert.deepEqual(errors.map((e) => e.entry.data), []);
  assert.deepEqual(warnings.map((e) => e.entry.data), []);
});

test('the EC2 runner: instance profile, collector policy, its own log group and prefixes', () => {
  template.resourceCountIs('AWS::IAM::InstanceProfile', 1);
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: Match.objectLike({
      Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
    }),
    ManagedPolicyArns: [Match.anyValue()],
  });
  template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/lambench/runner', RetentionInDays: 14 });
  const outputs = template.toJSON().Outputs;
  for (const o of ['ResultsBucketName', 'RunnerInstanceProfileName', 'RunnerLogGroupName', 'CollectorPolicyArn']) {
    assert.ok(outputs[o], `output ${o}`);
  }
});

test('the matrix comes from lambench: handlers and timeouts as bench.toml and the model say', () => {
  const byName = new Map(functions(matrix).map((f) => [f.name, f]));
  const rust = byName.get('lambench-rust-arm64-light');
  const python = byName.get('lambench-python3-13-x86_64-memory-intensive');
  assert.equal(rust?.handler, 'bootstrap');
  assert.equal(rust?.sourceDir, null);
  assert.equal(python?.handler, 'handler.handler');
  assert.equal(python?.sourceDir, 'handlers/python/memory-intensive');
  assert.equal(python?.workload.timeoutS, 900);
});

test('a bad matrix file fails the synth with lambench\'s message naming the key', () => {
  const bad = join(mkdtempSync(join(tmpdir(), 'lambench-matrix-')), 'bench.toml');
  writeFileSync(bad, readFileSync(join(repoRoot, 'bench.toml'), 'utf8').replace('timeout_s = 30\n', 'timeout_s = 901\n'));
  assert.throws(() => loadMatrix(bad, lambenchBinary(repoRoot)), /workloads\.light\.timeout_s/);
  assert.throws(() => loadMatrix(bad, join(repoRoot, 'no-such-lambench')), /build lambench first/);
});

test('a runtime near its deprecation dates warns; once Lambda blocks creating it, the synth stops with the fix', () => {
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('nodejs20.x: deprecated since 2026-04-30'));
  assert.equal(warnings.length, 1);
  const later = loadMatrix(join(repoRoot, 'bench.toml'), lambenchBinary(repoRoot), '2027-02-01');
  assert.throws(
    () => new LambenchStack(new App(), 'Later', { matrix: later, repoRoot, rustCode: () => lambda.Code.fromAsset(join(repoRoot, 'infra', 'placeholder')) }),
    /nodejs20\.x: .*a new deployment fails: remove it from bench\.toml/,
  );
});
