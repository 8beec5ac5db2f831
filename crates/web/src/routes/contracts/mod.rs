//! Contracts: `/api/v1/contracts` (list, hand-made create, read, billing changes), their
//! status moves and history, the renewal chain, and renewals.

#[allow(clippy::module_inception)]
mod contracts;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

impl crate::etag::Versioned for rapport_domain::contract::Contract {
    fn version(&self) -> i64 {
        self.version
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(
            contracts::create_contract,
            contracts::list_contracts
        ))
        .routes(routes!(contracts::get_contract, contracts::update_contract))
        .routes(routes!(contracts::change_contract_status))
        .routes(routes!(contracts::contract_history))
        .routes(routes!(contracts::contract_timeline))
        .routes(routes!(contracts::contract_chain))
        .routes(routes!(contracts::renew_contract))
}
