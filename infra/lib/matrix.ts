// The benchmark matrix, read from the same bench.toml the collector and the emulator read:
// there is no second list of runtimes, workloads or memory sizes anywhere in infra/.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

export type Language = 'python' | 'nodejs' | 'rust';
export type Architecture = 'arm64' | 'x86_64';

export interface Runtime {
  id: string;
  language: Language;
  slug: string;
}

export interface Workload {
  name: string;
  memoryMb: number[];
  usesDynamodb: boolean;
}

export interface Matrix {
  functionName: string;
  stackName: string;
  ledgerTable: string;
  defaultRegion: string;
  architectures: Architecture[];
  runtimes: Runtime[];
  workloads: Workload[];
}

export interface FunctionSpec {
  name: string;
  runtime: Runtime;
  architecture: Architecture;
  workload: Workload;
}

function fail(path: string, why: string): never {
  throw new Error(`${path}: ${why} (see docs/matrix.md; \`lambench matrix\` validates the file)`);
}

/** Reads and checks bench.toml; the checks that matter for deployment, the rest is the Rust side's. */
export function loadMatrix(path: string): Matrix {
  const raw = parse(readFileSync(path, 'utf8')) as Record<string, any>;
  const str = (key: string): string =>
    typeof raw[key] === 'string' ? raw[key] : fail(path, `${key} must be a string`);
  const architectures = (raw.architectures ?? []) as string[];
  for (const a of architectures) {
    if (a !== 'arm64' && a !== 'x86_64') fail(path, `unknown architecture ${a}`);
  }
  const runtimes = ((raw.runtimes ?? []) as any[]).map((r) => {
    if (!['python', 'nodejs', 'rust'].includes(r.language)) {
      fail(path, `runtime ${r.id}: unknown language ${r.language}`);
    }
    return { id: String(r.id), language: r.language as Language, slug: String(r.slug) };
  });
  const workloads = Object.entries((raw.workloads ?? {}) as Record<string, any>).map(
    ([name, w]) => ({
      name,
      memoryMb: (w.memory_mb ?? []) as number[],
      usesDynamodb: Boolean(w.uses_dynamodb),
    }),
  );
  if (!runtimes.length || !workloads.length || !architectures.length) {
    fail(path, 'runtimes, workloads and architectures must not be empty');
  }
  return {
    functionName: str('function_name'),
    stackName: str('stack_name'),
    ledgerTable: typeof raw.ledger_table === 'string' ? raw.ledger_table : 'lambench-runs',
    defaultRegion: str('default_region'),
    architectures: architectures as Architecture[],
    runtimes,
    workloads,
  };
}

/** Every function of the matrix, named by its pattern (as `Matrix::function_name` in Rust). */
export function functions(m: Matrix): FunctionSpec[] {
  const out: FunctionSpec[] = [];
  for (const runtime of m.runtimes) {
    for (const architecture of m.architectures) {
      for (const workload of m.workloads) {
        const name = m.functionName
          .replace('{runtime}', runtime.slug)
          .replace('{architecture}', architecture)
          .replace('{workload}', workload.name);
        if (name.length > 64) throw new Error(`function name ${name} is over Lambda's 64 characters`);
        out.push({ name, runtime, architecture, workload });
      }
    }
  }
  return out;
}
