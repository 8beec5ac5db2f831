//! What the order pages offer to choose from: the order types, the states and their
//! moves (configuration, the same for everyone signed in) and the active durations of
//! the catalogue. Read-only; the administration of each is its own area's.

use rapport_domain::order_config::{OrderState, OrderType};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::workflow;
use crate::kernel::record::Record;
use crate::{Store, StoreError};

/// A subscription length a line may run for.
#[derive(Debug, Clone, PartialEq)]
pub struct DurationChoice {
    pub id: Uuid,
    pub name: String,
    pub months: i64,
    pub discount_percentage: Decimal,
}

#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// Every type, by name (inactive ones stay on their orders).
    pub types: Vec<OrderType>,
    /// Every state, in workflow order.
    pub states: Vec<OrderState>,
    /// The allowed moves, as (from, to).
    pub moves: Vec<(Uuid, Uuid)>,
    /// Active durations, shortest first.
    pub durations: Vec<DurationChoice>,
}

impl Choices {
    pub fn state(&self, id: Uuid) -> Option<&OrderState> {
        self.states.iter().find(|s| s.id == id)
    }

    pub fn order_type(&self, id: Uuid) -> Option<&OrderType> {
        self.types.iter().find(|t| t.id == id)
    }

    /// The active states an order in `from` may move to, in workflow order.
    pub fn moves_from(&self, from: Uuid) -> Vec<&OrderState> {
        self.states
            .iter()
            .filter(|s| s.active && self.moves.contains(&(from, s.id)))
            .collect()
    }
}

pub async fn choices(store: &Store) -> Result<Choices, StoreError> {
    store
        .db
        .read(|c| {
            let rows = c.query(
                &format!(
                    "SELECT {} FROM order_types ORDER BY name, id",
                    OrderType::COLUMNS.join(", ")
                ),
                &[],
            )?;
            let types = rows
                .iter()
                .map(OrderType::from_row)
                .collect::<Result<_, _>>()?;
            let durations = c
                .query(
                    "SELECT id, name, months, discount_percentage FROM durations WHERE active = ? ORDER BY months",
                    &[true.into()],
                )?
                .iter()
                .map(|r| {
                    Ok(DurationChoice {
                        id: r.get("id")?,
                        name: r.get("name")?,
                        months: r.get("months")?,
                        discount_percentage: r.get::<Decimal>("discount_percentage")?.normalize(),
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            Ok(Choices {
                types,
                states: workflow::all_states(c)?,
                moves: workflow::all_moves(c)?,
                durations,
            })
        })
        .await
}
