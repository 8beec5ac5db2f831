//! Changes that may refuse a remembered token check, announced to the other nodes that
//! share the database (`auth::token_cache` hears them).

use rapport_db::Conn;
use uuid::Uuid;

use crate::StoreError;

/// The channel token and user changes are announced on.
pub(crate) const CHANNEL: &str = "rapport_auth";

/// A change that may refuse cached tokens, as announced to the other nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Token(Uuid),
    User(Uuid),
}

impl Change {
    pub(crate) fn payload(self) -> String {
        match self {
            Change::Token(id) => format!("token:{id}"),
            Change::User(id) => format!("user:{id}"),
        }
    }

    pub(crate) fn parse(payload: &str) -> Option<Self> {
        let (kind, id) = payload.split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        match kind {
            "token" => Some(Change::Token(id)),
            "user" => Some(Change::User(id)),
            _ => None,
        }
    }
}

/// Tells the other nodes, when this write commits, to drop what `change` makes stale.
pub(crate) fn announce(c: &mut dyn Conn, change: Change) -> Result<(), StoreError> {
    c.notify(CHANNEL, &change.payload())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_back_and_anything_else_clears_everything() {
        let id = Uuid::now_v7();
        for change in [Change::Token(id), Change::User(id)] {
            assert_eq!(Change::parse(&change.payload()), Some(change));
        }
        assert_eq!(Change::parse("token:nope"), None);
        assert_eq!(
            Change::parse("group:00000000-0000-0000-0000-000000000000"),
            None
        );
    }
}
