//! Accounts and the people, reps, tags and partners attached to them; contacts.

mod accounts;
mod contacts;
mod distributors;
mod people;
mod reps;
mod tags;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub(crate) use distributors::read_partner_link;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(accounts::create_account, accounts::list_accounts))
        .routes(routes!(
            accounts::get_account,
            accounts::update_account,
            accounts::delete_account
        ))
        .routes(routes!(accounts::find_or_create_account))
        .routes(routes!(accounts::archive_account))
        .routes(routes!(accounts::restore_account))
        .routes(routes!(accounts::get_account_by_legacy_id))
        .routes(routes!(accounts::merge_accounts))
        .routes(routes!(tags::list_tags))
        .routes(routes!(tags::rename_tag))
        .routes(routes!(tags::change_tags))
        .routes(routes!(people::link_contact, people::account_contacts))
        .routes(routes!(people::update_link, people::unlink_contact))
        .routes(routes!(reps::list_reps, reps::assign_rep))
        .routes(routes!(reps::remove_rep))
        .routes(routes!(reps::reassign_reps))
        .routes(routes!(contacts::create_contact, contacts::list_contacts))
        .routes(routes!(
            contacts::get_contact,
            contacts::update_contact,
            contacts::delete_contact
        ))
        .routes(routes!(contacts::contact_accounts))
        .routes(routes!(
            distributors::list_partners,
            distributors::assign_partner
        ))
        .routes(routes!(distributors::deactivate_partner))
}
