//! Paged listings, read one way everywhere: AWS list and search calls answer a page and a token
//! for the next one (`NextToken`, IAM's `Marker`), and a service that never stops handing out
//! tokens must not keep a check reading forever. [`search`] reads pages until the caller has
//! what it looks for, the listing ends or a page cap is reached; [`all_pages`] collects a whole
//! listing under a cap. Both work on any call, an SDK client's or a fake's: the adapters and the
//! checks of every service use them.

use std::future::Future;

use crate::access::{AccessError, AccessResult};

/// Pages an adapter reads of one listing before it stops with an error: far above what the
/// listings read here hold (a role's policies, an organization level's policies, a user's
/// groups and assignments), so bounded work on any account.
pub const MAX_PAGES: usize = 100;

/// One page of a listing: its items and the token of the next page, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The token that asks for the next page; `None` (or an empty token) on the last one.
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// A page of `items`, followed by the page `next_token` asks for, if any.
    pub fn new(items: impl IntoIterator<Item = T>, next_token: Option<&str>) -> Self {
        Self {
            items: items.into_iter().collect(),
            next_token: next_token.map(str::to_owned),
        }
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            next_token: None,
        }
    }
}

/// Where reading a listing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paged<R> {
    /// The caller found what it looked for.
    Found(R),
    /// The listing ended without it.
    Ended,
    /// The page cap was reached, and the listing went on.
    Capped,
}

/// Reads a listing page by page: `fetch(token)` asks for one page (`None` for the first),
/// `look(items)` sees each page's items and returns `Some` to stop there. At most `max_pages`
/// pages are read; an empty next token ends the listing like an absent one. An error of
/// `fetch` ends the reading with that error.
pub async fn search<T, R, E, F, Fut>(
    max_pages: usize,
    mut fetch: F,
    mut look: impl FnMut(Vec<T>) -> Option<R>,
) -> Result<Paged<R>, E>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, E>>,
{
    let mut token = None;
    for _ in 0..max_pages {
        let page = fetch(token.take()).await?;
        if let Some(found) = look(page.items) {
            return Ok(Paged::Found(found));
        }
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => return Ok(Paged::Ended),
        }
    }
    Ok(Paged::Capped)
}

/// Every item of a listing, in order. A listing longer than `max_pages` pages is an
/// [`AccessError::Failed`] of `action`: a partial listing would let a check conclude from what
/// it did not read.
pub async fn all_pages<T, F, Fut>(
    action: &'static str,
    max_pages: usize,
    fetch: F,
) -> AccessResult<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = AccessResult<Page<T>>>,
{
    let mut items = Vec::new();
    let read = search(max_pages, fetch, |page| {
        items.extend(page);
        None::<()>
    })
    .await?;
    match read {
        Paged::Capped => Err(AccessError::Failed {
            action,
            message: format!("more than {max_pages} pages: stopped reading"),
        }),
        Paged::Found(()) | Paged::Ended => Ok(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::block_on;

    /// A listing of `len` numbers in pages of 3, its tokens the offsets; `calls` counts pages.
    fn listing(
        len: usize,
        calls: &std::cell::Cell<usize>,
    ) -> impl FnMut(Option<String>) -> std::future::Ready<AccessResult<Page<usize>>> + '_ {
        move |token| {
            calls.set(calls.get() + 1);
            let start: usize = token.map(|t| t.parse().unwrap()).unwrap_or(0);
            let end = (start + 3).min(len);
            std::future::ready(Ok(Page {
                items: (start..end).collect(),
                next_token: (end < len).then(|| end.to_string()),
            }))
        }
    }

    #[test]
    fn all_pages_reads_every_page_in_order_within_the_cap() {
        let calls = std::cell::Cell::new(0);
        let all = block_on(all_pages("x:List", 4, listing(12, &calls))).unwrap();
        assert_eq!(all, (0..12).collect::<Vec<_>>());
        assert_eq!(calls.get(), 4);
        let calls = std::cell::Cell::new(0);
        assert_eq!(
            block_on(all_pages("x:List", 4, listing(13, &calls))),
            Err(AccessError::Failed {
                action: "x:List",
                message: "more than 4 pages: stopped reading".into()
            })
        );
        assert_eq!(calls.get(), 4, "no page past the cap is asked for");
    }

    #[test]
    fn search_stops_at_the_first_page_that_holds_the_answer() {
        let calls = std::cell::Cell::new(0);
        let found = block_on(search(100, listing(30, &calls), |items| {
            items.into_iter().find(|n| *n == 7)
        }));
        assert_eq!(found, Ok::<_, AccessError>(Paged::Found(7)));
        assert_eq!(calls.get(), 3);
        let calls = std::cell::Cell::new(0);
        let none = block_on(search(100, listing(5, &calls), |_| None::<()>));
        assert_eq!(none, Ok(Paged::Ended));
    }

    #[test]
    fn an_empty_token_ends_the_listing_and_errors_end_the_reading() {
        let mut pages = 0;
        let read = block_on(search(
            10,
            |_| {
                pages += 1;
                std::future::ready(Ok::<_, AccessError>(Page {
                    items: vec![1],
                    next_token: Some(String::new()),
                }))
            },
            |_| None::<()>,
        ));
        assert_eq!((read, pages), (Ok(Paged::Ended), 1));
        let denied = AccessError::Denied { action: "x:List" };
        let read = block_on(search(
            10,
            |_| std::future::ready(Err::<Page<u8>, _>(denied.clone())),
            |_| None::<()>,
        ));
        assert_eq!(read, Err(denied));
    }
}
