// `npm run ec2 -- --production [--run-id ID] [--binary PATH] [-- <collect args>]`: an
// unattended run on an EC2 instance with the stack's instance profile (no expiring SSO
// session), logs in CloudWatch, results and report in the stack's bucket; the instance
// terminates itself. See infra/README.md.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RUN_ID, RunnerOptions } from './options';
import { runInstancesInput } from './request';

const USAGE = `usage: npm run ec2 -- --test|--balanced|--production [--run-id ID] [--binary PATH]
       [--architecture arm64|x86_64] [--instance-type TYPE] [--max-hours N] [--stack NAME] [--region R]
       [-- <more lambench collect arguments>]
--binary is a lambench built for Linux on that architecture (default target/release/lambench).`;

export function parse(argv: string[], env: NodeJS.ProcessEnv) {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const collectArgs = dash < 0 ? [] : argv.slice(dash + 1);
  const { values } = parseArgs({
    args: own,
    options: {
      test: { type: 'boolean' },
      balanced: { type: 'boolean' },
      production: { type: 'boolean' },
      'run-id': { type: 'string' },
      binary: { type: 'string', default: '../target/release/lambench' },
      architecture: { type: 'string', default: process.arch === 'arm64' ? 'arm64' : 'x86_64' },
      'instance-type': { type: 'string' },
      'max-hours': { type: 'string', default: '3' },
      stack: { type: 'string', default: 'Lambench' },
      region: { type: 'string', default: env.AWS_REGION ?? env.CDK_DEFAULT_REGION ?? 'us-east-2' },
    },
  });
  const modes = (['test', 'balanced', 'production'] as const).filter((m) => values[m]);
  if (modes.length !== 1) throw new Error(`choose one mode\n${USAGE}`);
  const arch = values.architecture;
  if (arch !== 'arm64' && arch !== 'x86_64') throw new Error(`unknown architecture ${arch}\n${USAGE}`);
  const runId = values['run-id'] ?? new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19) + 'Z';
  if (!RUN_ID.test(runId)) throw new Error(`run id ${runId} may hold only letters, digits, '.', '_' and '-'`);
  const maxHours = Number(values['max-hours']);
  if (!(maxHours > 0 && maxHours <= 24)) throw new Error(`--max-hours must be in (0, 24]\n${USAGE}`);
  return {
    mode: modes[0],
    runId,
    binary: values.binary!,
    architecture: arch as RunnerOptions['architecture'],
    instanceType: values['instance-type'] ?? (arch === 'arm64' ? 'c7g.large' : 'c7i.large'),
    maxHours,
    stack: values.stack!,
    region: values.region!,
    collectArgs,
  };
}

async function main() {
  const args = parse(process.argv.slice(2), process.env);
  const cfn = new CloudFormationClient({ region: args.region });
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: args.stack }))).Stacks?.[0];
  const output = (key: string) => {
    const v = stack?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
    if (!v) throw new Error(`stack ${args.stack} has no output ${key}: deploy infra/ first (npm run deploy)`);
    return v;
  };
  const options: RunnerOptions = {
    ...args,
    bucket: output('ResultsBucketName'),
    instanceProfile: output('RunnerInstanceProfileName'),
    logGroup: output('RunnerLogGroupName'),
    binaryKey: `bin/${args.runId}/lambench`,
  };
  await new S3Client({ region: args.region }).send(
    new PutObjectCommand({ Bucket: options.bucket, Key: options.binaryKey, Body: readFileSync(args.binary) }),
  );
  const run = await new EC2Client({ region: args.region }).send(new RunInstancesCommand(runInstancesInput(options)));
  const id = run.Instances?.[0]?.InstanceId;
  console.log(`launched ${id} (${options.instanceType}) for run ${options.runId}; it terminates itself within ${options.maxHours} h`);
  console.log(`follow it:   aws logs tail ${options.logGroup} --log-stream-names ${options.runId} --follow --region ${args.region}`);
  console.log(`data:        s3://${options.bucket}/lambench/run_id=${options.runId}/`);
  console.log(`report:      s3://${options.bucket}/reports/${options.runId}/index.html`);
  console.log(`stop early:  aws ec2 terminate-instances --instance-ids ${id} --region ${args.region}  (then lambench collect --resume ${options.runId} ...)`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`error: ${e.message ?? e}`);
    process.exit(1);
  });
}
