// The lambench stack: the benchmark functions of bench.toml, their log groups and roles, the
// run-ledger and test-data tables, the private results bucket, the collector's policy, and the
// Athena table over the results (athena.ts).
import { join } from 'node:path';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ATHENA_RESULTS_EXPIRY, ATHENA_RESULTS_PREFIX, ResultsCatalog } from './athena';
import { FunctionSpec, Matrix, functions } from './matrix';

/** Memory the functions are deployed with; the collector sets each cell's size at run time. */
export const DEPLOY_MEMORY_MB = 1769;

export interface LambenchStackProps extends StackProps {
  matrix: Matrix;
  /** The repository root (handlers/ and dist/ live there). */
  repoRoot: string;
  /** Code of a Rust function; default: dist/<function>.zip from `lambench package`. */
  rustCode: (f: FunctionSpec) => lambda.Code;
}

export class LambenchStack extends Stack {
  readonly functions: lambda.Function[] = [];
  readonly ledger: dynamodb.Table;
  readonly testData: dynamodb.Table;
  readonly results: s3.Bucket;
  readonly collectorPolicy: iam.ManagedPolicy;
  readonly catalog: ResultsCatalog;

  constructor(scope: Construct, id: string, props: LambenchStackProps) {
    super(scope, id, props);
    const { matrix } = props;
    this.checkRuntimes(matrix);
    this.ledger = new dynamodb.Table(this, 'Ledger', {
      tableName: matrix.ledgerTable,
      partitionKey: { name: 'run_id', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expires_at',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.testData = new dynamodb.Table(this, 'TestData', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.results = this.resultsBucket();
    const computeRole = this.role('ComputeRole', 'cpu-intensive and memory-intensive functions: logs only');
    const lightRole = this.role('LightRole', 'light functions: logs and their test-data table');
    this.testData.grant(lightRole, 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem');
    for (const f of functions(matrix)) {
      const role = f.workload.usesDynamodb ? lightRole : computeRole;
      this.functions.push(this.benchmarkFunction(f, role, props));
    }
    this.collectorPolicy = this.collector(matrix);
    this.runner();
    this.catalog = new ResultsCatalog(this, 'Athena', {
      bucket: this.results,
      columns: matrix.columns,
      partitionColumn: matrix.partitionColumn,
    });
    new CfnOutput(this, 'AthenaDatabase', { value: this.catalog.databaseName });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.catalog.workGroupName });
    new CfnOutput(this, 'AthenaQueryPolicyArn', { value: this.catalog.queryPolicy.managedPolicyArn });
    new CfnOutput(this, 'ResultsBucket', { value: `s3://${this.results.bucketName}/lambench` });
    new CfnOutput(this, 'ResultsBucketName', { value: this.results.bucketName });
    new CfnOutput(this, 'LedgerTable', { value: this.ledger.tableName });
    new CfnOutput(this, 'CollectorPolicyArn', { value: this.collectorPolicy.managedPolicyArn });
    this.suppressions(computeRole, lightRole);
  }

  /** Lambda's deprecation schedule, as lambench judges it (bench.toml's dates): a runtime
   * whose functions can no longer be created stops the synth with the fix; one near a date
   * is a warning on the stack. */
  private checkRuntimes(matrix: Matrix) {
    const blocked = matrix.runtimes.filter((r) => r.blocksDeploy);
    if (blocked.length) throw new Error(blocked.map((r) => r.notice ?? r.id).join('\n'));
    for (const r of matrix.runtimes) {
      if (r.notice) Annotations.of(this).addWarningV2('lambench:runtime-lifecycle', r.notice);
    }
  }

  private resultsBucket(): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(accessLogs, [
      { id: 'AwsSolutions-S1', reason: 'This is the access-log bucket of the results bucket; logging it would recurse.' },
    ]);
    return new s3.Bucket(this, 'Results', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'results/',
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(7), noncurrentVersionExpiration: Duration.days(30) },
        { prefix: `${ATHENA_RESULTS_PREFIX}/`, expiration: ATHENA_RESULTS_EXPIRY },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private role(id: string, description: string): iam.Role {
    return new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `lambench ${description}`,
    });
  }

