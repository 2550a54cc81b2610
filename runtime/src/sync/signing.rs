//! Node-to-node requests are signed: HMAC-SHA256, with the connection's shared secret, over
//! `"<timestamp>.<body>"`. The receiver rejects a request whose signature does not verify,
//! whose timestamp is more than [`MAX_SKEW`] away from its clock (stale or from the
//! future), or whose signature it has already accepted within that window (a replay).
//! Envelopes sent again on purpose (after a lost answer) carry a new timestamp, so they are
//! new requests; the envelopes themselves are deduplicated by key.
//!
//! Headers: `X-Replica-Node` (the sender), `X-Replica-Timestamp` (Unix seconds),
//! `X-Replica-Signature: v1=<hex>`.

use std::collections::HashMap;
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const NODE_HEADER: &str = "x-replica-node";
pub const TIMESTAMP_HEADER: &str = "x-replica-timestamp";
pub const SIGNATURE_HEADER: &str = "x-replica-signature";

/// How far a request's timestamp may be from the receiver's clock, in seconds.
pub const MAX_SKEW: i64 = 300;

/// A shared secret. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(secret: impl Into<Vec<u8>>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself, to send or compare it, never to print it.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

fn mac(secret: &Secret, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&secret.0).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature header's value for a body sent at `timestamp`.
pub fn sign(secret: &Secret, timestamp: i64, body: &[u8]) -> String {
    format!("v1={}", hex::encode(mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Why a signed request was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the request is not signed (missing `{0}`)")]
    Unsigned(&'static str),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the timestamp is {0} s away from this node's clock (at most {MAX_SKEW} s)")]
    Stale(i64),
    #[error("the same signed request was already received")]
    Replayed,
    #[error("`{0}` is not the peer of this connection")]
    UnknownSender(String),
}

impl Rejection {
    /// A short name for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejection::Unsigned(_) => "unsigned",
            Rejection::BadSignature => "bad_signature",
            Rejection::Stale(_) => "stale",
            Rejection::Replayed => "replayed",
            Rejection::UnknownSender(_) => "unknown_sender",
        }
    }
}

/// Checks a request's timestamp and signature (not replays: see [`ReplayGuard`]).
pub fn verify(
    secret: &Secret,
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: i64,
) -> Result<i64, Rejection> {
    let timestamp: i64 = timestamp.trim().parse().map_err(|_| Rejection::BadSignature)?;
    let skew = (now - timestamp).abs();
    if skew > MAX_SKEW {
        return Err(Rejection::Stale(skew));
    }
    let given = signature
        .trim()
        .strip_prefix("v1=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(Rejection::BadSignature)?;
    // Constant-time comparison.
    mac(secret, timestamp, body).verify_slice(&given).map_err(|_| Rejection::BadSignature)?;
    Ok(timestamp)
}

/// The signatures accepted within the last [`MAX_SKEW`] seconds (older ones are refused as
/// stale anyway).
#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: Mutex<HashMap<String, i64>>,
}

impl ReplayGuard {
    /// Records a verified request's signature; `Err(Replayed)` if it was seen already.
    pub fn admit(&self, signature: &str, timestamp: i64, now: i64) -> Result<(), Rejection> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, at| now - *at <= MAX_SKEW);
        if seen.insert(signature.trim().to_string(), timestamp).is_some() {
            return Err(Rejection::Replayed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_reject_tampering_staleness_and_replays() {
        let secret = Secret::new("s3cret");
        let body = br#"[{"seq":1}]"#;
        let now = 1_800_000_000;
        let signature = sign(&secret, now, body);
        assert!(signature.starts_with("v1=") && signature.len() == 3 + 64);
        assert_eq!(verify(&secret, &now.to_string(), &signature, body, now + 10), Ok(now));
        assert_eq!(
            verify(&secret, &now.to_string(), &signature, b"[{\"seq\":2}]", now),
            Err(Rejection::BadSignature)
        );
        assert_eq!(
            verify(&Secret::new("other"), &now.to_string(), &signature, body, now),
            Err(Rejection::BadSignature)
        );
        assert_eq!(
            verify(&secret, &(now + 1).to_string(), &signature, body, now),
            Err(Rejection::BadSignature)
        );
        assert_eq!(
            verify(&secret, &now.to_string(), &signature, body, now + 301),
            Err(Rejection::Stale(301))
        );
        assert_eq!(verify(&secret, &now.to_string(), "v1=zz", body, now), Err(Rejection::BadSignature));
        let guard = ReplayGuard::default();
        assert_eq!(guard.admit(&signature, now, now), Ok(()));
        assert_eq!(guard.admit(&signature, now, now + 5), Err(Rejection::Replayed));
        assert_eq!(format!("{secret:?}"), "Secret(<hidden>)");
    }
}
