//! The commands that talk to a running node's admin API: `replica status`, `errors`,
//! `retry`, `reload` and `resync`.
//!
//! The node is found by `--admin URL`, or from the configuration (`-c node.toml`, and
//! `--node NAME` when it describes several nodes with a `listen` address). A node that
//! asks for an admin token gets the one in `--token-env VAR` or, with `-c`, the node's own.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use clap::{Args, ValueEnum};
use replica_runtime::sync::config::Config;
use serde_json::Value;

use crate::output::{print_stdout, Output};
use crate::Outcome;

/// How to reach a node's admin API.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// The admin API's address, e.g. `http://127.0.0.1:7401`.
    #[arg(long, value_name = "URL", conflicts_with = "config")]
    pub admin: Option<String>,

    /// The node configuration; the admin API is the node's `listen` address.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Which node of the configuration (when it has several with a `listen` address).
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,

    /// The environment variable holding the admin token (needed from another machine).
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,

    /// Print the API's JSON instead of text.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub node: NodeArgs,
}

#[derive(Debug, Args)]
pub struct ErrorsArgs {
    #[command(flatten)]
    pub node: NodeArgs,
}

#[derive(Debug, Args)]
pub struct RetryArgs {
    /// The parked item's number (from `replica errors`).
    #[arg(value_name = "ID", required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<i64>,

    /// Every parked item.
    #[arg(long)]
    pub all: bool,

    #[command(flatten)]
    pub node: NodeArgs,
}

#[derive(Debug, Args)]
pub struct ReloadArgs {
    #[command(flatten)]
    pub node: NodeArgs,
}

#[derive(Debug, Args)]
pub struct ResyncArgs {
    /// The connection whose tickets under sync are sent again.
    #[arg(value_name = "CONNECTION")]
    pub connection: String,

    /// Only the tickets this filter query matches, e.g. `"status:2 AND priority:>3"`.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,

    #[command(flatten)]
    pub node: NodeArgs,
}

/// A client of one node's admin API.
struct Admin {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Admin {
    fn connect(args: &NodeArgs) -> anyhow::Result<Admin> {
        let (base, mut token) = match (&args.admin, &args.config) {
            (Some(url), _) => (url.trim_end_matches('/').to_string(), None),
            (None, config) => {
                let path = config.clone().unwrap_or_else(|| PathBuf::from("node.toml"));
                let config = Config::read(&path)?;
                let listening: Vec<_> = config
                    .nodes
                    .iter()
                    .filter(|n| n.listen.is_some())
                    .filter(|n| args.node.as_ref().is_none_or(|name| &n.name == name))
                    .collect();
                let node = match listening.as_slice() {
                    [node] => *node,
                    [] => bail!(
                        "{}: no node{} has a `listen` address for its admin API",
                        path.display(),
                        args.node.as_ref().map(|n| format!(" named `{n}`")).unwrap_or_default()
                    ),
                    _ => bail!("{}: several nodes listen; say which with `--node NAME`", path.display()),
                };
                let mut addr = node.listen.expect("filtered on listen");
                if addr.ip().is_unspecified() {
                    addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                let token = node.admin_token().map_err(anyhow::Error::msg)?;
                let scheme = if node.tls_cert_file.is_some() { "https" } else { "http" };
                (
                    format!("{scheme}://{addr}"),
                    token.map(|t| String::from_utf8_lossy(t.expose_secret()).into_owned()),
                )
            }
        };
        if let Some(var) = &args.token_env {
            token = Some(
                std::env::var(var).with_context(|| format!("the environment variable `{var}` is not set"))?,
            );
        }
        // A node on this machine found through its configuration is reached on loopback,
        // where its certificate (often from a private CA) need not be verified.
        let loopback_tls = args.admin.is_none() && base.starts_with("https://127.");
        let http = replica_runtime::connector::http_client_builder()
            .timeout(Duration::from_secs(60))
            .tls_danger_accept_invalid_certs(loopback_tls)
            .build()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Ok(Admin { base, token, http, runtime })
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.runtime.block_on(async {
            let response = request
                .send()
                .await
                .map_err(|e| anyhow!("cannot reach the node at {}: {}", self.base, e.without_url()))?;
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
            if !status.is_success() {
                let message = value
                    .get("error")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| value.to_string());
                bail!("the node answered {status}: {message}");
            }
            Ok(value)
        })
    }

    fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.call(reqwest::Method::GET, path, None)
    }

    fn post(&self, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        self.call(reqwest::Method::POST, path, body)
    }
}

fn print_json(value: &Value) -> anyhow::Result<()> {
    print_stdout(&serde_json::to_string_pretty(value)?);
    Ok(())
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("-")
}

fn number(value: &Value, key: &str) -> u64 {
    value.get(key).and_then(Value::as_u64).unwrap_or(0)
}

pub fn run_status(args: &StatusArgs, _out: &Output) -> anyhow::Result<Outcome> {
    let admin = Admin::connect(&args.node)?;
    let status = admin.get("/v1/status")?;
    if args.node.format == Format::Json {
        print_json(&status)?;
        return Ok(Outcome::Clean);
    }
    let mut lines = Vec::new();
    lines.push(format!(
        "node {} ({}), up since {}",
        text(&status, "node"),
        text(&status, "platform"),
        text(&status, "started_at")
    ));
    let poll = &status["last_poll"];
    match poll.get("at").and_then(Value::as_str) {
        Some(at) => {
            let error = poll
                .get("error")
                .and_then(Value::as_str)
                .map(|e| format!(" — failed: {e}"))
                .unwrap_or_default();
            lines.push(format!("  last poll {at}: {} changed tickets{error}", number(poll, "tickets")));
        }
        None => lines.push("  not polled yet".into()),
    }
    let api = &status["api"];
    let budget = &status["rate_budget"];
    let budget_text = match (
        budget.get("remaining").and_then(Value::as_u64),
        budget.get("total").and_then(Value::as_u64),
    ) {
        (Some(remaining), Some(total)) => format!("{remaining} of {total} calls left this minute"),
        _ => "budget not known yet".into(),
    };
    lines.push(format!(
        "  API: {} requests, {} retries, {} × 429; {budget_text}",
        number(api, "requests"),
        number(api, "retries"),
        number(api, "rate_limited")
    ));
    let mut refused = false;
    for connection in status["connections"].as_array().into_iter().flatten() {
        let rules = &connection["rules"];
        lines.push(format!(
            "  connection {}: rules {} (loaded {}); outbox {}, inbox {}, twins {}, parked {}",
            text(connection, "name"),
            text(rules, "version"),
            text(rules, "loaded_at"),
            number(connection, "outbox"),
            number(connection, "inbox"),
            number(connection, "twins"),
            number(connection, "parked")
        ));
        if let Some(refusal) = rules.get("refused").filter(|r| !r.is_null()) {
            refused = true;
            lines.push(format!(
                "    refused a changed {} at {}: {}",
                text(rules, "path"),
                text(refusal, "at"),
                text(refusal, "message")
            ));
            for line in text(refusal, "diagnostics").lines() {
                lines.push(format!("      {line}"));
            }
        }
    }
    if let Some(resync) = status.get("resync").filter(|r| !r.is_null()) {
        lines.push(format!(
            "  resync of {}: {} of {} done, {} sent{}",
            text(resync, "connection"),
            number(resync, "done"),
            number(resync, "total"),
            number(resync, "sent"),
            if resync["finished"] == true { " (finished)" } else { "" }
        ));
    }
    print_stdout(&lines.join("\n"));
    Ok(if refused { Outcome::Errors } else { Outcome::Clean })
}

