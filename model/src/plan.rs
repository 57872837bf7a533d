//! The plan: which cells run, how many samples each, and in which groups. The collector makes
//! and runs it; it is stored in the run's manifest ([`crate::manifest`]), which the report
//! reads back.

use std::collections::BTreeMap;

use crate::rng::SplitMix64;
use crate::{FunctionSpec, Language, Matrix, Mode};

/// The estimate's Duration (ms) at one full vCPU for a workload and language `bench.toml`
/// gives no `expected_ms` for: a light handler's.
pub const UNKNOWN_EXPECTED_MS: f64 = 40.0;
use serde::{Deserialize, Serialize};

/// One (function, memory size) cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub function: FunctionSpec,
    pub memory_mb: u32,
}

impl Cell {
    /// The cell's file name stem: `<function>-<memory>`.
    pub fn part(&self) -> String {
        format!("{}-{}", self.function.name, self.memory_mb)
    }
}

/// Restrictions from the command line; empty means everything.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub runtimes: Vec<String>,
    pub architectures: Vec<String>,
    pub workloads: Vec<String>,
    pub memory_mb: Vec<u32>,
}

impl Filters {
    fn keeps(&self, f: &FunctionSpec, memory: u32) -> bool {
        let ok = |list: &Vec<String>, v: &str| list.is_empty() || list.iter().any(|x| x == v);
        ok(&self.runtimes, &f.runtime)
            && ok(&self.architectures, f.architecture.as_str())
            && ok(&self.workloads, &f.workload)
            && (self.memory_mb.is_empty() || self.memory_mb.contains(&memory))
    }
}

/// One round of one cell: what the schedule runs and the sink stores as one Parquet part.
/// Its samples are the round's share of the cell's cold and warm samples (`mode.share`), with
/// the indices they have within the whole cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRound {
    pub cell: Cell,
    /// From 1.
    pub round: u32,
    /// Index of the round's first cold sample, and how many it takes.
    pub cold_first: u32,
    pub cold: u32,
    /// Index of the round's first warm sample, and how many it takes.
    pub warm_first: u32,
    pub warm: u32,
}

impl CellRound {
    /// The part (file name stem and manifest key): `<function>-<memory>-r<round>`.
    pub fn part(&self) -> String {
        format!("{}-r{}", self.cell.part(), self.round)
    }

    /// Warm environments: as many as the function's parallelism (each costs one flagged
    /// warm-up), never more than the round's warm samples.
    pub fn lanes(&self, parallelism: u32) -> u32 {
        parallelism.max(1).min(self.warm)
    }

    /// Invocations the round makes when nothing fails or retries.
    pub fn invocations(&self, parallelism: u32) -> u64 {
        u64::from(self.cold + self.lanes(parallelism) + self.warm)
    }
}

/// Cells to run, samples per cell and the event each workload gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub mode_name: String,
    pub mode: Mode,
    pub cells: Vec<Cell>,
    /// JSON event per workload.
    pub events: BTreeMap<String, String>,
    /// Workloads that call DynamoDB (their duration barely scales with CPU).
    pub network_workloads: Vec<String>,
    /// `bench.toml`'s expected Duration per workload and language at one full vCPU, for the
    /// estimate (manifests written before it have none).
    #[serde(default)]
    pub expected_ms: BTreeMap<String, BTreeMap<Language, f64>>,
    /// Seeds the order of memory sizes in each round, so a resumed run keeps its order.
    /// Manifests of format 1 (one round, no order to keep) have none.
    #[serde(default)]
    pub seed: u64,
}

impl Plan {
    /// Every cell of `functions` (those that exist on the target) that passes the filters.
    pub fn new(
        matrix: &Matrix,
        mode_name: &str,
        mode: Mode,
        functions: &[FunctionSpec],
        filters: &Filters,
        seed: u64,
    ) -> Plan {
        let mut cells = Vec::new();
        for f in functions {
            let mut sizes = matrix.workloads[&f.workload].memory_mb.clone();
            sizes.sort_unstable();
            for memory_mb in sizes {
                if filters.keeps(f, memory_mb) {
                    cells.push(Cell {
                        function: f.clone(),
                        memory_mb,
                    });
                }
            }
        }
        let events = matrix
            .workloads
            .iter()
            .map(|(name, w)| {
                let json = serde_json::to_string(&w.event).unwrap_or_else(|_| "{}".into());
                (name.clone(), json)
            })
            .collect();
        let network_workloads = matrix
            .workloads
            .iter()
            .filter(|(_, w)| w.uses_dynamodb)
            .map(|(name, _)| name.clone())
            .collect();
        let expected_ms = matrix
            .workloads
            .iter()
            .map(|(name, w)| (name.clone(), w.expected_ms.clone()))
            .collect();
        Plan {
            mode_name: mode_name.to_string(),
            mode,
            cells,
            events,
            network_workloads,
            expected_ms,
            seed,
        }
    }

