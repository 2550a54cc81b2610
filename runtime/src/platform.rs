//! The two helpdesk platforms, and the places where their REST APIs differ in shape rather
//! than in data: Freshservice wraps every body in an object named after the resource
//! (`{"ticket": {…}}`), Freshdesk does not; the ticket-field metadata and the user
//! directory live under different paths. Field facts (types, enums) are in the compiler's
//! schema data, not here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlatformKind {
    Freshdesk,
    Freshservice,
}

impl PlatformKind {
    pub const ALL: [PlatformKind; 2] = [PlatformKind::Freshdesk, PlatformKind::Freshservice];

    /// `freshdesk`, `freshservice`: the name in `.sync` files, configuration and the schema.
    pub fn name(self) -> &'static str {
        match self {
            PlatformKind::Freshdesk => "freshdesk",
            PlatformKind::Freshservice => "freshservice",
        }
    }

    /// `Freshdesk`, `Freshservice`: the name in messages.
    pub fn display_name(self) -> &'static str {
        match self {
            PlatformKind::Freshdesk => "Freshdesk",
            PlatformKind::Freshservice => "Freshservice",
        }
    }

    /// Whether bodies are wrapped in an object named after the resource.
    pub fn wraps_bodies(self) -> bool {
        self == PlatformKind::Freshservice
    }

    /// The path of the ticket-field metadata.
    pub fn ticket_fields_path(self) -> &'static str {
        match self {
            PlatformKind::Freshdesk => "/api/v2/ticket_fields",
            PlatformKind::Freshservice => "/api/v2/ticket_form_fields",
        }
    }

    /// The collection of end users (who raise tickets): contacts or requesters.
    pub fn end_users(self) -> &'static str {
        match self {
            PlatformKind::Freshdesk => "contacts",
            PlatformKind::Freshservice => "requesters",
        }
    }

    /// The path of the ticket search: `search/tickets` on Freshdesk (`{"results", "total"}`),
    /// `tickets/filter` on Freshservice (`{"tickets", "total"}`).
    pub fn search_path(self) -> &'static str {
        match self {
            PlatformKind::Freshdesk => "/api/v2/search/tickets",
            PlatformKind::Freshservice => "/api/v2/tickets/filter",
        }
    }

    /// The response header that names the API version.
    pub fn version_header(self) -> &'static str {
        match self {
            PlatformKind::Freshdesk => "x-freshdesk-api-version",
            PlatformKind::Freshservice => "x-freshservice-api-version",
        }
    }
}

impl fmt::Display for PlatformKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of [`PlatformKind::from_str`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPlatform(pub String);

impl fmt::Display for UnknownPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown platform `{}` (expected `freshdesk` or `freshservice`)", self.0)
    }
}

impl std::error::Error for UnknownPlatform {}

impl FromStr for PlatformKind {
    type Err = UnknownPlatform;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PlatformKind::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPlatform(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_say_what_is_expected() {
        for platform in PlatformKind::ALL {
            assert_eq!(platform.name().parse::<PlatformKind>(), Ok(platform));
            let json = serde_json::to_string(&platform).unwrap();
            assert_eq!(json, format!("\"{}\"", platform.name()));
        }
        assert_eq!("FreshDesk".parse::<PlatformKind>(), Ok(PlatformKind::Freshdesk));
        let err = "jira".parse::<PlatformKind>().unwrap_err();
        assert_eq!(err.to_string(), "unknown platform `jira` (expected `freshdesk` or `freshservice`)");
    }
}
