//! A real server on a loopback port and a real headless Chromium driven through
//! chromedriver (WebDriver), for the end-to-end tests of the UI.
//!
//! Chromium and chromedriver are Debian's `chromium` and `chromium-driver` (CI installs
//! them). Without them the tests are skipped with a notice, unless
//! `RAPPORT_TEST_REQUIRE_BROWSER=1` (CI) makes their absence a failure.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::support::App;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// An app served over TCP until dropped.
pub struct Served {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Serves `router` on a free loopback port, as `rapport serve` does.
pub async fn serve(router: axum::Router) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(rapport_web::serve(
        listener,
        router,
        rapport_web::ServeLimits::default(),
        async move {
            let _ = rx.await;
        },
    ));
    Served {
        base: format!("http://{addr}"),
        stop: Some(tx),
    }
}

pub async fn serve_app(app: &App) -> Served {
    serve(app.router.clone()).await
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A headless Chromium session and the chromedriver behind it (killed on drop).
pub struct Chrome {
    pub client: Client,
    driver: Child,
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// How wide the window is: a desktop at 1440 px, or a phone at 375 px.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Screen {
    Desktop,
    Phone,
}

fn browser_missing() -> bool {
    let missing =
        !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists();
    if missing {
        if std::env::var("RAPPORT_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("RAPPORT_TEST_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver)");
        }
        eprintln!("NOTICE: chromium/chromedriver not installed; skipping this browser test");
    }
    missing
}

/// Starts chromedriver and a Chromium session, or None (skipped) when they are not installed.
pub async fn chrome(screen: Screen) -> Option<Chrome> {
    if browser_missing() {
        return None;
    }
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    let mut options = json!({
        "binary": CHROMIUM,
        "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1440,1000", "--lang=en-GB", "--force-prefers-reduced-motion"],
    });
    if screen == Screen::Phone {
        options["mobileEmulation"] =
            json!({"deviceMetrics": {"width": 375, "height": 812, "pixelRatio": 1.0}});
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let mut last_error = String::new();
    // chromedriver takes a moment to listen.
    for _ in 0..50 {
        let mut builder = ClientBuilder::new(HttpConnector::new());
        match builder.capabilities(caps.clone()).connect(&url).await {
            Ok(client) => return Some(Chrome { client, driver }),
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot start a Chromium session: {last_error}");
}

impl Chrome {
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("goto");
    }

    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.expect("url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let el = self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .expect(css);
        el.clear().await.expect("clear");
        el.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, css: &str) {
        let el = self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .expect(css);
        el.click().await.expect("click");
    }

    pub async fn text(&self, css: &str) -> String {
        let el = self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .expect(css);
        el.text().await.expect("text")
    }

    /// The page's HTML as the browser has it now.
    pub async fn html(&self) -> String {
        self.client.source().await.expect("source")
    }

    /// Waits (up to 10 s) until the page holds `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        for _ in 0..100 {
            if self.html().await.contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed {needle:?}:\n{}", self.html().await);
    }

    /// Waits (up to 10 s) until the script expression is true in the page.
    pub async fn wait_until(&self, expression: &str) {
        let script = format!("return Boolean({expression});");
        for _ in 0..100 {
            if self.client.execute(&script, vec![]).await.expect("script")
                == serde_json::Value::Bool(true)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never true: {expression}\n{}", self.html().await);
    }

    /// Signs in through the form and waits for the page after it.
    pub async fn sign_in(&self, base: &str, email: &str, password: &str) {
        self.open(&format!("{base}/sign-in")).await;
        self.fill("#f-login", email).await;
        self.fill("#f-password", password).await;
        self.click("form[action='/sign-in'] button[type=submit]")
            .await;
        self.client
            .wait()
            .for_element(Locator::Css("header .me"))
            .await
            .expect("signed in");
    }

    /// Writes a PNG of the page when `RAPPORT_SCREENSHOTS` names a directory (the suite
    /// run that refreshes docs/screenshots sets it).
    pub async fn screenshot(&self, name: &str, screen: Screen) {
        let Ok(dir) = std::env::var("RAPPORT_SCREENSHOTS") else {
            return;
        };
        let width = match screen {
            Screen::Desktop => 1440,
            Screen::Phone => 375,
        };
        let png = self.client.screenshot().await.expect("screenshot");
        let path: PathBuf = [dir, format!("{name}-{width}.png")].iter().collect();
        std::fs::write(&path, png).expect("write screenshot");
    }
}
