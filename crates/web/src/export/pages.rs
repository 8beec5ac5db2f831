//! Every page of a scoped list, one after another, as CSV chunks. A page is read only
//! when the client has taken the previous one, so an export of a million rows holds one
//! page in memory, whatever the client's speed.

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::Stream;
use rapport_domain::Actor;
use rapport_store::{ListParams, Page, Store, StoreError};
use serde::Serialize;

use super::columns;

/// A resource's own list function (the one the JSON list calls), so an export reads
/// exactly what the list would: the same scope, filters, `q` and sort.
pub type Lister<T> =
    fn(Store, Actor, ListParams) -> BoxFuture<'static, Result<Page<T>, StoreError>>;

/// Where the stream is.
enum Next<T> {
    /// The first page, read before the answer started so its errors could still be a
    /// problem+json answer.
    Ready(Page<T>),
    /// The page after this cursor.
    After(String),
    Done,
}

pub struct Source<T> {
    pub store: Store,
    pub actor: Actor,
    /// The list parameters, page size and all, for the pages after the first.
    pub params: ListParams,
    pub list: Lister<T>,
    pub columns: &'static [String],
}

/// The CSV: the header and the first page, then each further page as its own chunk.
/// A failure after the first page can only end the body early (the status is sent);
/// it is logged and the client sees a truncated download rather than a complete one.
pub fn csv<T>(
    source: Source<T>,
    first: Page<T>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
where
    T: Serialize + Send + 'static,
{
    let state = (source, Next::Ready(first), true);
    futures::stream::unfold(state, |(mut source, next, with_header)| async move {
        let page = match next {
            Next::Done => return None,
            Next::Ready(page) => page,
            Next::After(cursor) => {
                source.params.cursor = Some(cursor);
                let read = (source.list)(
                    source.store.clone(),
                    source.actor.clone(),
                    source.params.clone(),
                );
                // The body is polled after the handler returned, outside the request's
                // acting scope: the later pages name their user again.
                let acting = crate::auth::acting_of(&source.actor);
                let page = rapport_db::acting::acting_as(acting, read).await;
                match page {
                    Ok(page) => page,
                    Err(e) => {
                        tracing::error!(error = ?e, "export failed after its first page");
                        let failed = std::io::Error::other("export failed");
                        return Some((Err(failed), (source, Next::Done, false)));
                    }
                }
            }
        };
        let Page {
            data, next_cursor, ..
        } = page;
        let after = match next_cursor {
            Some(cursor) => Next::After(cursor),
            None => Next::Done,
        };
        match render(source.columns, &data, with_header) {
            Ok(chunk) => Some((Ok(chunk), (source, after, false))),
            Err(e) => {
                tracing::error!(error = %e, "export row could not be written");
                let failed = std::io::Error::other("export failed");
                Some((Err(failed), (source, Next::Done, false)))
            }
        }
    })
}

fn render<T: Serialize>(
    columns: &[String],
    rows: &[T],
    header: bool,
) -> Result<Bytes, serde_json::Error> {
    let mut out = String::new();
    if header {
        columns::push_header(&mut out, columns);
    }
    for row in rows {
        columns::push_item(&mut out, columns, row)?;
    }
    Ok(Bytes::from(out))
}
