//! Idempotency keys on POST requests.
//!
//! A client may send `Idempotency-Key: <1–255 visible ASCII characters>` with any POST. The first
//! request with a key runs and its response (unless a 5xx) is stored, sealed under the master key
//! (`accord_app::idempotency`), with a fingerprint of the request; a repeat with the same
//! fingerprint gets the stored response again (`Idempotent-Replayed: true`) without running
//! twice. The same key with a different request is `idempotency-key-reused` (422); a repeat while
//! the first is still running is `idempotency-request-in-progress` (409). Keys are per user and
//! kept for `idempotency_retention_hours` (default 24).
//!
//! The fingerprint is SHA-256 over the method, the path, the headers that carry the request's
//! content besides its body (`Content-Type`, `Accord-Filing`) and the body. JSON and form bodies
//! are small: they are read first, so a reused key is told before anything runs. Every other
//! body (uploads, multipart or raw) streams through to the handler while the fingerprint is
//! computed on the way, and is recorded when the response is; a repeat of a completed upload is
//! read through (never stored) to compare its fingerprint before the response is replayed. A
//! streamed request refused before its body was read to the end leaves the key free (it changed
//! nothing, so running it again is safe). A retried multipart upload must send the same bytes
//! (the same boundary) to be recognised as the same request.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use accord_app::accounts::Principal;
use accord_app::idempotency::IdempotencyClaim;
use axum::body::{Body, BodyDataStream, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;

/// The request header.
pub const HEADER: &str = "idempotency-key";

/// Headers that carry a request's content besides its body, and so belong to its fingerprint.
const CONTENT_HEADERS: &[&str] = &["content-type", "accord-filing"];

/// The fingerprint's hasher, primed with the method, path and content headers (the body
/// follows).
fn primed(parts: &Parts) -> Sha256 {
    let mut h = Sha256::new();
    h.update(parts.method.as_str().as_bytes());
    h.update(b" ");
    h.update(parts.uri.path().as_bytes());
    h.update(b"\n");
    for name in CONTENT_HEADERS {
        for v in parts.headers.get_all(*name) {
            h.update(name.as_bytes());
            h.update(b": ");
            h.update(v.as_bytes());
            h.update(b"\n");
        }
    }
    h.update(b"\n");
    h
}

/// Whether a body is small structured data read whole before the request runs (JSON, forms,
/// none); anything else streams. Media types are compared without regard to case.
fn buffered(parts: &Parts) -> bool {
    let Some(v) = parts.headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let media = v
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        media.as_str(),
        "application/json" | "application/x-www-form-urlencoded"
    )
}

fn error(status: StatusCode, code: &'static str, message: &'static str) -> Response {
    ApiError::new(status, code, message).into_response()
}

fn reused() -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        "this Idempotency-Key was used for a different request; use a new key",
    )
}

fn in_progress() -> Response {
    error(
        StatusCode::CONFLICT,
        "idempotency-request-in-progress",
        "a request with this Idempotency-Key is still being processed",
    )
}

fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "the request body is larger than this endpoint accepts",
    )
}

fn replay(status: u16, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}

/// Middleware (runs after the session middleware).
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let key = match key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            k.to_owned()
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid-idempotency-key",
                "Idempotency-Key is 1 to 255 visible ASCII characters",
            );
        }
    };
    let Some(user_id) = req
        .extensions()
        .get::<Principal>()
        .map(|p| p.user.id.clone())
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let keyed = Keyed {
        state: &state,
        user_id,
        key,
    };
    if buffered(&parts) {
        keyed.buffered(parts, body, next).await
    } else {
        keyed.streamed(parts, body, next).await
    }
}

/// One keyed request's user and key.
struct Keyed<'a> {
    state: &'a AppState,
    user_id: String,
    key: String,
}

