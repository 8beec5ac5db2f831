//! Adding a user from `/admin/users`: read by `UserChanges` as the API's create body and
//! made by `user_admin::create`. A local user needs a password: the admin types one, or
//! leaves it empty and gets a generated one, shown once on the result page (it is stored
//! hashed, so it cannot be shown again). A directory user signs in with the directory's.

use axum::extract::State;
use axum::http::StatusCode;
use maud::{html, Markup};
use rand::Rng;
use rapport_domain::account::AccountKind;
use rapport_domain::user::{UserChanges, MIN_PASSWORD_LEN};
use rapport_domain::Role;
use rapport_store::auth::user_admin;
use rapport_store::auth::users::{LDAP_PROVIDER, LOCAL_PROVIDER};
use rapport_store::customers::accounts;
use rapport_store::ListParams;
use serde_json::Value;

use super::nav::{admin_page, Tab};
use super::users;
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, select, Errors, Form, Kind, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

const FIELDS: &[(&str, Kind)] = &[
    ("email", Kind::Text),
    ("name", Kind::Text),
    ("role", Kind::Text),
    ("account_id", Kind::Text),
    ("auth_provider", Kind::Text),
    ("password", Kind::Text),
];

/// Long enough to be safe to hand over once; no look-alike characters.
const GENERATED_LEN: usize = 20;
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn generated_password() -> String {
    let mut rng = rand::thread_rng();
    (0..GENERATED_LEN.max(MIN_PASSWORD_LEN))
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// The accounts a partner or distributor user may belong to, as (id, "name (kind)"),
/// from the store's account list (so the viewer's scope applies).
pub async fn organisations(
    app: &AppState,
    viewer: &Viewer,
) -> Result<Vec<(String, String)>, axum::response::Response> {
    let mut options = vec![(String::new(), "— none (staff roles) —".to_owned())];
    for kind in [AccountKind::Partner, AccountKind::Distributor] {
        let params = ListParams {
            limit: 200,
            sort: Some("name".into()),
            filters: vec![("kind".into(), kind.as_str().into())],
            ..ListParams::default()
        };
        let page = accounts::list(&app.store, &viewer.ctx.actor, params)
            .await
            .or_page(viewer)?;
        options.extend(
            page.data
                .into_iter()
                .map(|a| (a.id.to_string(), format!("{} ({})", a.name, kind.as_str()))),
        );
    }
    Ok(options)
}

pub fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), fmt::words(r.as_str())))
        .collect()
}

/// The add-a-user form, open when it comes back refused.
pub fn form(
    viewer: &Viewer,
    organisations: &[(String, String)],
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| sent.and_then(|f| f.raw(name)).map(str::to_owned);
    let providers = [
        (LOCAL_PROVIDER.to_owned(), "Password (local)".to_owned()),
        (LDAP_PROVIDER.to_owned(), "Directory (LDAP)".to_owned()),
    ];
    let shown: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
    html! {
        details.quick.card open[!errors.is_empty()] {
            summary { "Add a user" }
            (errors.banner(&shown))
            form method="post" action="/admin/users" {
                (csrf(viewer))
                div.grid {
                    div {
                        (field("Email", "email", v("email").as_deref(), "email", errors))
                        (field("Name", "name", v("name").as_deref(), "text", errors))
                        (select("Role", "role", &role_options(), v("role").as_deref().or(Some("rep")), errors))
                        (select("Organisation (partner and distributor users)", "account_id", organisations, v("account_id").as_deref(), errors))
                    }
                    div {
                        (select("Signs in with", "auth_provider", &providers, v("auth_provider").as_deref(), errors))
                        (field("Password (local users; leave empty to generate one)", "password", None, "password", errors))
                        p.muted { "A generated password is shown once, on the next page. Directory users need none." }
                    }
                }
                button type="submit" { "Add user" }
            }
        }
    }
}

/// The page after adding: who was made, and a generated password, once.
fn created_page(
    viewer: &Viewer,
    user: &rapport_store::auth::users::User,
    generated: Option<&str>,
) -> axum::response::Response {
    let body = html! {
        h1 { "User added" }
        p.alert.ok { (user.email) " can now sign in as " (fmt::words(user.role.as_str())) "." }
        @if let Some(password) = generated {
            section.card.secret-once {
                h2 { "Their password" }
                p { code.secret #generated-password { (password) } }
                p { strong { "Copy it now: it is shown only this once." } " Rapport keeps only a hash of it. Give it to them by a safe channel; they can change it after signing in." }
            }
        }
        p { a href={ "/admin/users/" (user.id) } { "Open " (user.email) } " · " a href="/admin/users" { "Back to users" } }
    };
    admin_page(viewer, Tab::Users, "User added", body, StatusCode::CREATED)
}

/// `POST /admin/users`
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let mut body = form.body(FIELDS, false);
    let local = form
        .text("auth_provider")
        .is_none_or(|p| p == LOCAL_PROVIDER);
    let generated = (local && form.text("password").is_none()).then(generated_password);
    if let (Some(password), Some(obj)) = (&generated, body.as_object_mut()) {
        obj.insert("password".into(), Value::String(password.clone()));
    }
    let result = match UserChanges::read(body, true) {
        Ok(changes) => user_admin::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match result {
        Ok(user) => Ok(created_page(&viewer, &user, generated.as_deref())),
        Err(problem) => {
            let status = problem.status;
            users::render(
                &app,
                &viewer,
                "all",
                Some(&form),
                &Errors::from(problem),
                status,
            )
            .await
        }
    }
}
