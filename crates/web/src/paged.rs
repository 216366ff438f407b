//! Lists in the API come in pages (docs/ARCHITECTURE.md, "Pages of a list"): `?cursor=…&limit=…` (and `order=`
//! where a list can be read from either end) ask for one; the body is the page's items as a JSON
//! array, and the cursor of the next page, when there is one, is in the `Accord-Next-Cursor`
//! header and in `Link: <…>; rel="next"` (RFC 8288). The last page has neither.

use accord_app::paging::{Order, Page, PageRequest};
use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The header that carries the next page's cursor.
pub const NEXT_CURSOR: &str = "accord-next-cursor";

/// The query of a list that can be read from either end.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// The previous page's next cursor (from `Accord-Next-Cursor`); absent for the first page.
    pub cursor: Option<String>,
    /// At most this many items (1–500, default 100).
    pub limit: Option<i64>,
    /// `oldest` (default) or `newest` first; a cursor keeps the order of its first page.
    pub order: Option<Order>,
}

impl PageParams {
    /// The application's request.
    pub fn request(&self) -> PageRequest {
        PageRequest {
            cursor: self.cursor.clone(),
            limit: self.limit,
            order: self.order.unwrap_or_default(),
        }
    }
}

/// The response of one page: its items as JSON, and where there is more, the next cursor in
/// `Accord-Next-Cursor` and `Link` (the request's own address with the cursor replaced).
pub fn page_response<T: Serialize>(uri: &Uri, page: Page<T>) -> Response {
    let mut resp = Json(&page.items).into_response();
    if let Some(next) = page.next {
        let mut query: Vec<&str> = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
            .collect();
        let cursor = format!("cursor={next}");
        query.push(&cursor);
        let link = format!("<{}?{}>; rel=\"next\"", uri.path(), query.join("&"));
        // A cursor is base64url: always a valid header value.
        if let (Ok(c), Ok(l)) = (HeaderValue::from_str(&next), HeaderValue::from_str(&link)) {
            resp.headers_mut().insert(NEXT_CURSOR, c);
            resp.headers_mut().insert(header::LINK, l);
        }
    }
    resp
}