impl Keyed<'_> {
    /// A small body: read whole, fingerprinted, then claimed and run (or replayed).
    async fn buffered(self, parts: Parts, body: Body, next: Next) -> Response {
        let bytes = match to_bytes(body, self.state.config.max_body_bytes).await {
            Ok(b) => b,
            Err(_) => return too_large(),
        };
        let mut h = primed(&parts);
        h.update(&bytes);
        let fingerprint = h.finalize().to_vec();
        match self
            .state
            .accord
            .claim_idempotency_key(&self.user_id, &self.key, Some(&fingerprint))
            .await
        {
            Ok(IdempotencyClaim::New) => {}
            Ok(IdempotencyClaim::Completed {
                fingerprint: stored,
                status,
                body,
            }) => {
                return if stored == fingerprint {
                    replay(status, body)
                } else {
                    reused()
                };
            }
            Ok(IdempotencyClaim::InProgress {
                fingerprint: Some(stored),
            }) if stored != fingerprint => return reused(),
            Ok(IdempotencyClaim::InProgress { .. }) => return in_progress(),
            Err(e) => return ApiError::from(e).into_response(),
        }
        let resp = next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
        self.finish(resp, Some(fingerprint)).await
    }

    /// Any other body: claimed before it is read, fingerprinted as it streams to the handler.
    async fn streamed(self, parts: Parts, body: Body, next: Next) -> Response {
        let tap = Tap::new(primed(&parts), body);
        match self
            .state
            .accord
            .claim_idempotency_key(&self.user_id, &self.key, None)
            .await
        {
            Ok(IdempotencyClaim::New) => {}
            Ok(IdempotencyClaim::Completed {
                fingerprint: stored,
                status,
                body,
            }) => {
                // Read the repeat through (nothing is kept) to compare it with the first.
                return match tap.drain(self.state.config.max_upload_bytes).await {
                    Some(f) if f == stored => replay(status, body),
                    Some(_) => reused(),
                    None => too_large(),
                };
            }
            Ok(IdempotencyClaim::InProgress { .. }) => return in_progress(),
            Err(e) => return ApiError::from(e).into_response(),
        }
        let resp = next.run(Request::from_parts(parts, tap.body())).await;
        let fingerprint = if resp.status().is_success() {
            // What the handler left unread after succeeding (a multipart epilogue) is small.
            tap.drain(self.state.config.max_body_bytes as u64).await
        } else {
            tap.finished()
        };
        self.finish(resp, fingerprint).await
    }

    /// Stores the response under the key (sealed), or frees the key when there is nothing to
    /// replay: a server error, or a request whose fingerprint is unknown.
    async fn finish(self, resp: Response, fingerprint: Option<Vec<u8>>) -> Response {
        let accord = &self.state.accord;
        let (rparts, rbody) = resp.into_parts();
        let rbytes = match to_bytes(rbody, 64 * 1024 * 1024).await {
            Ok(b) => b,
            Err(_) => {
                let _ = accord
                    .release_idempotency_key(&self.user_id, &self.key)
                    .await;
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "response-failed",
                    "the response could not be produced",
                );
            }
        };
        match fingerprint {
            Some(f) if !rparts.status.is_server_error() => {
                if let Err(e) = accord
                    .complete_idempotency_key(
                        &self.user_id,
                        &self.key,
                        &f,
                        rparts.status.as_u16(),
                        &rbytes,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "could not record an idempotent response");
                }
            }
            _ => {
                let _ = accord
                    .release_idempotency_key(&self.user_id, &self.key)
                    .await;
            }
        }
        Response::from_parts(rparts, Body::from(rbytes))
    }
}

/// A request body fingerprinted as it is read: shared between the stream handed to the handler
/// and this layer, which finishes reading it afterwards when needed.
#[derive(Clone)]
struct Tap(Arc<Mutex<TapState>>);

struct TapState {
    inner: BodyDataStream,
    hasher: Sha256,
    read: u64,
    ended: bool,
    failed: bool,
}

impl Tap {
    fn new(hasher: Sha256, body: Body) -> Tap {
        Tap(Arc::new(Mutex::new(TapState {
            inner: body.into_data_stream(),
            hasher,
            read: 0,
            ended: false,
            failed: false,
        })))
    }

    fn body(&self) -> Body {
        Body::from_stream(self.clone())
    }

    /// The fingerprint, if the body was read to its end without error.
    fn finished(&self) -> Option<Vec<u8>> {
        let g = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        (g.ended && !g.failed).then(|| g.hasher.clone().finalize().to_vec())
    }

    /// Reads the rest of the body (at most `limit` bytes in all) and returns the fingerprint.
    async fn drain(&self, limit: u64) -> Option<Vec<u8>> {
        let mut s = self.clone();
        while let Some(chunk) = s.next().await {
            chunk.ok()?;
            if self.0.lock().unwrap_or_else(PoisonError::into_inner).read > limit {
                return None;
            }
        }
        self.finished()
    }
}

impl Stream for Tap {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut g = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let st = &mut *g;
        if st.ended || st.failed {
            return Poll::Ready(None);
        }
        match st.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(b))) => {
                st.hasher.update(&b);
                st.read = st.read.saturating_add(b.len() as u64);
                Poll::Ready(Some(Ok(b)))
            }
            Poll::Ready(Some(Err(e))) => {
                st.failed = true;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                st.ended = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(content_type: Option<&str>) -> Parts {
        let mut b = Request::builder().method("POST").uri("/api/v1/x");
        if let Some(c) = content_type {
            b = b.header("content-type", c);
        }
        b.body(()).unwrap_or_default().into_parts().0
    }

    #[test]
    fn json_and_forms_are_buffered_and_every_upload_streams_whatever_its_case() {
        for c in [
            None,
            Some("application/json"),
            Some("Application/JSON; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
        ] {
            assert!(buffered(&parts(c)), "{c:?}");
        }
        for c in [
            "multipart/form-data; boundary=x",
            "Multipart/Form-Data; boundary=x",
            "MULTIPART/FORM-DATA; boundary=x",
            "application/pdf",
            "application/octet-stream",
        ] {
            assert!(!buffered(&parts(Some(c))), "{c}");
        }
    }

    #[tokio::test]
    async fn a_streamed_body_is_fingerprinted_like_the_same_body_read_whole() {
        let p = parts(Some("application/pdf"));
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"%PDF-1.7 ")),
            Ok(Bytes::from_static(b"hello")),
        ];
        let tap = Tap::new(primed(&p), Body::from_stream(futures::stream::iter(chunks)));
        let read = to_bytes(tap.body(), 1024).await.unwrap_or_default();
        assert_eq!(&read[..], b"%PDF-1.7 hello", "the handler sees every byte");
        let mut whole = primed(&p);
        whole.update(b"%PDF-1.7 hello");
        assert_eq!(tap.finished(), Some(whole.finalize().to_vec()));
        // A body not read to its end has no fingerprint until drained.
        let half = Tap::new(primed(&p), Body::from("abcdef"));
        assert_eq!(half.finished(), None);
        assert!(half.drain(3).await.is_none(), "over the limit");
    }
}
