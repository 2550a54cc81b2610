//! Fault injection: what a flaky network and a struggling platform do to a client.
//!
//! The spec is a comma-separated list of `key=value`:
//!
//! | key | value | effect |
//! |---|---|---|
//! | `latency` | a duration: `50ms`, `1s`, `250us` | every API request waits this long first |
//! | `error_rate` | 0..1 | share of requests answered 500, 502 or 503 without being processed |
//! | `reset_rate` | 0..1 | share of requests whose connection is reset (TCP RST) with no answer, unprocessed |
//! | `drop_after_commit` | 0..1 | share of creates, notes, replies and new contacts that are stored, then the connection is reset with no answer |
//! | `seed` | an integer | the random sequence (default 0) |
//!
//! `""` and `none` mean no faults. The draws come from one seeded generator in request
//! order, so a client that sends the same requests one after another meets the same faults
//! on every run. Faults never touch the control API (`/_sim/…`), and a faulted request is
//! not charged to the rate limit.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultSpec {
    pub latency: Duration,
    pub error_rate: f64,
    pub reset_rate: f64,
    pub drop_after_commit: f64,
    pub seed: u64,
}

impl FaultSpec {
    pub fn none() -> FaultSpec {
        FaultSpec::default()
    }

    pub fn is_none(&self) -> bool {
        self.latency.is_zero()
            && self.error_rate == 0.0
            && self.reset_rate == 0.0
            && self.drop_after_commit == 0.0
    }
}

/// A spec that could not be read, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultSpecError(pub String);

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bad fault spec: {} (expected e.g. `latency=20ms,error_rate=0.1,reset_rate=0.05,drop_after_commit=0.1,seed=42`)",
            self.0
        )
    }
}

impl std::error::Error for FaultSpecError {}

fn duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(at) => text.split_at(at),
        None => return Err(format!("`{text}` has no unit (write `{text}ms` or `{text}s`)")),
    };
    let value: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration"))?;
    let secs = match unit {
        "us" | "µs" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        other => return Err(format!("unknown unit `{other}` in `{text}` (use us, ms or s)")),
    };
    if !(0.0..=600.0).contains(&secs) {
        return Err(format!("latency `{text}` is out of range (0 to 600s)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn rate(key: &str, text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("`{key}` must be a number from 0 to 1, not `{text}`")),
    }
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(text: &str) -> Result<FaultSpec, FaultSpecError> {
        let mut spec = FaultSpec::default();
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("none") {
            return Ok(spec);
        }
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(FaultSpecError(format!("`{part}` is not `key=value`")));
            };
            let (key, value) = (key.trim(), value.trim());
            match key {
                "latency" => spec.latency = duration(value).map_err(FaultSpecError)?,
                "error_rate" => spec.error_rate = rate(key, value).map_err(FaultSpecError)?,
                "reset_rate" => spec.reset_rate = rate(key, value).map_err(FaultSpecError)?,
                "drop_after_commit" => spec.drop_after_commit = rate(key, value).map_err(FaultSpecError)?,
                "seed" => {
                    spec.seed = value.parse().map_err(|_| {
                        FaultSpecError(format!("`seed` must be a whole number, not `{value}`"))
                    })?
                }
                other => {
                    return Err(FaultSpecError(format!(
                    "unknown key `{other}` (known: latency, error_rate, reset_rate, drop_after_commit, seed)"
                )))
                }
            }
        }
        Ok(spec)
    }
}

impl fmt::Display for FaultSpec {
    /// The canonical spec, which parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            return f.write_str("none");
        }
        write!(
            f,
            "latency={}us,error_rate={},reset_rate={},drop_after_commit={},seed={}",
            self.latency.as_micros(),
            self.error_rate,
            self.reset_rate,
            self.drop_after_commit,
            self.seed
        )
    }
}

/// What happens to one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    pub latency: Duration,
    pub reset: bool,
    /// 500, 502 or 503.
    pub error: Option<u16>,
    pub drop_after_commit: bool,
}

pub struct FaultState {
    spec: FaultSpec,
    rng: StdRng,
}

impl FaultState {
    pub fn new(spec: FaultSpec) -> FaultState {
        let rng = StdRng::seed_from_u64(spec.seed);
        FaultState { spec, rng }
    }

    pub fn set(&mut self, spec: FaultSpec) {
        *self = FaultState::new(spec);
    }

    pub fn spec(&self) -> &FaultSpec {
        &self.spec
    }

    /// Draws the faults of the next request. `commits` says whether it stores something
    /// (`drop_after_commit` applies). Every request with faults configured draws the same
    /// number of values, so the sequence depends only on the order of requests.
    pub fn decide(&mut self, commits: bool) -> Decision {
        if self.spec.is_none() {
            return Decision::default();
        }
        let reset: f64 = self.rng.random();
        let error: f64 = self.rng.random();
        let kind: u8 = self.rng.random_range(0..3);
        let drop: f64 = self.rng.random();
        Decision {
            latency: self.spec.latency,
            reset: reset < self.spec.reset_rate,
            error: (error < self.spec.error_rate).then_some([500, 502, 503][usize::from(kind)]),
            drop_after_commit: commits && drop < self.spec.drop_after_commit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print_back() {
        let spec: FaultSpec =
            "latency=20ms, error_rate=0.1,reset_rate=0.05,drop_after_commit=0.1,seed=42".parse().unwrap();
        assert_eq!(spec.latency, Duration::from_millis(20));
        assert_eq!(spec.seed, 42);
        assert_eq!(spec.to_string().parse::<FaultSpec>().unwrap(), spec);
        assert!("".parse::<FaultSpec>().unwrap().is_none());
        assert!("none".parse::<FaultSpec>().unwrap().is_none());
        assert_eq!("latency=1.5s".parse::<FaultSpec>().unwrap().latency, Duration::from_millis(1500));
    }

    #[test]
    fn bad_specs_say_why() {
        let cases = [
            ("latency=20", "has no unit"),
            ("latency=20h", "unknown unit `h`"),
            ("error_rate=2", "from 0 to 1"),
            ("error_rate", "is not `key=value`"),
            ("jitter=1ms", "unknown key `jitter`"),
            ("seed=-1", "whole number"),
        ];
        for (text, expected) in cases {
            let error = text.parse::<FaultSpec>().unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let spec: FaultSpec = "error_rate=0.3,reset_rate=0.2,drop_after_commit=0.5,seed=7".parse().unwrap();
        let run = || {
            let mut state = FaultState::new(spec.clone());
            (0..200).map(|i| state.decide(i % 2 == 0)).collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.iter().any(|d| d.reset) && first.iter().any(|d| d.error.is_some()));
        assert!(first.iter().enumerate().all(|(i, d)| i % 2 == 0 || !d.drop_after_commit));
    }
}