  private benchmarkFunction(f: FunctionSpec, role: iam.Role, props: LambenchStackProps): lambda.Function {
    const logGroup = new logs.LogGroup(this, `Logs-${f.name}`, {
      logGroupName: `/aws/lambda/${f.name}`,
      retention: logs.RetentionDays.THREE_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(role);
    const { code, handler, family } = this.codeOf(f, props);
    const environment: Record<string, string> = { LAMBENCH_WORKLOAD: f.workload.name };
    if (f.workload.usesDynamodb) environment.DYNAMODB_TABLE_NAME = this.testData.tableName;
    const fn = new lambda.Function(this, f.name, {
      functionName: f.name,
      runtime: new lambda.Runtime(f.runtime.id, family),
      architecture: f.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      code,
      handler,
      memorySize: DEPLOY_MEMORY_MB,
      timeout: Duration.seconds(f.workload.timeoutS),
      role,
      logGroup,
      environment,
    });
    fn.node.addDependency(logGroup);
    return fn;
  }

  /** The function's code: its handler's folder from the checkout, or the built Rust zip. The
   * handler and the folder are lambench's ([`FunctionSpec`]); only CDK's family is named here. */
  private codeOf(f: FunctionSpec, props: LambenchStackProps) {
    const family = {
      python: lambda.RuntimeFamily.PYTHON,
      nodejs: lambda.RuntimeFamily.NODEJS,
      rust: lambda.RuntimeFamily.OTHER,
    }[f.runtime.language];
    const code =
      f.sourceDir === null
        ? props.rustCode(f)
        : lambda.Code.fromAsset(join(props.repoRoot, f.sourceDir), { exclude: ['__pycache__', '*.pyc'] });
    return { code, handler: f.handler, family };
  }

  /** Exactly what `lambench collect` needs on AWS, for the user or role that runs it. */
  private collector(matrix: Matrix): iam.ManagedPolicy {
    const fnArns = this.functions.map((f) => f.functionArn);
    return new iam.ManagedPolicy(this, 'CollectorPolicy', {
      description: 'lambench collect: discover, configure and invoke the benchmark functions; write results',
      statements: [
        new iam.PolicyStatement({
          sid: 'Discover',
          actions: ['cloudformation:ListStackResources'],
          resources: [this.stackId],
        }),
        new iam.PolicyStatement({
          sid: 'Benchmark',
          actions: [
            'lambda:GetFunction',
            'lambda:GetFunctionConfiguration',
            'lambda:UpdateFunctionConfiguration',
            'lambda:InvokeFunction',
          ],
          resources: fnArns,
        }),
        new iam.PolicyStatement({
          sid: 'Results',
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [this.results.arnForObjects('lambench/*')],
        }),
        new iam.PolicyStatement({
          sid: 'ListResults',
          actions: ['s3:ListBucket'],
          resources: [this.results.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'Ledger',
          actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query'],
          resources: [this.ledger.tableArn],
        }),
      ],
    });
  }

  /** The role, instance profile and log group of unattended runs on EC2 (infra/runner): the
   * collector policy, the uploaded binary, the report prefix and its own log streams. Owned by
   * the stack, so nothing is left behind by a run, and `cdk destroy` removes them. */
  private runner() {
    const logGroup = new logs.LogGroup(this, 'RunnerLogs', {
      logGroupName: '/lambench/runner',
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'RunnerRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'lambench unattended runs on EC2 (infra/runner)',
      managedPolicies: [this.collectorPolicy],
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.results.arnForObjects('bin/*')] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.results.arnForObjects('reports/*')] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const profile = new iam.CfnInstanceProfile(this, 'RunnerProfile', { roles: [role.roleName] });
    new CfnOutput(this, 'RunnerInstanceProfileName', { value: profile.ref });
    new CfnOutput(this, 'RunnerLogGroupName', { value: logGroup.logGroupName });
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'the uploaded binary (bin/*), the report pages (reports/*) and the log streams (:*) are named per run.',
        },
      ],
      true,
    );
  }

  private suppressions(...roles: iam.Role[]) {
    for (const role of roles) {
      NagSuppressions.addResourceSuppressions(
        role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason: 'log-stream ARNs of the function\'s own log group (":*"): streams are created per execution environment, their names cannot be known in advance.',
          },
        ],
        true,
      );
    }
    NagSuppressions.addResourceSuppressions(this.collectorPolicy, [
      { id: 'AwsSolutions-IAM5', reason: 'objects under the results prefix (lambench/*): one Parquet file per cell, named at run time.' },
    ]);
    for (const fn of this.functions) {
      NagSuppressions.addResourceSuppressions(fn, [
        { id: 'AwsSolutions-L1', reason: 'Benchmarking older runtimes (e.g. python3.11, nodejs20.x) is the point of this function.' },
      ]);
    }
  }
}
