//! CPU in proportion to memory, as Lambda gives it (1,769 MB = one vCPU), and Lambda's memory
//! limit, with Linux cgroups (v1 `cpu` + `memory` controllers, as root). Each execution
//! environment gets its own group: `cpu.cfs_quota_us = period × memory / 1769` and
//! `memory.limit_in_bytes = memory`; the group's `memory.max_usage_in_bytes` is the process
//! tree's peak, and its `oom_kill` counter tells an out-of-memory kill from a crash.
//!
//! The process is moved into its group by the parent right after spawn, so its first
//! instructions (well under a millisecond, before the interpreter starts) run unthrottled.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const CPU_ROOT: &str = "/sys/fs/cgroup/cpu";
const MEMORY_ROOT: &str = "/sys/fs/cgroup/memory";
/// Lambda's memory per vCPU.
pub const MB_PER_VCPU: f64 = 1769.0;
/// The CFS period. A function that needs less CPU than one period's quota finishes inside one
/// period or waits for the next, so its duration is quantized to periods: at 100 ms (the kernel
/// default) a 14 ms Python handler at 256 MB took 12, 18, 100 or 180 ms by the phase it started
/// in, and two identical runs differed by more than the practical margin. 20 ms makes the step
/// 5× finer and keeps 128 MB's quota (1.45 ms) above the kernel's 1 ms minimum.
const PERIOD_US: u64 = 20_000;

/// The emulator's cgroup parents, when this host lets us create them.
#[derive(Debug)]
pub struct Cgroups {
    cpu: PathBuf,
    memory: PathBuf,
    next: AtomicU64,
}

/// One environment's groups.
#[derive(Debug)]
pub struct EnvGroup {
    cpu: PathBuf,
    memory: PathBuf,
}

impl Cgroups {
    /// Creates `lambench-<pid>` under the cpu and memory hierarchies, or says why it cannot.
    pub fn detect() -> Result<Cgroups, String> {
        sweep_stale();
        // Several emulators may run in one process (tests): each gets its own parent.
        static INSTANCE: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "lambench-{}-{}",
            std::process::id(),
            INSTANCE.fetch_add(1, Ordering::SeqCst)
        );
        let cpu = Path::new(CPU_ROOT).join(&name);
        let memory = Path::new(MEMORY_ROOT).join(&name);
        for dir in [&cpu, &memory] {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!("CPU scaling off: cannot create {} ({e}); run as root on a host with cgroup v1 cpu and memory controllers", dir.display())
            })?;
        }
        if !cpu.join("cpu.cfs_quota_us").exists() {
            return Err(format!(
                "CPU scaling off: {} has no cpu.cfs_quota_us",
                cpu.display()
            ));
        }
        Ok(Cgroups {
            cpu,
            memory,
            next: AtomicU64::new(0),
        })
    }

    /// A new group for one environment with `memory_mb`'s CPU share and memory limit.
    pub fn create(&self, memory_mb: u32) -> std::io::Result<EnvGroup> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let group = EnvGroup {
            cpu: self.cpu.join(format!("env-{n}")),
            memory: self.memory.join(format!("env-{n}")),
        };
        std::fs::create_dir_all(&group.cpu)?;
        std::fs::create_dir_all(&group.memory)?;
        std::fs::write(group.cpu.join("cpu.cfs_period_us"), PERIOD_US.to_string())?;
        std::fs::write(
            group.cpu.join("cpu.cfs_quota_us"),
            quota_us(memory_mb).to_string(),
        )?;
        let bytes = u64::from(memory_mb) * 1024 * 1024;
        std::fs::write(
            group.memory.join("memory.limit_in_bytes"),
            bytes.to_string(),
        )?;
        Ok(group)
    }
}

/// Removes the parents and any group still in them, killing what still runs there.
impl Drop for Cgroups {
    fn drop(&mut self) {
        for parent in [&self.cpu, &self.memory] {
            remove_tree(parent);
        }
    }
}

