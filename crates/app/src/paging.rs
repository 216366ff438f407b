//! Reading lists in pages: every list a client or a page reads (cases, a case's events, a
//! channel's messages and documents, the access log) comes in pages of a bounded size, each
//! with an opaque cursor to the next (docs/ARCHITECTURE.md, "Pages of a list").
//!
//! A cursor is made only of what the reader has already been shown on the page it continues
//! (the id of the last event, the channel position of the last message, the sort key of the last
//! case), so it tells a reader nothing the page did not, and a cursor for one list is refused by
//! another (`invalid-cursor`). The store reads each page from an index with the cursor as the
//! key, so a page costs the same at the start of a list of a hundred items as deep in one of a
//! hundred thousand.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AppError;

/// A page's size when the request does not say.
pub const DEFAULT_PAGE_SIZE: i64 = 100;
/// The largest page a request may ask for.
pub const MAX_PAGE_SIZE: i64 = 500;
/// The longest cursor accepted, in characters (ours are far shorter).
const MAX_CURSOR_CHARS: usize = 1024;

/// Which end of a list a page starts from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first (a log read in order; the default for events, messages and documents).
    #[default]
    Oldest,
    /// Newest first (as the pages show them).
    Newest,
}

impl Order {
    fn code(self) -> &'static str {
        match self {
            Order::Oldest => "o",
            Order::Newest => "n",
        }
    }
}

/// What a reader asks for: where to continue (a cursor from the previous page), how many items,
/// and from which end (ignored when a cursor is given: the cursor carries its own).
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// The previous page's `next` cursor, if this is not the first page.
    pub cursor: Option<String>,
    /// At most this many items (1–[`MAX_PAGE_SIZE`]; [`DEFAULT_PAGE_SIZE`] when absent).
    pub limit: Option<i64>,
    /// Which end to start from.
    pub order: Order,
}

impl PageRequest {
    /// The first page of `limit` items from `order`'s end.
    pub fn first(limit: i64, order: Order) -> Self {
        PageRequest {
            cursor: None,
            limit: Some(limit),
            order,
        }
    }
}

/// One page of a list and the cursor to the next, if there is more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// The cursor of the next page; absent on the last.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Applies `f` to every item, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

/// A decoded request: which list it continues, from which end, after which key, how many.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Position {
    /// Which end the list is read from.
    pub order: Order,
    /// The last item shown on the previous page (its key), or none on the first page.
    pub after: Option<Value>,
    /// How many items the page holds at most.
    pub limit: i64,
}

/// What a cursor holds, serialised as compact JSON then base64url.
#[derive(Serialize, Deserialize)]
struct Token {
    /// The list it belongs to (`events:<case>` and the like).
    l: String,
    /// `o` or `n`.
    o: String,
    /// The key of the last item shown.
    k: Value,
}

fn invalid_cursor() -> AppError {
    AppError::Invalid {
        code: "invalid-cursor",
        message: "this cursor does not continue this list (it is damaged, or it came from \
                  another list); start again from the first page"
            .into(),
    }
}

/// The page size asked for, checked: 1 to [`MAX_PAGE_SIZE`].
pub(crate) fn page_size(limit: Option<i64>) -> Result<i64, AppError> {
    match limit {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        Some(n) => Err(AppError::Invalid {
            code: "invalid-limit",
            message: format!(
                "a page holds 1 to {MAX_PAGE_SIZE} items; {n} was asked (leave `limit` out for \
                 {DEFAULT_PAGE_SIZE})"
            ),
        }),
    }
}

/// Decodes a request for the list `list` (for example `messages:<case>/<channel>`): the cursor
/// must have been made for that list.
pub(crate) fn position(list: &str, req: &PageRequest) -> Result<Position, AppError> {
    let limit = page_size(req.limit)?;
    let Some(cursor) = req.cursor.as_deref() else {
        return Ok(Position {
            order: req.order,
            after: None,
            limit,
        });
    };
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(invalid_cursor());
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid_cursor())?;
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| invalid_cursor())?;
    if token.l != list {
        return Err(invalid_cursor());
    }
    let order = match token.o.as_str() {
        "o" => Order::Oldest,
        "n" => Order::Newest,
        _ => return Err(invalid_cursor()),
    };
    Ok(Position {
        order,
        after: Some(token.k),
        limit,
    })
}

