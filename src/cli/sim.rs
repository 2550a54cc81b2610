//! `replica sim`: serve a simulated Freshdesk or Freshservice API v2 until Ctrl-C.
//!
//! The server is `replica_runtime::sim` (see its docs and `docs/simulator.md`). This command
//! reads the flags, loads the seed, prints where the API is and with which key, and on Ctrl-C
//! writes the state when `--save-on-exit` asks for it.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use replica_runtime::sim::{FaultSpec, SeedState, SimConfig, SimHandle, SimPlatform};

use super::schema::parse_platform;
use crate::output::Output;
use crate::Outcome;

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Which API to simulate: `freshdesk` or `freshservice`.
    #[arg(long, value_parser = parse_platform)]
    pub platform: SimPlatform,

    /// The port to listen on (0 picks a free one, printed at start).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// The address to listen on; the default serves this machine only.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// The API key clients send as the Basic-auth user name (any password).
    #[arg(long, default_value = "sim-key", env = "REPLICA_SIM_API_KEY")]
    pub api_key: String,

    /// Credits per minute before 429 (default: unlimited).
    #[arg(long, value_name = "PER_MIN")]
    pub rate_limit: Option<u32>,

    /// A state to start from (the seed format; a saved state is one).
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// Faults to inject, e.g. `latency=20ms,error_rate=0.1,reset_rate=0.05,drop_after_commit=0.1,seed=42`.
    #[arg(long, value_name = "SPEC", default_value = "", value_parser = parse_faults)]
    pub faults: FaultSpec,

    /// Write the state here on Ctrl-C (and on `POST /_sim/save`).
    #[arg(long, value_name = "FILE")]
    pub save_on_exit: Option<PathBuf>,

    /// The largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,
}

fn parse_faults(text: &str) -> Result<FaultSpec, String> {
    text.parse().map_err(|e: replica_runtime::sim::FaultSpecError| e.to_string())
}

pub fn run(args: &SimArgs, out: &Output) -> anyhow::Result<Outcome> {
    let seed = match &args.seed {
        Some(path) => Some(SeedState::read(path).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let mut config = SimConfig::new(args.platform, args.api_key.clone());
    config.rate_limit_per_min = args.rate_limit;
    config.faults = args.faults.clone();
    config.seed = seed;
    config.save_path = args.save_on_exit.clone();
    config.max_body_bytes = args.max_body_bytes;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(config, SocketAddr::new(args.host, args.port), out))
}

async fn serve(config: SimConfig, addr: SocketAddr, out: &Output) -> anyhow::Result<Outcome> {
    let platform = config.platform;
    let key = config.api_key.clone();
    let save = config.save_path.clone();
    let handle = SimHandle::start(config, addr)
        .await
        .with_context(|| format!("cannot start the simulator on {addr}"))?;
    // Listen for Ctrl-C before saying we are up, so that an early one is not lost.
    let stop = stop_signal()?;
    let base = handle.base_url();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{} API v2 simulator listening on {base}", platform.display_name());
    let _ = writeln!(stdout, "API key: {key} (Basic auth, any password)");
    let _ = writeln!(stdout, "try: curl -u {key}:X {base}/api/v2/tickets");
    let _ = writeln!(stdout, "control API: {base}/_sim (state, save, faults, clock, stats); Ctrl-C stops");
    let _ = stdout.flush();
    drop(stdout);
    stop.await;
    if save.is_some() {
        let path = handle.save().context("cannot save the state on exit")?;
        out.info(&format!("state saved to {}", path.display()));
        eprintln!("state saved to {}", path.display());
    }
    handle.shutdown().await;
    Ok(Outcome::Clean)
}

/// Resolves on Ctrl-C (SIGINT), or SIGTERM on Unix. The handlers are installed before this
/// returns.
#[cfg(unix)]
fn stop_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