/// Kills the processes of `parent`'s child groups, removes them, then `parent`.
fn remove_tree(parent: &Path) {
    if let Ok(children) = std::fs::read_dir(parent) {
        for child in children.flatten().filter(|c| c.path().is_dir()) {
            let procs =
                std::fs::read_to_string(child.path().join("cgroup.procs")).unwrap_or_default();
            for pid in procs.lines().filter_map(|l| l.trim().parse::<i32>().ok()) {
                // SAFETY: kill(2) of a process in this emulator's own group.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
            remove_retrying(&child.path());
        }
    }
    let _ = std::fs::remove_dir(parent);
}

/// rmdir of a group, retried briefly while the kernel reaps its processes.
fn remove_retrying(dir: &Path) {
    for _ in 0..50 {
        if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Removes groups left by emulators that are no longer running (`lambench-<pid>-<n>` with no such
/// process): a killed emulator cannot clean up after itself.
fn sweep_stale() {
    for root in [CPU_ROOT, MEMORY_ROOT] {
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if owner_gone(&name, "lambench-") {
                remove_tree(&entry.path());
            }
        }
    }
}

/// The process that owns a group or folder named `<prefix><pid>-<n>` (or `<prefix><pid>`).
fn owner(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?;
    let pid = rest.split_once('-').map_or(rest, |(pid, _)| pid);
    pid.parse().ok()
}

/// Whether `name` is `<prefix><pid>…` of a process that no longer runs: left behind by an
/// emulator that was killed (groups here, temporary folders in `service`).
pub(crate) fn owner_gone(name: &str, prefix: &str) -> bool {
    owner(name, prefix).is_some_and(|pid| !Path::new("/proc").join(pid.to_string()).exists())
}

/// CFS quota for a memory size: `period × memory / 1769`, at least 1 ms per period.
pub fn quota_us(memory_mb: u32) -> u64 {
    ((PERIOD_US as f64 * f64::from(memory_mb) / MB_PER_VCPU).round() as u64).max(1000)
}

impl EnvGroup {
    /// Moves a process into the group.
    pub fn add(&self, pid: u32) -> std::io::Result<()> {
        std::fs::write(self.cpu.join("cgroup.procs"), pid.to_string())?;
        std::fs::write(self.memory.join("cgroup.procs"), pid.to_string())
    }

    /// Peak memory of everything in the group, MB.
    pub fn peak_mb(&self) -> Option<i32> {
        let bytes: u64 = std::fs::read_to_string(self.memory.join("memory.max_usage_in_bytes"))
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Some(bytes.div_ceil(1024 * 1024) as i32)
    }

    /// Whether the kernel killed something in the group for exceeding its memory.
    pub fn oom_killed(&self) -> bool {
        std::fs::read_to_string(self.memory.join("memory.oom_control"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("oom_kill "))
                    .and_then(|n| n.trim().parse::<u64>().ok())
            })
            .is_some_and(|n| n > 0)
    }

    /// Removes the (empty) group; retried briefly while the kernel reaps the process.
    pub fn remove(&self) {
        remove_retrying(&self.cpu);
        remove_retrying(&self.memory);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_is_the_pid_before_the_instance_number() {
        assert_eq!(owner("lambench-1234-0", "lambench-"), Some(1234));
        assert_eq!(owner("lambench-1234-17", "lambench-"), Some(1234));
        assert_eq!(owner("lambench-99", "lambench-"), Some(99));
        assert_eq!(owner("lambench-x-1", "lambench-"), None);
        assert_eq!(owner("other-1234-0", "lambench-"), None);
        assert_eq!(
            owner("lambench-emulator-77-0", "lambench-emulator-"),
            Some(77)
        );
        // The live process's own groups are never stale (the old check looked for
        // /proc/<pid>-<n>, which never exists); a pid that cannot run is gone.
        let me = format!("lambench-{}-3", std::process::id());
        assert!(!owner_gone(&me, "lambench-"));
        assert!(owner_gone(&format!("lambench-{}-0", u32::MAX), "lambench-"));
    }

    #[test]
    fn quota_is_proportional_to_memory() {
        assert_eq!(quota_us(1769), 20_000);
        assert_eq!(quota_us(3538), 40_000);
        assert_eq!(quota_us(128), 1_447);
        assert_eq!(quota_us(1), 1_000);
    }
}
