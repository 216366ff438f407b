//! Channels: where messages (and, with the vault, documents) live, and who may read and write
//! each one (docs/PROCEDURE.md, channels).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A channel of a case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelId {
    /// The shared record: parties, mediator, case officer (Secretary-General reads).
    Plenary,
    /// One party's private channel with the mediator.
    Caucus(String),
    /// The mediator's own notes: no one else, ever, and never exported.
    MediatorNotes,
    /// A party's internal workspace (its representatives; its internal reviewers read).
    Internal(String),
    /// Fees, scheduling and notices: the Secretariat and finance write, everyone in the case reads.
    Administrative,
}

impl ChannelId {
    /// The stable text form: `plenary`, `caucus:A`, `notes`, `internal:A`, `administrative`.
    pub fn encode(&self) -> String {
        match self {
            ChannelId::Plenary => "plenary".into(),
            ChannelId::Caucus(p) => format!("caucus:{p}"),
            ChannelId::MediatorNotes => "notes".into(),
            ChannelId::Internal(p) => format!("internal:{p}"),
            ChannelId::Administrative => "administrative".into(),
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<ChannelId> {
        Some(match s {
            "plenary" => ChannelId::Plenary,
            "notes" => ChannelId::MediatorNotes,
            "administrative" => ChannelId::Administrative,
            _ => {
                let (kind, party) = s.split_once(':')?;
                if party.is_empty()
                    || party.len() > 64
                    || !party
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return None;
                }
                match kind {
                    "caucus" => ChannelId::Caucus(party.into()),
                    "internal" => ChannelId::Internal(party.into()),
                    _ => return None,
                }
            }
        })
    }

    /// The party a caucus or internal channel belongs to.
    pub fn party(&self) -> Option<&str> {
        match self {
            ChannelId::Caucus(p) | ChannelId::Internal(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl Serialize for ChannelId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for ChannelId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ChannelId::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{s}' is not a channel (plenary, caucus:<party>, notes, internal:<party>, administrative)"
            ))
        })
    }
}

impl schemars::JsonSchema for ChannelId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ChannelId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(plenary|notes|administrative|(caucus|internal):[A-Za-z0-9_-]{1,64})$",
            "description": "plenary, caucus:<party>, notes, internal:<party> or administrative"
        })
    }
}

/// How far an actor may read a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadAccess {
    /// Nothing: the channel answers as if it did not exist.
    None,
    /// That messages exist, when and how large — not their content (the Secretariat's view of a
    /// caucus, for logistics).
    Metadata,
    /// Everything.
    Full,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_round_trip_and_bad_ones_are_refused() {
        for c in [
            ChannelId::Plenary,
            ChannelId::Caucus("A".into()),
            ChannelId::MediatorNotes,
            ChannelId::Internal("state-b".into()),
            ChannelId::Administrative,
        ] {
            assert_eq!(ChannelId::parse(&c.encode()), Some(c));
        }
        for bad in [
            "",
            "caucus",
            "caucus:",
            "caucus:a/b",
            "internal:../x",
            "lobby",
            "notes:A",
        ] {
            assert_eq!(ChannelId::parse(bad), None, "{bad}");
        }
    }
}
