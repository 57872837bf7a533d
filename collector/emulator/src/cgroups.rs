//! CPU in proportion to memory, as Lambda gives it (1,769 MB = one vCPU), and Lambda's memory
//! limit, with Linux cgroups, as root. Each execution environment gets its own group with a CPU
//! quota of `period × memory / 1769` and a memory limit of MemorySize; the group's peak memory
//! is the process tree's, and its OOM-kill counter tells an out-of-memory kill from a crash.
//!
//! Both kernel interfaces, detected at start ([`Cgroups::detect`]): cgroup v2 (one unified
//! hierarchy: `cpu.max`, `memory.max`, `memory.peak`, `memory.events`), today's default on
//! Linux distributions, and v1 (separate `cpu` and `memory` hierarchies: `cpu.cfs_quota_us`,
//! `memory.limit_in_bytes`, `memory.max_usage_in_bytes`, `memory.oom_control`).
//!
//! The process is moved into its group by the parent right after spawn, so its first
//! instructions (well under a millisecond, before the interpreter starts) run unthrottled.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the kernel's cgroup file systems are mounted.
const ROOT: &str = "/sys/fs/cgroup";
/// Lambda's memory per vCPU.
pub const MB_PER_VCPU: f64 = 1769.0;
/// The CFS period. A function that needs less CPU than one period's quota finishes inside one
/// period or waits for the next, so its duration is quantized to periods: at 100 ms (the kernel
/// default) a 14 ms Python handler at 256 MB took 12, 18, 100 or 180 ms by the phase it started
/// in, and two identical runs differed by more than the practical margin. 20 ms makes the step
/// 5× finer and keeps 128 MB's quota (1.45 ms) above the kernel's 1 ms minimum.
const PERIOD_US: u64 = 20_000;

/// The kernel interface in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Separate `cpu` and `memory` hierarchies.
    V1,
    /// One unified hierarchy.
    V2,
}

impl Version {
    /// What `emulate --list` says is in use.
    pub fn describe(self) -> &'static str {
        match self {
            Version::V1 => "cgroup v1 (cpu.cfs_quota_us, memory.limit_in_bytes)",
            Version::V2 => "cgroup v2 (cpu.max, memory.max)",
        }
    }

    /// The file of a group holding a fact, by interface.
    fn file(self, fact: Fact) -> &'static str {
        match (self, fact) {
            (Version::V1, Fact::Peak) => "memory.max_usage_in_bytes",
            (Version::V2, Fact::Peak) => "memory.peak",
            (Version::V1, Fact::OomKills) => "memory.oom_control",
            (Version::V2, Fact::OomKills) => "memory.events",
        }
    }
}

/// What the emulator reads back from an environment's group.
#[derive(Debug, Clone, Copy)]
enum Fact {
    Peak,
    OomKills,
}

/// The emulator's cgroup parents, when this host lets us create them.
#[derive(Debug)]
pub struct Cgroups {
    version: Version,
    /// v1: the parent in the cpu and in the memory hierarchy; v2: the one parent.
    parents: Vec<PathBuf>,
    next: AtomicU64,
}

/// One environment's groups (v1: cpu and memory; v2: one).
#[derive(Debug)]
pub struct EnvGroup {
    version: Version,
    dirs: Vec<PathBuf>,
}

impl Cgroups {
    /// Creates `lambench-<pid>-<n>` under the host's cgroups, or says why it cannot.
    pub fn detect() -> Result<Cgroups, String> {
        Cgroups::detect_at(Path::new(ROOT))
    }

