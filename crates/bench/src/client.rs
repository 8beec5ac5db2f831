//! One keep-alive HTTP/1.1 connection per worker, plus the login flow that mints a token.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, COOKIE, ETAG, HOST, SET_COOKIE,
};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A hung server must not stall the run past its duration; the request counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const SESSION_COOKIE: &str = "rapport_session";

/// Where the server is, parsed once from `--url`.
#[derive(Clone, Debug)]
pub struct Target {
    addr: String,
    host: HeaderValue,
    /// Lets the server sit behind a path prefix (`http://host/rapport`).
    base_path: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self> {
        let uri: Uri = url
            .parse()
            .with_context(|| format!("invalid --url {url:?}"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => bail!("--url scheme {other:?} is not supported (plain http only)"),
            None => bail!("--url needs a scheme, e.g. http://127.0.0.1:8080"),
        }
        let authority = uri.authority().context("--url has no host")?;
        let port = authority.port_u16().unwrap_or(80);
        Ok(Self {
            addr: format!("{}:{port}", authority.host()),
            host: HeaderValue::from_str(authority.as_str())
                .context("--url host is not a valid Host header")?,
            base_path: uri.path().trim_end_matches('/').to_owned(),
        })
    }
}

/// A fully read response.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn etag(&self) -> Option<HeaderValue> {
        self.headers.get(ETAG).cloned()
    }

    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body).context("response body is not JSON")
    }

    /// Enough of the body to diagnose an error response without flooding the terminal.
    pub fn body_excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        match text.char_indices().nth(200) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.into_owned(),
        }
    }

    /// For setup calls, where any non-2xx means the run cannot proceed.
    pub fn ensure_success(self, what: &str) -> Result<Self> {
        if !self.status.is_success() {
            bail!("{what}: HTTP {}: {}", self.status, self.body_excerpt());
        }
        Ok(self)
    }
}

pub struct Conn {
    target: Target,
    auth: Option<HeaderValue>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    /// GETs `path` and insists on exactly 200: the unmeasured checks before a scenario.
    pub async fn get_ok(&mut self, path: &str) -> Result<Reply> {
        let reply = self
            .send(Method::GET, path, &[], None)
            .await
            .with_context(|| format!("GET {path}"))?;
        if reply.status != StatusCode::OK {
            bail!(
                "GET {path}: HTTP {} (expected 200): {}",
                reply.status,
                reply.body_excerpt()
            );
        }
        Ok(reply)
    }

    pub fn new(target: Target, token: Option<&str>) -> Result<Self> {
        let auth = token
            .map(|t| {
                let mut value = HeaderValue::from_str(&format!("Bearer {t}"))
                    .context("token contains characters not allowed in a header")?;
                value.set_sensitive(true);
                anyhow::Ok(value)
            })
            .transpose()?;
        Ok(Self {
            target,
            auth,
            sender: None,
        })
    }

    /// Opens the connection up front so the handshake is not charged to the first request.
    pub async fn connect(&mut self) -> Result<()> {
        self.ready_sender().await.map(|_| ())
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(HeaderName, HeaderValue)],
        body: Option<Bytes>,
    ) -> Result<Reply> {
        let uri = format!("{}{path}", self.target.base_path);
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(HOST, self.target.host.clone());
        if let Some(auth) = &self.auth {
            builder = builder.header(AUTHORIZATION, auth.clone());
        }
        for (name, value) in headers {
            builder = builder.header(name, value.clone());
        }
        let request = match body {
            Some(body) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(Full::new(body)),
            None => builder.body(Full::new(Bytes::new())),
        }
        .context("building request")?;

        let outcome = tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(request)).await;
        // After any error the connection's state is unknown (and a timed-out exchange has
        // already been closed by hyper), so start afresh on the next request.
        match outcome {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(err)) => {
                self.sender = None;
                Err(err)
            }
            Err(_) => {
                self.sender = None;
                bail!("no response within {REQUEST_TIMEOUT:?}")
            }
        }
    }

    async fn exchange(&mut self, request: Request<Full<Bytes>>) -> Result<Reply> {
        let sender = self.ready_sender().await?;
        let response = sender
            .send_request(request)
            .await
            .context("sending request")?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .context("reading response body")?
            .to_bytes();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// Reuses the keep-alive connection, reconnecting if the server closed it.
    async fn ready_sender(&mut self) -> Result<&mut SendRequest<Full<Bytes>>> {
        if let Some(sender) = self.sender.as_mut() {
            if sender.ready().await.is_err() {
                self.sender = None;
            }
        }
        let sender = match self.sender.take() {
            Some(sender) => sender,
            None => self.open().await?,
        };
        Ok(self.sender.insert(sender))
    }

    async fn open(&self) -> Result<SendRequest<Full<Bytes>>> {
        let stream = TcpStream::connect(&self.target.addr)
            .await
            .with_context(|| format!("connecting to {}", self.target.addr))?;
        // Small request/response pairs; Nagle would add delay to every one of them.
        stream.set_nodelay(true).context("setting TCP_NODELAY")?;
        let (mut sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP/1.1 handshake")?;
        // The connection task ends by itself when the server closes; the SendRequest then
        // reports not-ready and the next request reconnects.
        tokio::spawn(connection);
        sender.ready().await.context("new connection not ready")?;
        Ok(sender)
    }
}

/// Logs in with a session, then mints an API token named "bench" for the run.
pub async fn login_for_token(target: &Target, email: &str, password: &str) -> Result<String> {
    let mut conn = Conn::new(target.clone(), None)?;
    let login = serde_json::json!({ "email": email, "password": password });
    let reply = conn
        .send(
            Method::POST,
            "/api/v1/auth/login",
            &[],
            Some(json_bytes(&login)),
        )
        .await
        .context("POST /api/v1/auth/login")?
        .ensure_success("login")?;
    let csrf = reply.json()?["csrf_token"]
        .as_str()
        .context("login response has no csrf_token")?
        .to_owned();
    let session = session_cookie(&reply.headers)
        .with_context(|| format!("login response did not set the {SESSION_COOKIE} cookie"))?;

    let headers = [
        (
            COOKIE,
            HeaderValue::from_str(&format!("{SESSION_COOKIE}={session}"))
                .context("session cookie is not a valid header value")?,
        ),
        (
            HeaderName::from_static("x-csrf-token"),
            HeaderValue::from_str(&csrf).context("csrf_token is not a valid header value")?,
        ),
    ];
    let reply = conn
        .send(
            Method::POST,
            "/api/v1/tokens",
            &headers,
            Some(json_bytes(&serde_json::json!({ "name": "bench" }))),
        )
        .await
        .context("POST /api/v1/tokens")?
        .ensure_success("creating token")?;
    let token = reply.json()?["token"]
        .as_str()
        .context("token response has no token")?
        .to_owned();
    Ok(token)
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|cookie| cookie.split(';').next()?.split_once('='))
        .find(|(name, _)| name.trim() == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
}

pub fn json_bytes(value: &serde_json::Value) -> Bytes {
    Bytes::from(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("other=1; Path=/"));
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("rapport_session=abc.def; HttpOnly; Path=/"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc.def"));
    }

    #[test]
    fn parses_target_with_prefix() -> Result<()> {
        let target = Target::parse("http://127.0.0.1:8080/crm/")?;
        assert_eq!(target.addr, "127.0.0.1:8080");
        assert_eq!(target.host, "127.0.0.1:8080");
        assert_eq!(target.base_path, "/crm");
        assert!(Target::parse("https://example.com").is_err());
        Ok(())
    }
}
