// What an unattended run on EC2 is told to do, and where it finds the stack's resources.
export interface RunnerOptions {
  /** Collector mode: test, balanced or production. */
  mode: 'test' | 'balanced' | 'production';
  runId: string;
  region: string;
  /** The CloudFormation stack the collector discovers the functions from. */
  stack: string;
  /** From the stack's outputs. */
  bucket: string;
  instanceProfile: string;
  logGroup: string;
  /** S3 key of the uploaded lambench binary. */
  binaryKey: string;
  architecture: 'arm64' | 'x86_64';
  instanceType: string;
  /** Hard limit: the instance shuts down (and so terminates) after this, whatever happens. */
  maxHours: number;
  /** Extra `lambench collect` arguments (filters, --concurrency, ...). */
  collectArgs: string[];
}

/** One shell word, single-quoted so nothing in it is interpreted. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Run ids name a folder (`run_id=<id>`): as the collector requires, letters, digits, '.',
 * '_' and '-', not starting with '.'. */
export const RUN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
