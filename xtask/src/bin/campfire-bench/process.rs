//! The processes under test: the release server (or the bare broadcaster, this same binary run
//! as `campfire-bench broadcaster`), their memory and CPU time from /proc.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A child process listening on a loopback port.
pub struct Proc {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

/// A free loopback port (bound and released: the child binds it next).
pub fn free_addr() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

/// Starts the server on `addr` with data in `data`; does not wait for it.
pub fn spawn_server(server: &Path, data: &Path, addr: SocketAddr) -> Result<Proc> {
    let log = std::fs::File::create(data.with_extension("log"))?;
    let child = Command::new(server)
        .arg("--bind")
        .arg(addr.to_string())
        .arg("--data-dir")
        .arg(data)
        .env("CAMPFIRE_LOG", "warn")
        .env("CAMPFIRE_FEATURE_SEARCH", "true")
        // Heartbeats: the generator's clients only read, pongs answer the pings.
        .env("CAMPFIRE_HEARTBEAT_TIMEOUT", "600")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("could not start {}", server.display()))?;
    Ok(Proc { child, addr })
}

/// Starts this binary as the bare broadcaster on `addr`.
pub fn spawn_broadcaster(addr: SocketAddr) -> Result<Proc> {
    let me = std::env::current_exe()?;
    let child = Command::new(me)
        .arg("broadcaster")
        .arg(addr.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()?;
    Ok(Proc { child, addr })
}

impl Proc {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until something accepts TCP connections on its port (and, for the server, `/up`
    /// answers). Returns the time waited.
    pub async fn wait_up(&mut self, http: bool, limit: Duration) -> Result<Duration> {
        let started = Instant::now();
        loop {
            let ready = if http {
                crate::http::up(self.addr).await
            } else {
                tokio::net::TcpStream::connect(self.addr).await.is_ok()
            };
            if ready {
                return Ok(started.elapsed());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("the process exited early with {status}");
            }
            if started.elapsed() > limit {
                bail!("not up after {limit:?}");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Resident memory in bytes (VmRSS).
    pub fn rss(&self) -> Result<u64> {
        rss_of(self.pid())
    }

    /// User + system CPU time so far, in seconds.
    pub fn cpu(&self) -> Result<f64> {
        cpu_of(self.pid())
    }

    /// SIGKILL and reap.
    pub fn kill(mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// VmRSS of a process, in bytes.
pub fn rss_of(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<u64>().ok())
        .context("no VmRSS")?;
    Ok(kib * 1024)
}

/// utime + stime of a process, in seconds.
pub fn cpu_of(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("bad stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    let ticks: u64 = [11usize, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<u64>().ok()))
        .sum();
    Ok(ticks as f64 / clock_ticks())
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// A fresh, empty directory for one scenario's data.
pub fn fresh_dir(root: &Path, name: &str) -> Result<PathBuf> {
    let dir = root.join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The soft limit on open files (from /proc/self/limits).
pub fn open_files_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(1024)
}
