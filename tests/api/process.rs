//! `pressdir` as a separate process: what operators run, signals and all.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `pressdir serve` process, killed when dropped.
pub struct Instance {
    pub child: Child,
    pub address: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Instance {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Sends a signal (`TERM`, `KILL`) to the process.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name}");
    }

    /// Waits for the process to exit; `None` if it is still running at the deadline.
    pub fn wait_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{} did not become ready", self.address);
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `pressdir serve` on the database, with extra environment
/// variables; its stderr (the log) goes to `stderr`.
pub fn start_with(database_url: &str, env: &[(&str, &str)], stderr: Stdio) -> Instance {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_pressdir"));
    command
        .arg("serve")
        .env("PRESSDIR_DATABASE_URL", database_url)
        .env("PRESSDIR_BIND", format!("127.0.0.1:{port}"))
        .env("PRESSDIR_WORKERS", "1")
        .env("PRESSDIR_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(stderr);
    for (name, value) in env {
        command.env(name, value);
    }
    Instance {
        child: command.spawn().expect("start pressdir"),
        address: format!("http://127.0.0.1:{port}"),
    }
}

pub fn start(database_url: &str) -> Instance {
    start_with(database_url, &[], Stdio::null())
}

/// Runs a `pressdir` command to its end.
pub fn pressdir(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pressdir"));
    command.args(args).env("PRESSDIR_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run pressdir")
}
