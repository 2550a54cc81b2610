//! `replica demo`: the example connection at work, with nothing to set up.
//!
//! It starts a simulated Freshdesk (ACME's customer support) and a simulated Freshservice
//! (Globex's IT service desk), and the two nodes of the example connection in this process
//! with the rules in `examples/`. Then it plays a short story — ACME escalates tickets,
//! Globex answers and changes a status, Globex opens a ticket for ACME, an ACME ticket that
//! is not urgent stays home — printing what each side does as it happens, and checks that
//! everything arrived (and nothing twice). Exit status 0 when it did, 1 with the reason
//! when not within the time limit.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use replica_runtime::connector::{ApiKey, Client, ClientConfig, NewNote, PlatformKind, RetryPolicy};
use replica_runtime::sim::{SeedState, SimConfig, SimHandle, SimPlatform};
use replica_runtime::sync::config::Config;
use replica_runtime::sync::daemon::Daemon;
use replica_runtime::sync::events::{Event, EventKind, EventSink};
use serde_json::{json, Map, Value};

use crate::output::Output;
use crate::Outcome;

const ACME_RULES: &str = include_str!("../../examples/acme-freshdesk.sync");
const GLOBEX_RULES: &str = include_str!("../../examples/globex-freshservice.sync");
const ACME_KEY: &str = "acme-demo-key";
const GLOBEX_KEY: &str = "globex-demo-key";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// After the story, keep the simulators and nodes running to explore (Ctrl-C stops).
    #[arg(long)]
    pub keep_running: bool,

    /// Where to write the configuration and the nodes' state (default: a temporary
    /// directory, removed at the end unless `--keep-running`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// How long everything may take to arrive, in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub timeout: u64,
}

