//! One execution environment: a process running a handler, with its own Runtime API listener.
//!
//! Init Duration is process start to its first `/next`; Duration is the event handed out to the
//! response received; Max Memory Used is the process's peak RSS (VmHWM).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot, watch};

use lambench_model::Language;

use crate::cgroups::EnvGroup;
use crate::functions::FunctionDef;
use crate::runtime_api;
use crate::shared::{Exit, Pending, Shared};

/// A log stream name as Lambda gives each execution environment its own:
/// `YYYY/MM/DD/[$LATEST]<32 hex digits>`. Handlers report it as the environment's id.
pub fn log_stream_name() -> String {
    let date = chrono::Utc::now().format("%Y/%m/%d");
    format!("{date}/[$LATEST]{}", uuid::Uuid::new_v4().simple())
}

/// A running environment.
pub struct Environment {
    pub shared: Arc<Shared>,
    pub sender: mpsc::Sender<Pending>,
    pub pid: Option<u32>,
    pub generation: u64,
    child: Mutex<Option<Child>>,
    kill: Mutex<Option<oneshot::Sender<()>>>,
    group: Option<Arc<EnvGroup>>,
}

impl Environment {
    /// Starts the Runtime API listener and the handler process.
    pub async fn spawn(
        def: &FunctionDef,
        bootstrap_dir: &std::path::Path,
        memory_mb: u32,
        env: &BTreeMap<String, String>,
        generation: u64,
        group: Option<EnvGroup>,
    ) -> std::io::Result<Environment> {
        let (sender, receiver) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            started: Instant::now(),
            init_ms: Mutex::new(None),
            queue: tokio::sync::Mutex::new(receiver),
            current: Mutex::new(None),
            dead: watch::channel(None).0,
            logs: Mutex::new(Vec::new()),
        });
        let port = runtime_api::serve(shared.clone()).await?;
        let mut cmd = Command::new(&def.program);
        match def.language {
            Language::Python => {
                cmd.arg(bootstrap_dir.join("python_bootstrap.py"));
            }
            Language::Nodejs => {
                cmd.arg(bootstrap_dir.join("node_bootstrap.mjs"));
            }
            Language::Rust => {}
        }
        cmd.env_clear()
            .envs(env)
            .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}"))
            .env("_HANDLER", &def.handler)
            .env("LAMBDA_TASK_ROOT", &def.task_root)
            .env("AWS_LAMBDA_FUNCTION_NAME", &def.name)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb.to_string())
            .env("AWS_EXECUTION_ENV", format!("AWS_Lambda_{}", def.runtime))
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{}", def.name),
            )
            .env("AWS_LAMBDA_LOG_STREAM_NAME", log_stream_name())
            .env("PYTHONUNBUFFERED", "1")
            .current_dir(&def.task_root)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        die_with_parent(&mut cmd);
        let shared_for_start = Arc::clone(&shared);
        let mut child = cmd.spawn()?;
        let pid = child.id();
        let group = group.map(Arc::new);
        if let (Some(group), Some(pid)) = (&group, pid) {
            group.add(pid)?;
        }
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let shared = Arc::clone(&shared_for_start);
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Ok(mut logs) = shared.logs.lock() {
                        logs.push(line);
                    }
                }
            });
        }
        Ok(Environment {
            shared,
            sender,
            pid,
            generation,
            child: Mutex::new(Some(child)),
            kill: Mutex::new(None),
            group,
        })
    }

    /// Watches the process and marks the environment dead when it exits.
    pub fn watch_exit(self: &Arc<Self>) {
        let Some(mut child) = self.child.lock().ok().and_then(|mut c| c.take()) else {
            return;
        };
        let shared = Arc::clone(&self.shared);
        let group = self.group.clone();
        let (kill_tx, mut kill_rx) = oneshot::channel::<()>();
        if let Ok(mut slot) = self.kill.lock() {
            *slot = Some(kill_tx);
        }
        tokio::spawn(async move {
            let status = tokio::select! {
                s = child.wait() => s.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string()),
                _ = &mut kill_rx => {
                    let _ = child.kill().await;
                    "killed".to_string()
                }
            };
            let oom = group.as_ref().is_some_and(|g| g.oom_killed());
            let why = if oom {
                Exit::OutOfMemory
            } else {
                Exit::Process(status)
            };
            shared.dead.send_replace(Some(why));
            if let Some(g) = group {
                tokio::task::spawn_blocking(move || g.remove());
            }
        });
    }

    /// Ends the process now and removes its group, without the watcher task (at shutdown the
    /// runtime may not run it again).
    pub fn terminate(&self) {
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: kill(2) with a pid this emulator spawned and a valid signal number.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        if let Some(g) = &self.group {
            g.remove();
        }
    }

    /// Ends the process.
    pub fn kill(&self) {
        if let Some(tx) = self.kill.lock().ok().and_then(|mut k| k.take()) {
            let _ = tx.send(());
        }
    }

    /// Peak memory in MB: the cgroup's (whole process tree) when scaling is on, else the
    /// process's VmHWM.
    pub fn peak_rss_mb(&self) -> Option<i32> {
        if let Some(peak) = self.group.as_ref().and_then(|g| g.peak_mb()) {
            return Some(peak);
        }
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid?)).ok()?;
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some((kb / 1024.0).ceil() as i32)
    }

    /// The function's output since the last call.
    pub fn take_logs(&self) -> Vec<String> {
        self.shared
            .logs
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

/// Asks the kernel to kill the handler when the emulator's thread that spawned it ends (the
/// emulator killed with SIGKILL included), so no handler runs on after its emulator.
fn die_with_parent(cmd: &mut Command) {
    // SAFETY: prctl(PR_SET_PDEATHSIG) is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn each_exit_names_lambda_s_error_type_and_says_why() {
        let cases = [
            (
                Exit::InitError("boom".into()),
                "Runtime.InitError",
                "init error: boom",
            ),
            (Exit::OutOfMemory, "Runtime.OutOfMemory", "out of memory"),
            (
                Exit::Process("signal: 9".into()),
                "Runtime.ExitError",
                "process exited: signal: 9",
            ),
            (
                Exit::Lost("environment dropped the invocation"),
                "Runtime.ExitError",
                "environment dropped the invocation",
            ),
        ];
        for (exit, kind, text) in cases {
            assert_eq!((exit.error_type(), exit.to_string().as_str()), (kind, text));
        }
    }
}