    /// `f`'s expected Duration (ms) at one full vCPU, from `bench.toml`
    /// ([`UNKNOWN_EXPECTED_MS`] when it does not say).
    pub fn expected_ms(&self, f: &FunctionSpec) -> f64 {
        self.expected_ms
            .get(&f.workload)
            .and_then(|by_language| by_language.get(&f.language))
            .copied()
            .unwrap_or(UNKNOWN_EXPECTED_MS)
    }

    pub fn uses_network(&self, workload: &str) -> bool {
        self.network_workloads.iter().any(|w| w == workload)
    }

    /// The rounds of `cell` that have samples to take (a mode with fewer samples of both
    /// kinds than rounds leaves the last rounds empty; those are not run).
    pub fn rounds(&self, cell: &Cell) -> Vec<CellRound> {
        (0..self.mode.rounds.max(1))
            .map(|r| {
                let (cold_first, cold) = self.mode.share(self.mode.cold, r);
                let (warm_first, warm) = self.mode.share(self.mode.warm, r);
                CellRound {
                    cell: cell.clone(),
                    round: r + 1,
                    cold_first,
                    cold,
                    warm_first,
                    warm,
                }
            })
            .filter(|r| r.cold + r.warm > 0)
            .collect()
    }

    /// Every round of every cell, cell by cell.
    pub fn cell_rounds(&self) -> Vec<CellRound> {
        self.cells.iter().flat_map(|c| self.rounds(c)).collect()
    }

    /// Invocations the plan makes when nothing fails or retries.
    pub fn invocations(&self, parallelism: &BTreeMap<String, u32>) -> u64 {
        self.cell_rounds()
            .iter()
            .map(|r| r.invocations(parallelism.get(&r.cell.function.name).copied().unwrap_or(1)))
            .sum()
    }

    /// The schedule: one group per (runtime, workload), all groups at once; each group a
    /// sequence of steps, run one after the other; each step the ARM64 and x86_64 rounds of
    /// one memory size, run side by side so drifting platform load affects both alike.
    ///
    /// A group runs round 1 of every memory size, then round 2, ...; within a round the sizes
    /// come in a seeded random order (never the size the previous step ran, when there are
    /// two or more), so drift over a run is not mistaken for a memory effect and the rounds
    /// of one cell are separated by other cells' work.
    pub fn schedule(&self) -> Vec<Vec<Vec<CellRound>>> {
        let mut groups: BTreeMap<(&str, &str), BTreeMap<u32, Vec<&Cell>>> = BTreeMap::new();
        for c in &self.cells {
            groups
                .entry((&c.function.runtime, &c.function.workload))
                .or_default()
                .entry(c.memory_mb)
                .or_default()
                .push(c);
        }
        groups
            .into_iter()
            .map(|((runtime, workload), sizes)| {
                let mut rng = SplitMix64::new(self.seed ^ fnv1a(&format!("{runtime}/{workload}")));
                let mut steps = Vec::new();
                let mut last = None;
                for round in 0..self.mode.rounds.max(1) {
                    let order = shuffled(sizes.keys().copied().collect(), &mut rng, last);
                    last = order.last().copied();
                    for memory in order {
                        let step: Vec<CellRound> = sizes[&memory]
                            .iter()
                            .flat_map(|c| self.rounds(c))
                            .filter(|r| r.round == round + 1)
                            .collect();
                        if !step.is_empty() {
                            steps.push(step);
                        }
                    }
                }
                steps
            })
            .collect()
    }
}

/// A seeded Fisher-Yates shuffle that does not start with `avoid` when it can help it.
fn shuffled(mut sizes: Vec<u32>, rng: &mut SplitMix64, avoid: Option<u32>) -> Vec<u32> {
    for i in (1..sizes.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        sizes.swap(i, j);
    }
    if sizes.len() > 1 && sizes.first().copied() == avoid {
        let j = 1 + (rng.next_u64() % (sizes.len() as u64 - 1)) as usize;
        sizes.swap(0, j);
    }
    sizes
}