pub fn run(args: &DemoArgs, out: &Output) -> anyhow::Result<Outcome> {
    if out.verbose {
        super::daemon::init_logging(super::daemon::LogFormat::Text, out);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(demo(args))
}

/// Prints a line with the time since the start.
struct Clock(Instant);

impl Clock {
    fn say(&self, who: &str, what: &str) {
        println!("{:>6.1}s  {who:<7} {what}", self.0.elapsed().as_secs_f64());
    }
}

async fn demo(args: &DemoArgs) -> anyhow::Result<Outcome> {
    let acme = start_sim(
        SimPlatform::Freshdesk,
        ACME_KEY,
        json!({
            "agents": [{"id": 1, "name": "Ada Moreno", "email": "ada@acme.example"}],
            "contacts": [{"id": 100, "name": "Carla Diaz", "email": "carla@customer.example"}]
        }),
    )
    .await?;
    let globex = start_sim(
        SimPlatform::Freshservice,
        GLOBEX_KEY,
        json!({
            "agents": [{"id": 1, "name": "Gus Grant", "email": "gus@globex.example"}],
            "groups": [{"id": 12, "name": "ACME partner desk", "agent_ids": [1]}]
        }),
    )
    .await?;

    let temp = match &args.dir {
        Some(_) => None,
        None => Some(tempfile::Builder::new().prefix("replica-demo-").tempdir()?),
    };
    let dir = match (&args.dir, &temp) {
        (Some(dir), _) => dir.clone(),
        (None, Some(temp)) => temp.path().to_path_buf(),
        (None, None) => unreachable!("a directory is chosen above"),
    };
    let config_path = write_setup(&dir, &acme.base_url(), &globex.base_url())?;
    let config = Config::read(&config_path)?;

    println!("Replica demo: ACME's support desk (Freshdesk) ⇄ Globex's IT service desk (Freshservice)");
    println!("  ACME    simulated Freshdesk at {}, rules examples/acme-freshdesk.sync", acme.base_url());
    println!(
        "  Globex  simulated Freshservice at {}, rules examples/globex-freshservice.sync",
        globex.base_url()
    );
    println!("  config  {}", config_path.display());
    println!();

    let (events, mut received) = EventSink::channel();
    let tuning: replica_runtime::sync::daemon::ClientTuning = Arc::new(|client: &mut ClientConfig| {
        client.retry = RetryPolicy { base_delay: Duration::from_millis(50), ..RetryPolicy::default() };
    });
    let daemon = tokio::task::spawn_blocking(move || Daemon::start(&config, events, Some(tuning))).await??;

    let clock = Arc::new(Clock(Instant::now()));
    let printer = {
        let clock = clock.clone();
        tokio::spawn(async move {
            while let Some(event) = received.recv().await {
                if let Some(line) = describe(&event) {
                    clock.say(&event.node, &line);
                }
            }
        })
    };

    let story = Story {
        acme: user_client(PlatformKind::Freshdesk, &acme, ACME_KEY)?,
        globex: user_client(PlatformKind::Freshservice, &globex, GLOBEX_KEY)?,
        acme_sim: &acme,
        globex_sim: &globex,
        clock: clock.clone(),
        deadline: Instant::now() + Duration::from_secs(args.timeout),
    };
    let result = story.play().await;

    println!();
    let outcome = match &result {
        Ok(summary) => {
            println!("✓ {summary} in {:.1} s", clock.0.elapsed().as_secs_f64());
            let (a, g) = (acme.stats(), globex.stats());
            println!(
                "  API calls: ACME {} (429s: {}), Globex {} (429s: {})",
                a.requests, a.rate_limited, g.requests, g.rate_limited
            );
            Outcome::Clean
        }
        Err(error) => {
            println!("✗ the demo did not complete: {error:#}");
            Outcome::Errors
        }
    };

    if args.keep_running {
        println!();
        println!("Still running; Ctrl-C stops. Try:");
        println!("  curl -u {ACME_KEY}:X {}/api/v2/tickets?updated_since=2000-01-01", acme.base_url());
        println!("  curl -u {GLOBEX_KEY}:X {}/api/v2/tickets?updated_since=2000-01-01", globex.base_url());
        println!("  (create or change a ticket, and watch the other side; state in {})", dir.display());
        super::daemon::wait_for_stop().await.context("cannot listen for Ctrl-C")?;
    }
    tokio::task::spawn_blocking(move || daemon.stop()).await?;
    printer.abort();
    acme.shutdown().await;
    globex.shutdown().await;
    if args.keep_running {
        // The directory stays for a look at the state.
        std::mem::forget(temp);
    }
    Ok(outcome)
}

async fn start_sim(platform: SimPlatform, key: &str, seed: Value) -> anyhow::Result<SimHandle> {
    let mut config = SimConfig::new(platform, key);
    config.seed =
        Some(SeedState::from_json(&seed.to_string()).map_err(|e| anyhow::anyhow!("demo seed: {e}"))?);
    Ok(SimHandle::start(config, "127.0.0.1:0".parse()?).await?)
}

fn user_client(platform: PlatformKind, sim: &SimHandle, key: &str) -> anyhow::Result<Client> {
    Ok(Client::new(ClientConfig::new(platform, sim.base_url(), ApiKey::new(key)))?)
}

/// The rules, key files and node configuration of the demo, in `dir`.
fn write_setup(dir: &Path, acme_url: &str, globex_url: &str) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .with_context(|| format!("cannot write `{}`", dir.join(name).display()))
    };
    write("acme-freshdesk.sync", ACME_RULES)?;
    write("globex-freshservice.sync", GLOBEX_RULES)?;
    write("acme.key", ACME_KEY)?;
    write("globex.key", GLOBEX_KEY)?;
    let config = format!(
        r#"# The demo's two nodes, in one process (written by `replica demo`).

[[node]]
name = "acme"
platform = "freshdesk"
url = "{acme_url}"
api_key_file = "acme.key"
state = "acme.db"
poll_interval = "500ms"
start_from = "beginning"
requester_email = "partners@acme.example"

[[node.connection]]
name = "acme-globex"
rules = "acme-freshdesk.sync"
peer = "globex"

[[node]]
name = "globex"
platform = "freshservice"
url = "{globex_url}"
api_key_file = "globex.key"
state = "globex.db"
poll_interval = "500ms"
start_from = "beginning"
requester_email = "escalations@globex.example"

[[node.connection]]
name = "acme-globex"
rules = "globex-freshservice.sync"
peer = "acme"
"#
    );
    write("node.toml", &config)?;
    Ok(dir.join("node.toml"))
}

