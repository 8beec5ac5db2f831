//! A cookie-keeping client for the UI's pages through the real router: it signs in with
//! the sign-in form, follows nothing on its own, and sends forms with the CSRF token the
//! pages carry, as a browser without script would.

use std::sync::Mutex;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

use axum::Router;

use crate::support::{App, PASSWORD};

pub struct Browser {
    router: Router,
    cookies: Mutex<Vec<(String, String)>>,
    csrf: Mutex<String>,
}

/// A page as the browser got it.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub html: String,
}

impl Page {
    #[track_caller]
    pub fn assert_has(&self, text: &str) -> &Self {
        assert!(
            self.html.contains(text),
            "expected {text:?} in the page ({}):\n{}",
            self.status,
            self.html
        );
        self
    }

    #[track_caller]
    pub fn assert_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.html.contains(text),
            "did not expect {text:?} in the page:\n{}",
            self.html
        );
        self
    }

    /// The value of the first hidden `_csrf` field.
    pub fn csrf(&self) -> Option<String> {
        value_after(&self.html, "name=\"_csrf\" value=\"")
    }
}

fn value_after(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

pub fn form_encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                crate::support::urlencode(k),
                crate::support::urlencode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Browser {
    pub fn new(router: &Router) -> Self {
        Self {
            router: router.clone(),
            cookies: Mutex::new(Vec::new()),
            csrf: Mutex::new(String::new()),
        }
    }

    /// Signs in through the form as `email` (the test users' password), asserting success.
    pub async fn signed_in(app: &App, email: &str) -> Self {
        let b = Self::new(&app.router);
        let form = b.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.html);
        let token = form.csrf().expect("sign-in form token");
        let done = b
            .send_form(
                "/sign-in",
                &[("_csrf", &token), ("login", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        let home = b.get("/home").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.html);
        *b.csrf.lock().expect("lock") = home.csrf().expect("a signed-in page carries a form token");
        b
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .expect("lock")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, res: &axum::response::Response) {
        let mut jar = self.cookies.lock().expect("lock");
        for v in res.headers().get_all(header::SET_COOKIE) {
            let text = v.to_str().unwrap_or("");
            let pair = text.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                jar.retain(|(name, _)| name != k);
                let cleared = text.contains("Max-Age=0");
                if !cleared {
                    jar.push((k.to_owned(), v.to_owned()));
                }
            }
        }
    }

    async fn send(&self, req: Request<Body>) -> Page {
        use tower::ServiceExt;
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router never fails");
        self.keep_cookies(&res);
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        Page {
            status,
            location,
            html: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let req = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    /// POSTs the fields as they are (no token added).
    pub async fn send_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_encode(fields)))
            .expect("request");
        self.send(req).await
    }

    /// POSTs a form with the session's CSRF token, as a page's form would.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf.lock().expect("lock").clone();
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.send_form(path, &all).await
    }
}
