//! The real server loop (`rapport_web::serve`) against slow and greedy clients over real
//! loopback sockets: half-sent headers and bodies are cut off, and connections past the
//! cap wait until one closes. The limits are set small here so the tests are short; what
//! is asserted is what the server does, not how fast.

use std::time::Duration;

use rapport_db::both_engines;
use rapport_web::{serve, ServeLimits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[allow(unused_imports)]
use super::support::*;

/// Starts the server on a free loopback port; it stops when the sender is dropped.
async fn start(
    app: &App,
    limits: ServeLimits,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = app.router.clone();
    tokio::spawn(serve(listener, router, limits, async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Everything the server sends until it closes the connection (bounded, so a server that
/// never closes fails the test instead of hanging it).
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&out).into_owned()
}

fn limits(header_secs: u64, body_secs: u64, max_connections: usize) -> ServeLimits {
    ServeLimits {
        header_read_timeout: Duration::from_secs(header_secs),
        body_read_timeout: Duration::from_secs(body_secs),
        max_connections,
    }
}

both_engines! {
    async fn half_sent_headers_and_bodies_are_cut_off(db) {
        let app = App::start(db).await;
        let (addr, _stop) = start(&app, limits(1, 1, 16)).await;

        // Headers that never end: the connection is closed.
        let mut slow = TcpStream::connect(addr).await.expect("connect");
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n").await.expect("write");
        let answer = until_closed(&mut slow).await;
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer:?}");

        // A body that stops short of its Content-Length: a 400, nothing written.
        let mut slow = TcpStream::connect(addr).await.expect("connect");
        let head = format!(
            "POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\": \"Sl",
            app.admin.token
        );
        slow.write_all(head.as_bytes()).await.expect("write");
        let answer = until_closed(&mut slow).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
        assert_eq!(app.count("SELECT count(*) FROM accounts").await, 0);

        // A well-behaved client is served as ever.
        let mut ok = TcpStream::connect(addr).await.expect("connect");
        ok.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.expect("write");
        let answer = until_closed(&mut ok).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    }

    async fn connections_past_the_cap_wait_for_a_free_slot(db) {
        let app = App::start(db).await;
        // One connection at a time; headers may take long, so only the client frees it.
        let (addr, _stop) = start(&app, limits(60, 60, 1)).await;
        let mut holder = TcpStream::connect(addr).await.expect("connect");
        holder.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.expect("write");
        // Let the server take the first connection before the second arrives.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut waiting = TcpStream::connect(addr).await.expect("connect");
        waiting
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut first = [0u8; 1];
        let early = tokio::time::timeout(Duration::from_millis(700), waiting.read(&mut first)).await;
        assert!(early.is_err(), "the second connection was served while the first held the only slot");
        drop(holder);
        let mut rest = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(20), waiting.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "the second connection was never served");
        assert!(String::from_utf8_lossy(&rest).starts_with("HTTP/1.1 200"), "{rest:?}");
    }
}
