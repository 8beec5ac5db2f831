//! `include=contacts,reps,notes`: what hangs off accounts, fetched for a whole page of
//! accounts in one query per kind rather than one per account.

use std::collections::HashMap;

use rapport_domain::note::Note;
use rapport_domain::Actor;
use serde::Serialize;
use uuid::Uuid;

use crate::customers::links::{people_of, AccountPerson};
use crate::customers::rep_rows::{rows_of, AccountRep};
use crate::timeline::notes;
use crate::{Store, StoreError};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Include {
    pub contacts: bool,
    pub reps: bool,
    pub notes: bool,
}

impl Include {
    pub const NAMES: &'static str = "contacts, reps, notes";

    /// Parses the comma-separated values of every `include` parameter.
    pub fn parse(values: &[String]) -> Result<Self, StoreError> {
        let mut inc = Include::default();
        for part in values.iter().flat_map(|v| v.split(',')).map(str::trim) {
            match part {
                "" => {}
                "contacts" => inc.contacts = true,
                "reps" => inc.reps = true,
                "notes" => inc.notes = true,
                other => {
                    return Err(StoreError::bad_request(
                        "include",
                        "enum",
                        format!("cannot include {other:?}; one or more of {}", Self::NAMES),
                    ))
                }
            }
        }
        Ok(inc)
    }

    pub fn any(self) -> bool {
        self.contacts || self.reps || self.notes
    }
}

/// What was asked to be included for one account; absent lists were not asked for.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Included {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<AccountPerson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reps: Option<Vec<AccountRep>>,
    /// The newest notes (at most `notes::INCLUDED_NOTES`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<Note>>,
}

/// The included records of `account_ids`, which the caller has just read through the
/// actor's scope: what hangs off an account is visible with it, except the notes a role
/// may not read on any account (internal ones, for partner and distributor users).
pub async fn for_accounts(
    store: &Store,
    actor: &Actor,
    account_ids: Vec<Uuid>,
    inc: Include,
) -> Result<HashMap<Uuid, Included>, StoreError> {
    if !inc.any() || account_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let mut out: HashMap<Uuid, Included> = account_ids
                .iter()
                .map(|id| {
                    let empty = Included {
                        contacts: inc.contacts.then(Vec::new),
                        reps: inc.reps.then(Vec::new),
                        notes: inc.notes.then(Vec::new),
                    };
                    (*id, empty)
                })
                .collect();
            if inc.contacts {
                for person in people_of(c, &account_ids)? {
                    if let Some(list) = out
                        .get_mut(&person.link.account_id)
                        .and_then(|i| i.contacts.as_mut())
                    {
                        list.push(person);
                    }
                }
            }
            if inc.reps {
                for rep in rows_of(c, &account_ids)? {
                    if let Some(list) = out.get_mut(&rep.account_id).and_then(|i| i.reps.as_mut()) {
                        list.push(rep);
                    }
                }
            }
            if inc.notes {
                for note in notes::newest_of(c, &actor, &account_ids, notes::INCLUDED_NOTES)? {
                    if let Some(list) = out.get_mut(&note.account_id).and_then(|i| i.notes.as_mut())
                    {
                        list.push(note);
                    }
                }
            }
            Ok(out)
        })
        .await
}
