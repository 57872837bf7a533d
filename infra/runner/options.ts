// What an unattended run on EC2 is told to do, and where it finds the stack's resources.
export interface RunnerOptions {
  /** Collector mode: test, balanced or production. */
  mode: 'test' | 'balanced' | 'production';
  runId: string;
  region: string;
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
