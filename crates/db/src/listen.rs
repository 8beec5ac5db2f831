//! What one node hears of another's writes, on a database several nodes share.
//!
//! On PostgreSQL a write sends `NOTIFY` in its transaction ([`crate::Conn::notify`]), so
//! the message goes out only if the write commits; every node that listens hears it. A
//! listener keeps its own connection; while that connection is down it is deaf and says
//! so, and whoever trusts what it hears (a cache) must stop trusting until it listens
//! again. SQLite has one node and nothing to hear.

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

/// What a listener tells its handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// Listening: every message sent from now on will be heard (said again after each
    /// quiet spell, so a handler learns it is still up).
    Listening,
    /// One message's payload.
    Message(String),
    /// The connection was lost: messages may be missed until `Listening` comes again.
    Deaf,
}

/// How long the listener waits for a message before it checks its connection.
const QUIET_CHECK: Duration = Duration::from_secs(10);
const RECONNECT_MAX: Duration = Duration::from_secs(5);

/// Listens on `channel` on a thread of its own until `handler` returns false.
pub(crate) fn spawn(
    url: String,
    channel: &'static str,
    mut handler: Box<dyn FnMut(Heard) -> bool + Send>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(format!("rapport-listen-{channel}"))
        .spawn(move || {
            let mut wait = Duration::from_millis(100);
            loop {
                if let Ok(mut client) = Client::connect(&url, NoTls) {
                    if client.batch_execute(&format!("LISTEN {channel}")).is_ok() {
                        wait = Duration::from_millis(100);
                        if !listen(&mut client, &mut handler) {
                            return;
                        }
                    }
                }
                if !handler(Heard::Deaf) {
                    return;
                }
                std::thread::sleep(wait);
                wait = (wait * 2).min(RECONNECT_MAX);
            }
        })
        .map(|_| ())
}

/// Hands messages over until the connection fails (true: reconnect) or the handler
/// asks to stop (false).
fn listen(client: &mut Client, handler: &mut Box<dyn FnMut(Heard) -> bool + Send>) -> bool {
    if !handler(Heard::Listening) {
        return false;
    }
    loop {
        let next = client.notifications().timeout_iter(QUIET_CHECK).next();
        let heard = match next {
            Ok(Some(n)) => Heard::Message(n.payload().to_owned()),
            // A quiet spell: a dead peer would not say so, so ask.
            Ok(None) if client.simple_query("SELECT 1").is_ok() => Heard::Listening,
            Ok(None) | Err(_) => return true,
        };
        if !handler(heard) {
            return false;
        }
    }
}