    /// [`Cgroups::detect`] with the cgroup file systems at `root` (a fake one in tests): v2 when
    /// `root` is a unified hierarchy with the cpu and memory controllers, else v1 when it has
    /// `cpu` and `memory` hierarchies.
    pub fn detect_at(root: &Path) -> Result<Cgroups, String> {
        sweep_stale(root);
        // Several emulators may run in one process (tests): each gets its own parent.
        static INSTANCE: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "lambench-{}-{}",
            std::process::id(),
            INSTANCE.fetch_add(1, Ordering::SeqCst)
        );
        let (version, parents) = if root.join("cgroup.controllers").is_file() {
            (Version::V2, vec![v2_parent(root, &name)?])
        } else if root.join("cpu/cpu.cfs_quota_us").is_file() && root.join("memory").is_dir() {
            (
                Version::V1,
                vec![
                    root.join("cpu").join(&name),
                    root.join("memory").join(&name),
                ],
            )
        } else {
            return Err(format!(
                "CPU scaling off: {} has neither a cgroup v2 hierarchy (cgroup.controllers) nor cgroup v1 cpu and memory hierarchies",
                root.display()
            ));
        };
        for dir in &parents {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "CPU scaling off: cannot create {} ({e}); run as root",
                    dir.display()
                )
            })?;
        }
        if version == Version::V2 {
            // Its children (the environments) get the two controllers too.
            enable_controllers(&parents[0])?;
        }
        Ok(Cgroups {
            version,
            parents,
            next: AtomicU64::new(0),
        })
    }

    /// The interface in use.
    pub fn version(&self) -> Version {
        self.version
    }

    /// A new group for one environment with `memory_mb`'s CPU share and memory limit.
    pub fn create(&self, memory_mb: u32) -> std::io::Result<EnvGroup> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let group = EnvGroup {
            version: self.version,
            dirs: self
                .parents
                .iter()
                .map(|p| p.join(format!("env-{n}")))
                .collect(),
        };
        for dir in &group.dirs {
            std::fs::create_dir_all(dir)?;
        }
        let (quota, bytes) = (quota_us(memory_mb), u64::from(memory_mb) * 1024 * 1024);
        match self.version {
            Version::V1 => {
                let (cpu, memory) = (&group.dirs[0], &group.dirs[1]);
                std::fs::write(cpu.join("cpu.cfs_period_us"), PERIOD_US.to_string())?;
                std::fs::write(cpu.join("cpu.cfs_quota_us"), quota.to_string())?;
                std::fs::write(memory.join("memory.limit_in_bytes"), bytes.to_string())?;
            }
            Version::V2 => {
                let dir = &group.dirs[0];
                std::fs::write(dir.join("cpu.max"), format!("{quota} {PERIOD_US}"))?;
                std::fs::write(dir.join("memory.max"), bytes.to_string())?;
            }
        }
        Ok(group)
    }
}

/// The v2 parent `root/name`, once `root` is checked to offer the cpu and memory controllers
/// and passes them down (`cgroup.subtree_control`).
fn v2_parent(root: &Path, name: &str) -> Result<PathBuf, String> {
    let controllers = std::fs::read_to_string(root.join("cgroup.controllers")).unwrap_or_default();
    let has = |c: &str| controllers.split_whitespace().any(|x| x == c);
    if !(has("cpu") && has("memory")) {
        return Err(format!(
            "CPU scaling off: the cgroup v2 hierarchy at {} offers [{}], not both cpu and memory",
            root.display(),
            controllers.trim()
        ));
    }
    enable_controllers(root)?;
    Ok(root.join(name))
}

/// Passes the cpu and memory controllers to `dir`'s child groups (v2).
fn enable_controllers(dir: &Path) -> Result<(), String> {
    let control = dir.join("cgroup.subtree_control");
    std::fs::write(&control, "+cpu +memory").map_err(|e| {
        // A v2 group with processes of its own cannot pass controllers down (the kernel's
        // no-internal-process rule): a container's namespaced root, for one.
        let why = if e.raw_os_error() == Some(libc::EBUSY) {
            "it holds processes of its own (a container's cgroup root does): move them into a child group first, as docker-in-docker setups do"
        } else {
            "run as root"
        };
        format!(
            "CPU scaling off: cannot enable the cpu and memory controllers in {} ({e}); {why}",
            control.display()
        )
    })
}

