// The CDK app: one stack, named and sized by bench.toml. See infra/README.md.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Aspects } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FunctionSpec, lambenchBinary, loadMatrix } from '../lib/matrix';
import { LambenchStack } from '../lib/stack';

const repoRoot = resolve(__dirname, '..', '..');
const matrix = loadMatrix(process.env.LAMBENCH_MATRIX ?? join(repoRoot, 'bench.toml'), lambenchBinary(repoRoot));
const dist = process.env.LAMBENCH_DIST ?? join(repoRoot, 'dist');
const placeholder = join(repoRoot, 'infra', 'placeholder');

/** dist/<function>.zip from `lambench package --arch all`; a placeholder only for offline synth checks. */
function rustCode(f: FunctionSpec): lambda.Code {
  const zip = join(dist, `${f.name}.zip`);
  if (existsSync(zip)) return lambda.Code.fromAsset(zip);
  if (process.env.LAMBENCH_PLACEHOLDER_RUST === '1') return lambda.Code.fromAsset(placeholder);
  throw new Error(
    `${zip} is missing: build the Rust functions first with \`lambench package --arch all\` ` +
      '(needs `pip install ziglang cargo-lambda` for the other architecture), or set LAMBENCH_DIST',
  );
}

const app = new App();
new LambenchStack(app, matrix.stackName, {
  matrix,
  repoRoot,
  rustCode,
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? matrix.defaultRegion,
  },
  description: 'lambench: arm64 vs x86_64 benchmark functions, run ledger and results bucket',
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