pub fn run_errors(args: &ErrorsArgs, _out: &Output) -> anyhow::Result<Outcome> {
    let admin = Admin::connect(&args.node)?;
    let failures = admin.get("/v1/errors")?;
    if args.node.format == Format::Json {
        print_json(&failures)?;
        return Ok(Outcome::Clean);
    }
    let failures = failures.as_array().cloned().unwrap_or_default();
    if failures.is_empty() {
        print_stdout("no parked items");
        return Ok(Outcome::Clean);
    }
    let mut lines = Vec::new();
    for failure in &failures {
        let direction = text(failure, "direction");
        let whose = if direction == "incoming" { "the peer's ticket" } else { "ticket" };
        lines.push(format!(
            "#{}  {}  {direction}  {whose} {}  first {}, last {}, {} attempt(s)",
            number(failure, "id"),
            text(failure, "connection"),
            number(failure, "ticket"),
            text(failure, "first_at"),
            text(failure, "last_at"),
            number(failure, "attempts")
        ));
        lines.push(text(failure, "rendered").trim_end().to_string());
        lines.push(String::new());
    }
    lines.push(format!(
        "{} parked; after fixing the cause, `replica retry ID` or `replica retry --all`",
        failures.len()
    ));
    print_stdout(&lines.join("\n"));
    Ok(Outcome::Errors)
}

pub fn run_retry(args: &RetryArgs, _out: &Output) -> anyhow::Result<Outcome> {
    let admin = Admin::connect(&args.node)?;
    let answer = match args.id {
        Some(id) => admin.post(&format!("/v1/errors/{id}/retry"), None)?,
        None => admin.post("/v1/errors/retry-all", None)?,
    };
    if args.node.format == Format::Json {
        print_json(&answer)?;
    } else {
        let released = number(&answer, "released");
        print_stdout(&format!(
            "released {released} parked item{} for a retry",
            if released == 1 { "" } else { "s" }
        ));
    }
    Ok(Outcome::Clean)
}

pub fn run_reload(args: &ReloadArgs, _out: &Output) -> anyhow::Result<Outcome> {
    let admin = Admin::connect(&args.node)?;
    let reports = admin.post("/v1/reload", None)?;
    if args.node.format == Format::Json {
        print_json(&reports)?;
    }
    let mut refused = false;
    let mut lines = Vec::new();
    for report in reports.as_array().into_iter().flatten() {
        let outcome = text(report, "outcome");
        refused |= outcome == "refused";
        lines.push(format!(
            "{}: {outcome} (active rules {})",
            text(report, "connection"),
            text(report, "version")
        ));
        if let Some(diagnostics) = report.get("diagnostics").and_then(Value::as_str) {
            lines.push(diagnostics.trim_end().to_string());
        }
    }
    if args.node.format == Format::Human {
        print_stdout(&lines.join("\n"));
    }
    Ok(if refused { Outcome::Errors } else { Outcome::Clean })
}

pub fn run_resync(args: &ResyncArgs, out: &Output) -> anyhow::Result<Outcome> {
    let admin = Admin::connect(&args.node)?;
    let started = admin.post(
        "/v1/resync",
        Some(serde_json::json!({ "connection": args.connection, "query": args.query })),
    )?;
    let total = number(&started, "total");
    let bar = if out.quiet || args.node.format == Format::Json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(total)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} tickets, {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = loop {
        let progress = admin.get("/v1/resync")?;
        bar.set_position(number(&progress, "done"));
        bar.set_message(format!("{} sent", number(&progress, "sent")));
        if progress.is_null() || progress["finished"] == true {
            break progress;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    bar.finish();
    if args.node.format == Format::Json {
        print_json(&progress)?;
    } else {
        print_stdout(&format!(
            "resync of {}: {} tickets looked at, {} replicas sent",
            args.connection,
            number(&progress, "done"),
            number(&progress, "sent")
        ));
    }
    Ok(Outcome::Clean)
}