/// The key carried by a cursor, as the list reads it; anything else is `invalid-cursor`.
pub(crate) fn key<K: serde::de::DeserializeOwned>(
    after: &Option<Value>,
) -> Result<Option<K>, AppError> {
    after
        .as_ref()
        .map(|v| serde_json::from_value(v.clone()).map_err(|_| invalid_cursor()))
        .transpose()
}

/// The error of a cursor whose item no longer exists or is not the reader's to see.
pub(crate) fn stale_cursor() -> AppError {
    invalid_cursor()
}

/// Cuts a page from `fetched` (read with one item more than the page holds): the first
/// `limit` items and, when there was more, a cursor keyed by the last item shown.
pub(crate) fn cut<T, K: Serialize>(
    list: &str,
    pos: &Position,
    mut fetched: Vec<T>,
    key_of: impl Fn(&T) -> K,
) -> Page<T> {
    let limit = usize::try_from(pos.limit).unwrap_or(usize::MAX);
    let more = fetched.len() > limit;
    fetched.truncate(limit);
    let next = match (more, fetched.last()) {
        (true, Some(last)) => encode(list, pos.order, &key_of(last)),
        _ => None,
    };
    Page {
        items: fetched,
        next,
    }
}

fn encode<K: Serialize>(list: &str, order: Order, k: &K) -> Option<String> {
    let token = Token {
        l: list.to_owned(),
        o: order.code().to_owned(),
        k: serde_json::to_value(k).ok()?,
    };
    let json = serde_json::to_vec(&token).ok()?;
    Some(URL_SAFE_NO_PAD.encode(json))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn req(cursor: Option<String>, limit: Option<i64>) -> PageRequest {
        PageRequest {
            cursor,
            limit,
            order: Order::Newest,
        }
    }

    #[test]
    fn a_cursor_continues_its_own_list_only() {
        let pos = position("messages:c1/plenary", &req(None, Some(2))).unwrap();
        let page = cut("messages:c1/plenary", &pos, vec![5_i64, 4, 3], |n| *n);
        assert_eq!(page.items, vec![5, 4]);
        let next = page.next.expect("a third item was there");
        let again = position("messages:c1/plenary", &req(Some(next.clone()), Some(2))).unwrap();
        assert_eq!(again.order, Order::Newest);
        assert_eq!(key::<i64>(&again.after).unwrap(), Some(4));
        let err = position("messages:c1/caucus:A", &req(Some(next), Some(2))).unwrap_err();
        assert!(matches!(
            err,
            AppError::Invalid {
                code: "invalid-cursor",
                ..
            }
        ));
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let pos = position("events:c1", &req(None, Some(3))).unwrap();
        let page = cut("events:c1", &pos, vec![1_i64, 2, 3], |n| *n);
        assert_eq!(page.items.len(), 3);
        assert_eq!(page.next, None);
    }

    #[test]
    fn page_sizes_outside_the_bounds_are_refused() {
        for bad in [0, -1, MAX_PAGE_SIZE + 1, i64::MAX] {
            let err = page_size(Some(bad)).unwrap_err();
            assert!(
                matches!(
                    err,
                    AppError::Invalid {
                        code: "invalid-limit",
                        ..
                    }
                ),
                "{bad}"
            );
        }
        assert_eq!(page_size(None).unwrap(), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(Some(MAX_PAGE_SIZE)).unwrap(), MAX_PAGE_SIZE);
    }

    proptest::proptest! {
        #[test]
        fn any_text_as_a_cursor_is_refused_or_read_never_a_panic(s in ".{0,200}") {
            match position("events:c1", &req(Some(s), None)) {
                Ok(p) => proptest::prop_assert!(p.after.is_some()),
                Err(e) => {
                    let refused = matches!(e, AppError::Invalid { code: "invalid-cursor", .. });
                    proptest::prop_assert!(refused, "{e:?}");
                }
            }
        }

        #[test]
        fn paging_through_a_list_returns_every_item_once(n in 0_usize..300, limit in 1_i64..50) {
            let items: Vec<i64> = (0..n as i64).collect();
            let mut seen = vec![];
            let mut cursor = None;
            loop {
                let pos = position("l", &req(cursor.clone(), Some(limit))).unwrap();
                let after = key::<i64>(&pos.after).unwrap();
                let rest: Vec<i64> = items
                    .iter()
                    .copied()
                    .filter(|i| after.is_none_or(|a| *i > a))
                    .take(limit as usize + 1)
                    .collect();
                let page = cut("l", &pos, rest, |i| *i);
                seen.extend(page.items);
                match page.next {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            proptest::prop_assert_eq!(seen, items);
        }
    }
}
