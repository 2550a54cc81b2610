//! Node configuration: the TOML file `replica daemon -c node.toml` reads.
//!
//! ```toml
//! [[node]]
//! name = "acme"                         # names the node in logs, status and messages
//! platform = "freshdesk"                # or "freshservice"
//! url = "https://acme.freshdesk.com"
//! api_key_env = "ACME_FRESHDESK_KEY"    # or api_key_file = "secrets/acme.key"
//! state = "state/acme.db"               # the node's SQLite database
//! poll_interval = "10s"                 # how often the ticket list is polled
//! start_from = "now"                    # first start: "now", "beginning" or an RFC 3339 time
//! requester_email = "sync@acme.example" # requester of tickets sync creates without one
//!
//! [[node.connection]]
//! name = "acme-globex"                  # the same name on both sides
//! rules = "acme-freshdesk.sync"
//! peer = "globex"                       # the other side: a node in this file
//! ```
//!
//! Relative paths are relative to the configuration file. Several nodes may be described
//! in one file; they run in one process. Every problem names the file and the key.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::connector::ApiKey;
use crate::platform::PlatformKind;

/// What a configuration file describes.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub path: PathBuf,
    pub nodes: Vec<NodeConfig>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default, rename = "node")]
    nodes: Vec<NodeConfig>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    pub name: String,
    pub platform: PlatformKind,
    pub url: String,
    #[serde(default)]
    pub api_key_env: Option<String>,
    #[serde(default)]
    pub api_key_file: Option<PathBuf>,
    pub state: PathBuf,
    #[serde(default = "default_poll_interval", with = "humantime_serde")]
    pub poll_interval: Duration,
    #[serde(default)]
    pub start_from: StartFrom,
    #[serde(default)]
    pub requester_email: Option<String>,
    /// Where the node serves its admin API and its peers' requests (HTTP).
    #[serde(default)]
    pub listen: Option<std::net::SocketAddr>,
    /// A bearer token that admin requests from other machines must carry; without one,
    /// only this machine (loopback) may use the admin API.
    #[serde(default)]
    pub admin_token_env: Option<String>,
    #[serde(default)]
    pub admin_token_file: Option<PathBuf>,
    /// The listener speaks HTTPS with this certificate chain and key (PEM); peers reach it
    /// with an `https://` `peer_url`.
    #[serde(default)]
    pub tls_cert_file: Option<PathBuf>,
    #[serde(default)]
    pub tls_key_file: Option<PathBuf>,
    #[serde(default, rename = "connection")]
    pub connections: Vec<ConnectionConfig>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionConfig {
    pub name: String,
    pub rules: PathBuf,
    /// The other side's node name.
    pub peer: String,
    /// Where the other node listens, when it runs in another process (`https://…`); without
    /// it, the peer is a node of the same file.
    #[serde(default)]
    pub peer_url: Option<String>,
    /// The secret both sides sign their requests with (required with `peer_url`).
    #[serde(default)]
    pub secret_env: Option<String>,
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
    /// The certificate authority (PEM) that signed the peer's certificate, when it is a
    /// private one; the peer is then trusted through it only.
    #[serde(default)]
    pub peer_ca_file: Option<PathBuf>,
}

impl ConnectionConfig {
    /// The shared secret, from where the configuration says it is.
    pub fn secret(&self) -> Result<crate::sync::signing::Secret, String> {
        let text = match (&self.secret_env, &self.secret_file) {
            (Some(var), _) => std::env::var(var).map_err(|_| {
                format!(
                    "connection `{}`: the environment variable `{var}` (its secret) is not set",
                    self.name
                )
            })?,
            (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| {
                format!("connection `{}`: cannot read the secret file `{}`: {e}", self.name, path.display())
            })?,
            (None, None) => {
                return Err(format!("connection `{}`: set `secret_env` or `secret_file`", self.name))
            }
        };
        let text = text.trim();
        if text.len() < 16 {
            return Err(format!("connection `{}`: the secret is shorter than 16 characters", self.name));
        }
        Ok(crate::sync::signing::Secret::new(text.as_bytes().to_vec()))
    }
}

/// Where the change feed begins the first time a node starts (later starts continue from
/// the stored cursor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StartFrom {
    /// Only tickets that change from now on (as Exalate: existing tickets sync when they
    /// next change).
    #[default]
    Now,
    /// Every ticket the list returns.
    Beginning,
    At(DateTime<Utc>),
}

impl<'de> Deserialize<'de> for StartFrom {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_str() {
            "now" => Ok(StartFrom::Now),
            "beginning" => Ok(StartFrom::Beginning),
            other => DateTime::parse_from_rfc3339(other)
                .map(|at| StartFrom::At(at.with_timezone(&Utc)))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                    "`{other}` is not `now`, `beginning` or an RFC 3339 time such as `2026-01-31T00:00:00Z`"
                ))
                }),
        }
    }
}

fn default_poll_interval() -> Duration {
    Duration::from_secs(10)
}