/// Removes the parents and any group still in them, killing what still runs there.
impl Drop for Cgroups {
    fn drop(&mut self) {
        for parent in &self.parents {
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
            // v2 lists a process outside this pid namespace as 0, and kill(0) would signal
            // our own process group: only real pids.
            let pids = procs.lines().filter_map(|l| l.trim().parse::<i32>().ok());
            for pid in pids.filter(|&p| p > 0) {
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

/// rmdir of a group, retried briefly while the kernel reaps its processes (`EBUSY`); any
/// other error is final.
fn remove_retrying(dir: &Path) {
    for _ in 0..50 {
        match std::fs::remove_dir(dir) {
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            _ => return,
        }
    }
}

/// Removes groups left by emulators that are no longer running (`lambench-<pid>-<n>` with no such
/// process) in either interface's places: a killed emulator cannot clean up after itself.
fn sweep_stale(root: &Path) {
    for dir in [root.to_path_buf(), root.join("cpu"), root.join("memory")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
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
        for dir in &self.dirs {
            std::fs::write(dir.join("cgroup.procs"), pid.to_string())?;
        }
        Ok(())
    }

    /// The directory holding the memory controller's files.
    fn memory(&self) -> &Path {
        &self.dirs[self.dirs.len() - 1]
    }

    /// Peak memory of everything in the group, MB.
    pub fn peak_mb(&self) -> Option<i32> {
        let file = self.memory().join(self.version.file(Fact::Peak));
        let bytes: u64 = std::fs::read_to_string(file).ok()?.trim().parse().ok()?;
        Some(bytes.div_ceil(1024 * 1024) as i32)
    }

    /// Whether the kernel killed something in the group for exceeding its memory (the
    /// `oom_kill` line of v1's `memory.oom_control` or v2's `memory.events`).
    pub fn oom_killed(&self) -> bool {
        std::fs::read_to_string(self.memory().join(self.version.file(Fact::OomKills)))
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
        for dir in &self.dirs {
            remove_retrying(dir);
        }
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

    /// A fake cgroup v2 root: the files the kernel shows at the top of a unified hierarchy.
    fn fake_v2(controllers: &str) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::write(root.path().join("cgroup.controllers"), controllers).unwrap();
        std::fs::write(root.path().join("cgroup.subtree_control"), "").unwrap();
        root
    }

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn cgroup_v2_limits_cpu_and_memory_and_reads_peak_and_oom_kills() {
        let root = fake_v2("cpuset cpu io memory hugetlb pids\n");
        let groups = Cgroups::detect_at(root.path()).expect("v2 detected");
        assert_eq!(groups.version(), Version::V2);
        assert_eq!(
            read(root.path().join("cgroup.subtree_control")),
            "+cpu +memory"
        );
        let parent = groups.parents[0].clone();
        assert_eq!(read(parent.join("cgroup.subtree_control")), "+cpu +memory");
        let env = groups.create(256).expect("group");
        let dir = parent.join("env-0");
        assert_eq!(read(dir.join("cpu.max")), "2894 20000");
        assert_eq!(read(dir.join("memory.max")), (256u64 << 20).to_string());
        // A process of our own in the group: dropping the parent kills it.
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        env.add(child.id()).unwrap();
        assert_eq!(read(dir.join("cgroup.procs")), child.id().to_string());
        std::fs::write(dir.join("memory.peak"), "12582912\n").unwrap();
        assert_eq!(env.peak_mb(), Some(12));
        std::fs::write(
            dir.join("memory.events"),
            "low 0\nhigh 0\nmax 4\noom 0\noom_kill 0\n",
        )
        .unwrap();
        assert!(!env.oom_killed());
        std::fs::write(
            dir.join("memory.events"),
            "low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\n",
        )
        .unwrap();
        assert!(env.oom_killed());
        drop(groups);
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL)
        );
    }

    #[test]
    fn without_both_controllers_or_any_hierarchy_it_says_why() {
        let root = fake_v2("cpuset io pids\n");
        let err = Cgroups::detect_at(root.path()).unwrap_err();
        assert!(
            err.contains("not both cpu and memory") && err.contains("cpuset io pids"),
            "{err}"
        );
        let empty = tempfile::tempdir().unwrap();
        let err = Cgroups::detect_at(empty.path()).unwrap_err();
        assert!(
            err.contains("neither a cgroup v2 hierarchy") && err.contains("cgroup v1"),
            "{err}"
        );
    }

    #[test]
    fn cgroup_v1_writes_the_quota_and_the_limit_in_two_hierarchies() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("cpu")).unwrap();
        std::fs::create_dir_all(root.path().join("memory")).unwrap();
        std::fs::write(root.path().join("cpu/cpu.cfs_quota_us"), "-1").unwrap();
        let groups = Cgroups::detect_at(root.path()).expect("v1 detected");
        assert_eq!(groups.version(), Version::V1);
        let env = groups.create(1769).unwrap();
        let (cpu, memory) = (
            groups.parents[0].join("env-0"),
            groups.parents[1].join("env-0"),
        );
        assert_eq!(read(cpu.join("cpu.cfs_quota_us")), "20000");
        assert_eq!(read(cpu.join("cpu.cfs_period_us")), "20000");
        assert_eq!(
            read(memory.join("memory.limit_in_bytes")),
            (1769u64 << 20).to_string()
        );
        std::fs::write(memory.join("memory.max_usage_in_bytes"), "1048577").unwrap();
        assert_eq!(env.peak_mb(), Some(2));
        std::fs::write(
            memory.join("memory.oom_control"),
            "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
        )
        .unwrap();
        assert!(env.oom_killed());
    }

    #[test]
    fn quota_is_proportional_to_memory() {
        assert_eq!(quota_us(1769), 20_000);
        assert_eq!(quota_us(3538), 40_000);
        assert_eq!(quota_us(128), 1_447);
        assert_eq!(quota_us(1), 1_000);
    }
}
