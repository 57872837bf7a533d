// The benchmark matrix as `lambench matrix --json` prints it. bench.toml is parsed and
// validated by lambench alone (model/src/matrix.rs), and each function's name, handler,
// entry file, source folder and timeout come from there (model/src/language.rs): infra/
// has no TOML parser and no second copy of any of them.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Language = 'python' | 'nodejs' | 'rust';
export type Architecture = 'arm64' | 'x86_64';

export interface Runtime {
  id: string;
  language: Language;
  slug: string;
  /** Lambda blocks creating its functions (bench.toml's dates, judged by lambench). */
  blocksDeploy: boolean;
  /** The warning or refusal lambench gives for it today, with the fix; null when none. */
  notice: string | null;
}

export interface Workload {
  name: string;
  memoryMb: number[];
  timeoutS: number;
  usesDynamodb: boolean;
}

export interface FunctionSpec {
  name: string;
  runtime: Runtime;
  architecture: Architecture;
  workload: Workload;
  /** Lambda's Handler setting. */
  handler: string;
  /** The handler's folder relative to the repository root; null when it is built (Rust). */
  sourceDir: string | null;
}

/** A column of the Parquet files lambench writes, with its Athena (Glue) type. */
export interface Column {
  name: string;
  glueType: string;
}

export interface Matrix {
  stackName: string;
  ledgerTable: string;
  defaultRegion: string;
  architectures: Architecture[];
  runtimes: Runtime[];
  workloads: Workload[];
  functions: FunctionSpec[];
  /** The results' columns (model/src/record.rs), for the Athena table over the bucket. */
  columns: Column[];
  /** The Hive partition column runs are stored under. */
  partitionColumn: string;
}

/** The lambench binary to ask: LAMBENCH_BIN, else the newest build in the checkout's target
 * folder (CARGO_TARGET_DIR or target/, release or debug), else `lambench` on PATH. */
export function lambenchBinary(repoRoot: string): string {
  if (process.env.LAMBENCH_BIN) return process.env.LAMBENCH_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(repoRoot, 'target');
  const built = ['release', 'debug']
    .map((profile) => join(target, profile, 'lambench'))
    .filter((path) => existsSync(path))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return built[0] ?? 'lambench';
}

/** Runs `lambench matrix --json` on the matrix file at `path`; its errors name the key to fix.
 * `today` (YYYY-MM-DD) judges the runtimes' deprecation dates on another day than today. */
export function loadMatrix(path: string, binary: string, today?: string): Matrix {
  let out: string;
  try {
    const env = today === undefined ? process.env : { ...process.env, LAMBENCH_TODAY: today };
    out = execFileSync(binary, ['--matrix', path, 'matrix', '--json'], {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e: any) {
    if (e.code === 'ENOENT') {
      throw new Error(
        `cannot run ${binary} to read ${path}: build lambench first (cargo install --path cli) ` +
          'or set LAMBENCH_BIN to its path',
      );
    }
    throw new Error(`${binary} --matrix ${path} matrix --json failed: ${String(e.stderr || e.message).trim()}`);
  }
  const doc = JSON.parse(out);
  if (
    !Array.isArray(doc.runtimes) ||
    !Array.isArray(doc.workloads) ||
    !doc.functions?.[0]?.handler ||
    !Array.isArray(doc.parquet_columns)
  ) {
    throw new Error(
      `${binary} is older than this checkout (its matrix --json lacks runtimes, workloads, handlers or parquet_columns): rebuild it`,
    );
  }
  return fromJson(doc);
}

/** The typed matrix from `lambench matrix --json`'s document (docs/matrix.md). */
export function fromJson(doc: any): Matrix {
  const runtimes: Runtime[] = doc.runtimes.map((r: any) => ({
    id: r.id,
    language: r.language,
    slug: r.slug,
    blocksDeploy: r.blocks_deploy,
    notice: r.notice,
  }));
  const workloads: Workload[] = doc.workloads.map((w: any) => ({
    name: w.name,
    memoryMb: w.memory_mb,
    timeoutS: w.timeout_s,
    usesDynamodb: w.uses_dynamodb,
  }));
  const find = <T>(list: T[], ok: (x: T) => boolean, what: string): T => {
    const found = list.find(ok);
    if (found === undefined) throw new Error(`lambench matrix --json: function of unknown ${what}`);
    return found;
  };
  const functions: FunctionSpec[] = doc.functions.map((f: any) => ({
    name: f.name,
    runtime: find(runtimes, (r) => r.id === f.runtime, `runtime ${f.runtime}`),
    architecture: f.architecture,
    workload: find(workloads, (w) => w.name === f.workload, `workload ${f.workload}`),
    handler: f.handler,
    sourceDir: f.source_dir,
  }));
  return {
    stackName: doc.stack_name,
    ledgerTable: doc.ledger_table,
    defaultRegion: doc.default_region,
    architectures: doc.architectures,
    runtimes,
    workloads,
    functions,
    columns: doc.parquet_columns.map((c: any) => ({ name: c.name, glueType: c.glue_type })),
    partitionColumn: doc.partition_column,
  };
}

/** Every function of the matrix, named as lambench names them. */
export function functions(m: Matrix): FunctionSpec[] {
  return m.functions;
}