/// A line for what a node did (`None` for what is not worth a line).
fn describe(event: &Event) -> Option<String> {
    let peer = if event.node == "acme" { "globex" } else { "acme" };
    Some(match &event.kind {
        EventKind::Sent { ticket, .. } => format!("→ sent ticket #{ticket} to {peer}"),
        EventKind::Created { ticket, remote } => {
            format!("created ticket #{ticket} as the twin of {peer} #{remote}")
        }
        EventKind::Updated { ticket, fields, .. } => {
            format!("updated ticket #{ticket}: {}", fields.join(", "))
        }
        EventKind::NoteAdded { ticket, .. } => format!("added a note to ticket #{ticket}"),
        EventKind::Unchanged { .. } => return None,
        EventKind::Parked { direction, ticket, summary } => {
            format!("PARKED {direction} ticket #{ticket}: {summary}")
        }
        EventKind::Reconciled { ticket, what } => {
            format!("found the {what} of ticket #{ticket} after a lost answer")
        }
    })
}

struct Story<'a> {
    acme: Client,
    globex: Client,
    acme_sim: &'a SimHandle,
    globex_sim: &'a SimHandle,
    clock: Arc<Clock>,
    deadline: Instant,
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

impl Story<'_> {
    /// Waits until `found` finds what it looks for in a simulator's state.
    async fn until<T>(&self, what: &str, mut found: impl FnMut() -> Option<T>) -> anyhow::Result<T> {
        loop {
            if let Some(value) = found() {
                return Ok(value);
            }
            if Instant::now() > self.deadline {
                bail!("{what} did not happen in time");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn tickets(sim: &SimHandle) -> Vec<Map<String, Value>> {
        sim.state().tickets
    }

    fn notes(sim: &SimHandle, ticket: i64) -> Vec<String> {
        sim.state()
            .conversations
            .iter()
            .filter(|c| c.get("ticket_id").and_then(Value::as_i64) == Some(ticket))
            .filter_map(|c| c.get("body").and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    /// The Globex twin of an ACME ticket: its subject carries `[ACME <id>]`.
    fn globex_twin(&self, acme_id: i64) -> Option<Map<String, Value>> {
        let tag = format!("[ACME {acme_id}]");
        Self::tickets(self.globex_sim)
            .into_iter()
            .find(|t| t.get("subject").and_then(Value::as_str).is_some_and(|s| s.starts_with(&tag)))
    }

    fn acme_twin(&self, globex_id: i64) -> Option<Map<String, Value>> {
        let tag = format!("[Globex {globex_id}]");
        Self::tickets(self.acme_sim)
            .into_iter()
            .find(|t| t.get("subject").and_then(Value::as_str).is_some_and(|s| s.starts_with(&tag)))
    }

    fn user(&self, who: &str, what: &str) {
        self.clock.say(who, &format!("[user] {what}"));
    }

    async fn play(&self) -> anyhow::Result<String> {
        let urgent = self
            .acme
            .create_ticket(&object(json!({"email": "carla@customer.example", "subject": "Checkout page times out",
                "description": "<p>Customers cannot pay since this morning.</p>", "status": 2, "priority": 4, "source": 2})))
            .await?;
        self.user("acme", &format!("Carla opens ticket #{} \"Checkout page times out\" (Urgent)", urgent.id));
        let high = self
            .acme
            .create_ticket(&object(
                json!({"email": "carla@customer.example", "subject": "Refund for order 1042",
                "description": "<p>Charged twice.</p>", "status": 2, "priority": 3, "source": 2}),
            ))
            .await?;
        self.user("acme", &format!("Carla opens ticket #{} \"Refund for order 1042\" (High)", high.id));
        let low = self
            .acme
            .create_ticket(&object(
                json!({"email": "carla@customer.example", "subject": "How do I change my password?",
                "description": "<p>Just asking.</p>", "status": 2, "priority": 1, "source": 2}),
            ))
            .await?;
        self.user(
            "acme",
            &format!("Carla opens ticket #{} \"How do I change my password?\" (Low: stays at ACME)", low.id),
        );

        let g_urgent =
            self.until("the urgent ticket's escalation to Globex", || self.globex_twin(urgent.id)).await?;
        let g_urgent_id = g_urgent.get("id").and_then(Value::as_i64).context("a Globex ticket id")?;
        let g_high =
            self.until("the high ticket's escalation to Globex", || self.globex_twin(high.id)).await?;
        let g_high_id = g_high.get("id").and_then(Value::as_i64).context("a Globex ticket id")?;
        if g_urgent.get("priority") != Some(&json!(4)) || g_urgent.get("group_id") != Some(&json!(12)) {
            bail!("Globex #{g_urgent_id} should be Urgent in group 12: {}", Value::Object(g_urgent.clone()));
        }

        self.globex
            .add_note(
                g_urgent_id,
                &NewNote { body: "We are rolling back last night's deploy.".into(), private: false },
            )
            .await?;
        self.user(
            "globex",
            &format!("Gus answers on #{g_urgent_id}: \"We are rolling back last night's deploy.\""),
        );
        self.acme
            .add_note(
                urgent.id,
                &NewNote { body: "Customer confirms: still failing at 10:40.".into(), private: false },
            )
            .await?;
        self.user(
            "acme",
            &format!(
                "Ada adds a public note on #{}: \"Customer confirms: still failing at 10:40.\"",
                urgent.id
            ),
        );
        self.globex.update_ticket(g_high_id, &object(json!({"status": 3}))).await?;
        self.user("globex", &format!("Gus sets #{g_high_id} to Pending (waiting on the payment provider)"));
        let g_new = self
            .globex
            .create_ticket(&object(json!({"email": "gus@globex.example", "subject": "VPN certificate expires Friday",
                "description": "<p>Please install the new certificate on ACME's side.</p>", "status": 2, "priority": 2,
                "group_id": 12})))
            .await?;
        self.user("globex", &format!("Gus opens #{} \"VPN certificate expires Friday\" for ACME", g_new.id));

        self.until("Globex's answer on ACME's ticket", || {
            Self::notes(self.acme_sim, urgent.id)
                .iter()
                .any(|n| n.contains("[Globex | Gus Grant] We are rolling back"))
                .then_some(())
        })
        .await?;
        self.until("ACME's note on Globex's ticket", || {
            Self::notes(self.globex_sim, g_urgent_id)
                .iter()
                .any(|n| n.contains("still failing at 10:40"))
                .then_some(())
        })
        .await?;
        self.until("the Pending status at ACME (Waiting on Third Party)", || {
            Self::tickets(self.acme_sim)
                .into_iter()
                .find(|t| t.get("id").and_then(Value::as_i64) == Some(high.id))
                .filter(|t| t.get("status") == Some(&json!(7)))
        })
        .await?;
        self.until("Globex's new ticket at ACME", || self.acme_twin(g_new.id)).await?;

        // Quiet: give the echoes time to settle, then check that nothing arrived twice and
        // the low-priority ticket stayed at ACME.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let globex_tickets = Self::tickets(self.globex_sim);
        let acme_tickets = Self::tickets(self.acme_sim);
        if globex_tickets.len() != 3 {
            bail!("Globex should have 3 tickets (2 escalations and its own), has {}", globex_tickets.len());
        }
        if acme_tickets.len() != 4 {
            bail!("ACME should have 4 tickets (3 of its own and Globex's), has {}", acme_tickets.len());
        }
        let echoes =
            Self::notes(self.acme_sim, urgent.id).iter().filter(|n| n.contains("rolling back")).count();
        if echoes != 1 {
            bail!("Globex's answer should be on ACME's ticket once, is there {echoes} times");
        }
        let copies =
            Self::notes(self.globex_sim, g_urgent_id).iter().filter(|n| n.contains("still failing")).count();
        if copies != 1 {
            bail!("ACME's note should be on Globex's ticket once, is there {copies} times");
        }
        Ok("everything arrived: 2 escalations, 1 ticket back, 2 notes, 1 status change; nothing twice; the Low ticket stayed home".into())
    }
}
