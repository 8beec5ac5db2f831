//! The UI's own stylesheet, script and icon, compiled into the binary and served under
//! names that carry a hash of their content: a new release changes the name, so browsers
//! may keep each file forever and never run a stale one.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    href: String,
    body: &'static str,
    content_type: &'static str,
}

impl Asset {
    fn new(stem: &str, ext: &str, body: &'static str, content_type: &'static str) -> Self {
        let digest = hex::encode(Sha256::digest(body.as_bytes()));
        Self {
            href: format!("/assets/{stem}.{}.{ext}", &digest[..12]),
            body,
            content_type,
        }
    }
}

static ASSETS: LazyLock<[Asset; 3]> = LazyLock::new(|| {
    [
        Asset::new(
            "app",
            "css",
            include_str!("../../assets/app.css"),
            "text/css; charset=utf-8",
        ),
        Asset::new(
            "app",
            "js",
            include_str!("../../assets/app.js"),
            "text/javascript; charset=utf-8",
        ),
        Asset::new(
            "icon",
            "svg",
            include_str!("../../assets/icon.svg"),
            "image/svg+xml",
        ),
    ]
});

pub fn css_href() -> &'static str {
    &ASSETS[0].href
}

pub fn js_href() -> &'static str {
    &ASSETS[1].href
}

pub fn icon_href() -> &'static str {
    &ASSETS[2].href
}

/// `GET /assets/{file}`: only the current names are served; an old name is 404, so a
/// page from an old release reloads rather than mixing versions.
pub async fn serve(Path(file): Path<String>) -> Response {
    let wanted = format!("/assets/{file}");
    match ASSETS.iter().find(|a| a.href == wanted) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            a.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
