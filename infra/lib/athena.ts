// The results as an Athena table, for data that outgrows one machine or a team sharing one
// bucket (README, "Many runs: Athena"): a Glue database with an `invocations` table over
// s3://<bucket>/lambench/ in the columns lambench writes (`lambench matrix --json`), one
// partition per run found by partition projection (no crawler, no MSCK REPAIR TABLE), and a
// workgroup that keeps its results in the bucket, encrypted, and cancels a query past a scan
// limit. `lambench analyze` stays the default; nothing here is needed to use it.
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { Column } from './matrix';

/** Where the collector writes runs in the bucket (`collect --out s3://<bucket>/lambench`). */
export const RESULTS_PREFIX = 'lambench';
/** Where Athena writes query results in the bucket; they expire (see `ATHENA_RESULTS_EXPIRY`). */
export const ATHENA_RESULTS_PREFIX = 'athena-results';
export const ATHENA_RESULTS_EXPIRY = Duration.days(7);
/** What one query may scan before the workgroup cancels it: 10 GiB, about $0.05 at Athena's
 * $5 per TB, and about 40 production runs of all columns. */
export const SCAN_LIMIT_BYTES = 10 * 1024 ** 3;
export const TABLE_NAME = 'invocations';

export interface ResultsCatalogProps {
  bucket: s3.IBucket;
  /** The Parquet files' columns and their Athena types (`lambench matrix --json`). */
  columns: Column[];
  /** The Hive partition column the runs are stored under (`run_id`). */
  partitionColumn: string;
}

export class ResultsCatalog extends Construct {
  readonly databaseName: string;
  readonly workGroupName: string;
  /** Exactly what querying the table in the workgroup takes, for the people who do. */
  readonly queryPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ResultsCatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Glue names: lower case, digits and underscores. Per stack, so two stacks can share an
    // account; nothing here is retained, so a redeploy after `cdk destroy` creates them again.
    this.databaseName = stack.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    this.workGroupName = `${stack.stackName}-results`;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'lambench results (docs/schema.md)' },
    });
    const table = this.table(props);
    table.addDependency(database);
    new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'lambench queries over the results bucket (infra/lib/athena.ts)',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: SCAN_LIMIT_BYTES,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: props.bucket.s3UrlForObject(`${ATHENA_RESULTS_PREFIX}/`),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    this.queryPolicy = this.policy(props.bucket);
  }

  private table(props: ResultsCatalogProps): glue.CfnTable {
    const p = props.partitionColumn;
    const runs = props.bucket.s3UrlForObject(`${RESULTS_PREFIX}/`);
    return new glue.CfnTable(this, 'Invocations', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: TABLE_NAME,
        description: 'One row per invocation attempt, one partition per run (docs/schema.md)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: p, type: 'string' }],
        parameters: {
          classification: 'parquet',
          // Run ids are free-form, so the query names them (`WHERE run_id = '…'`): Athena reads
          // only those runs' folders, and a new run needs no catalog update.
          'projection.enabled': 'true',
          [`projection.${p}.type`]: 'injected',
          'storage.location.template': `${runs}${p}=\${${p}}/`,
        },
        storageDescriptor: {
          location: runs,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          columns: props.columns.map((c) => ({ name: c.name, type: c.glueType })),
        },
      },
    });
  }

  private policy(bucket: s3.IBucket): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const glueArn = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName });
    const policy = new iam.ManagedPolicy(this, 'QueryPolicy', {
      description: 'lambench on Athena: query the results table in its workgroup',
      statements: [
        new iam.PolicyStatement({
          sid: 'Query',
          actions: [
            'athena:GetWorkGroup',
            'athena:StartQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:StopQueryExecution',
          ],
          resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
        }),
        new iam.PolicyStatement({
          sid: 'Catalog',
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
          resources: [
            glueArn('catalog'),
            glueArn('database', this.databaseName),
            glueArn('table', `${this.databaseName}/${TABLE_NAME}`),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ReadRuns',
          actions: ['s3:GetObject'],
          resources: [bucket.arnForObjects(`${RESULTS_PREFIX}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'QueryResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: [bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'Bucket',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [bucket.bucketArn],
        }),
      ],
    });
    NagSuppressions.addResourceSuppressions(policy, [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'objects under the runs prefix (lambench/*) and the query-results prefix (athena-results/*) are named per run and per query.',
      },
    ]);
    return policy;
  }
}
