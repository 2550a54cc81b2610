//! `replica daemon -c node.toml`: run the nodes a configuration describes until Ctrl-C or
//! SIGTERM, logging what they do.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use replica_runtime::sync::config::Config;
use replica_runtime::sync::daemon::Daemon;
use replica_runtime::sync::events::EventSink;

use crate::output::Output;
use crate::Outcome;

#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// The node configuration (TOML; see examples/node.toml).
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,

    /// How log lines are written on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

/// Logs on stderr: `RUST_LOG` when set, otherwise `info` (`warn` with `-q`, `debug` with `-v`).
pub fn init_logging(format: LogFormat, out: &Output) {
    let default = if out.quiet {
        "warn"
    } else if out.verbose {
        "debug"
    } else {
        "info"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    // A second initialisation (tests calling twice) keeps the first.
    let _ = match format {
        LogFormat::Text => builder.with_ansi(out.color).try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub fn run(args: &DaemonArgs, out: &Output) -> anyhow::Result<Outcome> {
    init_logging(args.log_format, out);
    let config = Config::read(&args.config)?;
    let daemon = Daemon::start(&config, EventSink::none(), None)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(wait_for_stop()).context("cannot listen for Ctrl-C")?;
    tracing::info!("stopping");
    daemon.stop();
    Ok(Outcome::Clean)
}

/// Ctrl-C, or SIGTERM on Unix (what service managers send).
pub async fn wait_for_stop() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}