/// FNV-1a: a stable hash (unlike std's) for seeding per group.
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn plan(mode: Mode) -> Plan {
        let m = Matrix::builtin().unwrap();
        Plan::new(&m, "x", mode, &m.default_run(), &Filters::default(), 7)
    }

    fn production() -> Plan {
        plan(Matrix::builtin().unwrap().mode("production").unwrap())
    }

    #[test]
    fn production_plan_has_294_cells_in_21_groups_of_paired_steps() {
        let p = production();
        assert_eq!(p.cells.len(), 294);
        let schedule = p.schedule();
        assert_eq!(schedule.len(), 21);
        for group in &schedule {
            for step in group {
                assert_eq!(step.len(), 2, "both architectures per memory size");
                assert_eq!(step[0].cell.memory_mb, step[1].cell.memory_mb);
                assert_eq!(step[0].round, step[1].round);
                assert_ne!(
                    step[0].cell.function.architecture,
                    step[1].cell.function.architecture
                );
            }
        }
    }

    #[test]
    fn every_round_of_every_cell_is_scheduled_once() {
        let p = production();
        let scheduled: Vec<String> = p
            .schedule()
            .into_iter()
            .flatten()
            .flatten()
            .map(|r| r.part())
            .collect();
        let unique: BTreeSet<_> = scheduled.iter().cloned().collect();
        assert_eq!(scheduled.len(), unique.len());
        assert_eq!(scheduled.len(), 294 * 3);
        let planned: BTreeSet<_> = p.cell_rounds().iter().map(CellRound::part).collect();
        assert_eq!(unique, planned);
    }

    #[test]
    fn rounds_run_in_order_and_sizes_never_repeat_back_to_back() {
        let p = production();
        for group in p.schedule() {
            let rounds: Vec<u32> = group.iter().map(|s| s[0].round).collect();
            assert!(rounds.windows(2).all(|w| w[0] <= w[1]), "{rounds:?}");
            let sizes: Vec<u32> = group.iter().map(|s| s[0].cell.memory_mb).collect();
            assert!(sizes.windows(2).all(|w| w[0] != w[1]), "{sizes:?}");
        }
    }

    #[test]
    fn memory_order_is_seeded_random_not_ascending() {
        let order = |seed: u64| -> Vec<Vec<u32>> {
            let mut p = production();
            p.seed = seed;
            p.schedule()
                .iter()
                .map(|g| g.iter().map(|s| s[0].cell.memory_mb).collect())
                .collect()
        };
        assert_eq!(order(1), order(1), "the same seed gives the same schedule");
        assert_ne!(order(1), order(2));
        // The first round of each group: its sizes in a shuffled order, rarely ascending.
        let first_rounds: Vec<Vec<u32>> = order(1)
            .into_iter()
            .map(|g| {
                let k = g.iter().collect::<BTreeSet<_>>().len();
                g[..k].to_vec()
            })
            .collect();
        let ascending = first_rounds
            .iter()
            .filter(|g| g.windows(2).all(|w| w[0] < w[1]))
            .count();
        assert!(ascending <= 1, "{first_rounds:?}");
        let firsts: BTreeSet<u32> = first_rounds.iter().map(|g| g[0]).collect();
        assert!(firsts.len() > 2, "{firsts:?}");
    }

    #[test]
    fn rounds_split_the_samples_and_skip_empty_ones() {
        let p = plan(Mode {
            cold: 5,
            warm: 10,
            rounds: 3,
        });
        let rounds = p.rounds(&p.cells[0]);
        let shares: Vec<_> = rounds
            .iter()
            .map(|r| (r.round, r.cold_first, r.cold, r.warm_first, r.warm))
            .collect();
        assert_eq!(shares, [(1, 0, 2, 0, 4), (2, 2, 2, 4, 3), (3, 4, 1, 7, 3)]);
        assert_eq!(rounds[2].part(), format!("{}-r3", p.cells[0].part()));
        let few = plan(Mode {
            cold: 1,
            warm: 2,
            rounds: 2,
        });
        let rounds = few.rounds(&few.cells[0]);
        assert_eq!(rounds.len(), 2);
        assert_eq!((rounds[1].cold, rounds[1].warm), (0, 1));
        // More rounds than samples (the matrix refuses it; a hand-made plan may not): the
        // empty rounds are not run.
        let sparse = plan(Mode {
            cold: 1,
            warm: 1,
            rounds: 3,
        });
        assert_eq!(sparse.rounds(&sparse.cells[0]).len(), 1);
    }

    #[test]
    fn warm_lanes_follow_parallelism_up_to_the_round_s_warm_samples() {
        let p = plan(Mode {
            cold: 1,
            warm: 500,
            rounds: 1,
        });
        let r = &p.rounds(&p.cells[0])[0];
        assert_eq!(r.lanes(0), 1);
        assert_eq!(r.lanes(8), 8);
        assert_eq!(r.lanes(700), 500);
        let cold_only = plan(Mode {
            cold: 2,
            warm: 0,
            rounds: 1,
        });
        assert_eq!(cold_only.rounds(&cold_only.cells[0])[0].lanes(10), 0);
    }
}