/// A configuration problem, with the file it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

impl NodeConfig {
    /// The API key from where the configuration says it is.
    pub fn api_key(&self) -> Result<ApiKey, String> {
        match (&self.api_key_env, &self.api_key_file) {
            (Some(var), _) => ApiKey::from_env(var),
            (None, Some(path)) => ApiKey::from_file(path),
            (None, None) => Err(format!("node `{}`: set `api_key_env` or `api_key_file`", self.name)),
        }
    }

    pub fn connection(&self, name: &str) -> Option<&ConnectionConfig> {
        self.connections.iter().find(|c| c.name == name)
    }

    /// The admin token, when one is configured.
    pub fn admin_token(&self) -> Result<Option<crate::sync::signing::Secret>, String> {
        let text = match (&self.admin_token_env, &self.admin_token_file) {
            (Some(var), _) => std::env::var(var).map_err(|_| {
                format!("node `{}`: the environment variable `{var}` (the admin token) is not set", self.name)
            })?,
            (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| {
                format!("node `{}`: cannot read the admin token file `{}`: {e}", self.name, path.display())
            })?,
            (None, None) => return Ok(None),
        };
        Ok(Some(crate::sync::signing::Secret::new(text.trim().as_bytes().to_vec())))
    }
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let error = |message: String| ConfigError { path: path.to_path_buf(), message };
        let text = std::fs::read_to_string(path).map_err(|e| error(format!("cannot read the file: {e}")))?;
        Config::parse(path, &text)
    }

    /// Parses and checks configuration text; `path` names it in errors and anchors
    /// relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let error = |message: String| ConfigError { path: path.to_path_buf(), message };
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| error(e.to_string().trim_end().to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut nodes = file.nodes;
        if nodes.is_empty() {
            return Err(error("no `[[node]]` is described; a node needs at least `name`, `platform`, `url`, an API key and `state`".into()));
        }
        let mut names = HashSet::new();
        for node in &mut nodes {
            let at = |key: &str| format!("node `{}`, key `{key}`", node.name);
            if node.name.trim().is_empty() {
                return Err(error("a node has an empty `name`".into()));
            }
            if !names.insert(node.name.clone()) {
                return Err(error(format!("two nodes are named `{}`; node names must differ", node.name)));
            }
            if node.api_key_env.is_some() && node.api_key_file.is_some() {
                return Err(error(format!(
                    "{}: give `api_key_env` or `api_key_file`, not both",
                    at("api_key_env")
                )));
            }
            if node.api_key_env.is_none() && node.api_key_file.is_none() {
                return Err(error(format!(
                    "{}: missing; say where the API key is (or use `api_key_file`)",
                    at("api_key_env")
                )));
            }
            if node.poll_interval < Duration::from_millis(100) {
                return Err(error(format!(
                    "{}: {:?} is too short; use at least 100ms",
                    at("poll_interval"),
                    node.poll_interval
                )));
            }
            if let Some(file) = &mut node.api_key_file {
                *file = base.join(&*file);
            }
            node.state = base.join(&node.state);
            if node.tls_cert_file.is_some() != node.tls_key_file.is_some() {
                return Err(error(format!(
                    "node `{}`, key `tls_cert_file`: give both `tls_cert_file` and `tls_key_file`, or neither",
                    node.name
                )));
            }
            for file in [&mut node.admin_token_file, &mut node.tls_cert_file, &mut node.tls_key_file]
                .into_iter()
                .flatten()
            {
                *file = base.join(&*file);
            }
            let mut connections = HashSet::new();
            for connection in &mut node.connections {
                if !connections.insert(connection.name.clone()) {
                    return Err(error(format!(
                        "node `{}` has two connections named `{}`",
                        node.name, connection.name
                    )));
                }
                connection.rules = base.join(&connection.rules);
                for file in [&mut connection.secret_file, &mut connection.peer_ca_file].into_iter().flatten()
                {
                    *file = base.join(&*file);
                }
                if connection.peer_url.is_some() {
                    if connection.secret_env.is_none() && connection.secret_file.is_none() {
                        return Err(error(format!(
                            "node `{}`, connection `{}`, key `secret_env`: missing; a peer in another process needs a shared secret (or `secret_file`)",
                            node.name, connection.name
                        )));
                    }
                    if node.listen.is_none() {
                        return Err(error(format!(
                            "node `{}`, key `listen`: missing; connection `{}` has a peer in another process, which sends its replicas here",
                            node.name, connection.name
                        )));
                    }
                }
            }
        }
        let states: HashSet<&Path> = nodes.iter().map(|n| n.state.as_path()).collect();
        if states.len() != nodes.len() {
            return Err(error("two nodes share one `state` file; each node needs its own".into()));
        }
        for node in &nodes {
            for connection in node.connections.iter().filter(|c| c.peer_url.is_none()) {
                let Some(peer) = nodes.iter().find(|n| n.name == connection.peer) else {
                    return Err(error(format!(
                        "node `{}`, connection `{}`, key `peer`: there is no node `{}` in this file (for a node in another process, give its `peer_url`)",
                        node.name, connection.name, connection.peer
                    )));
                };
                if peer.name == node.name {
                    return Err(error(format!(
                        "node `{}`, connection `{}`, key `peer`: a node cannot be its own peer",
                        node.name, connection.name
                    )));
                }
                if peer.connection(&connection.name).is_none_or(|c| c.peer != node.name) {
                    return Err(error(format!(
                        "node `{}`, connection `{}`: node `{}` needs a connection `{}` with `peer = \"{}\"` (each side has its own rules)",
                        node.name, connection.name, peer.name, connection.name, node.name
                    )));
                }
            }
        }
        Ok(Config { path: path.to_path_buf(), nodes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_NODES: &str = r#"
[[node]]
name = "acme"
platform = "freshdesk"
url = "https://acme.freshdesk.com"
api_key_env = "ACME_KEY"
state = "state/acme.db"
poll_interval = "2s"

[[node.connection]]
name = "acme-globex"
rules = "acme.sync"
peer = "globex"

[[node]]
name = "globex"
platform = "freshservice"
url = "https://globex.freshservice.com"
api_key_file = "globex.key"
state = "state/globex.db"
start_from = "beginning"

[[node.connection]]
name = "acme-globex"
rules = "globex.sync"
peer = "acme"
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("conf/node.toml"), text)
    }

    #[test]
    fn a_connection_between_two_nodes() {
        let config = parse(TWO_NODES).unwrap();
        let [acme, globex] = &config.nodes[..] else { panic!("two nodes") };
        assert_eq!(acme.platform, PlatformKind::Freshdesk);
        assert_eq!(acme.poll_interval, Duration::from_secs(2));
        assert_eq!(acme.state, Path::new("conf/state/acme.db"));
        assert_eq!(acme.connections[0].rules, Path::new("conf/acme.sync"));
        assert_eq!(acme.start_from, StartFrom::Now);
        assert_eq!(globex.poll_interval, Duration::from_secs(10));
        assert_eq!(globex.api_key_file.as_deref(), Some(Path::new("conf/globex.key")));
        assert_eq!(globex.start_from, StartFrom::Beginning);
    }

    #[test]
    fn the_example_configuration_reads_and_its_rules_load() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/node.toml");
        let config = Config::read(&path).unwrap();
        assert_eq!(config.nodes.len(), 2);
        for node in &config.nodes {
            for connection in &node.connections {
                if let Err(e) = crate::sync::rules::ConnectionRules::load(&connection.rules, node.platform) {
                    panic!("{e}");
                }
            }
        }
    }

    #[test]
    fn mistakes_name_the_file_and_the_key() {
        let typo = parse(&TWO_NODES.replace("poll_interval = \"2s\"", "poll_intervl = \"2s\"")).unwrap_err();
        assert!(typo.to_string().starts_with("conf/node.toml: "), "{typo}");
        assert!(typo.message.contains("unknown field `poll_intervl`"), "{typo}");
        assert!(typo.message.contains("line 8"), "{typo}");

        let bad_platform = parse(&TWO_NODES.replace("\"freshservice\"", "\"jira\"")).unwrap_err();
        assert!(bad_platform.message.contains("jira"), "{bad_platform}");

        let bad_duration = parse(&TWO_NODES.replace("\"2s\"", "\"two seconds\"")).unwrap_err();
        assert!(bad_duration.message.contains("poll_interval"), "{bad_duration}");

        let bad_start = parse(&TWO_NODES.replace("\"beginning\"", "\"yesterday\"")).unwrap_err();
        assert!(
            bad_start.message.contains("`yesterday` is not `now`, `beginning` or an RFC 3339 time"),
            "{bad_start}"
        );

        let no_peer = parse(&TWO_NODES.replace("peer = \"globex\"", "peer = \"initech\"")).unwrap_err();
        assert!(no_peer.message.contains("key `peer`: there is no node `initech`"), "{no_peer}");

        let one_sided = parse(&TWO_NODES.replace(
            "name = \"acme-globex\"\nrules = \"globex.sync\"",
            "name = \"other\"\nrules = \"globex.sync\"",
        ))
        .unwrap_err();
        assert!(one_sided.message.contains("needs a connection `acme-globex`"), "{one_sided}");

        let no_key = parse(&TWO_NODES.replace("api_key_env = \"ACME_KEY\"\n", "")).unwrap_err();
        assert!(no_key.message.contains("node `acme`, key `api_key_env`: missing"), "{no_key}");

        let same_state = parse(&TWO_NODES.replace("state/globex.db", "state/acme.db")).unwrap_err();
        assert!(same_state.message.contains("share one `state` file"), "{same_state}");

        assert!(parse("").unwrap_err().message.contains("no `[[node]]`"));
        assert!(parse("[[node]\n").unwrap_err().message.contains("line 1"));
    }
}
