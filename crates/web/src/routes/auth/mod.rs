//! Sign-in and sessions, API tokens, and user administration.

mod session;
mod tokens;
mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub(crate) use tokens::read_request as read_token_request;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(tokens::create_token, tokens::list))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(users::create_user, users::list_users))
        .routes(routes!(users::get_user, users::update_user))
        .routes(routes!(users::disable_user))
        .routes(routes!(users::enable_user))
}
