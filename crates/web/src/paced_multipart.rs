//! Multipart bodies read at the pace their reader takes them.
//!
//! multer (under axum's `Multipart` too) pulls from the request body until the body has nothing
//! ready, and only then hands out what it gathered. On a fast connection the body is always
//! ready: a client sending a 1 GiB file over loopback had the server gather up to 300 MiB before
//! the vault saw a byte, so memory followed the sender's speed rather than staying bounded.
//! [`Paced`] makes the body pause (ready again at once, but multer returns what it has) after
//! [`PACE`] bytes, so a file part is handed out in pieces of at most twice [`PACE`] (what was
//! left from the part's headers, then one pace) plus one network read, and the relay's bounded
//! channel holds the rest back in the client's socket.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{HeaderMap, header};
use bytes::Bytes;
use futures::Stream;

/// Bytes a multipart reader takes from the body before it pauses.
pub(crate) const PACE: usize = 256 * 1024;

/// A body stream that pauses after every [`PACE`] bytes (see the module documentation).
pub(crate) struct Paced<S> {
    inner: S,
    since_pause: usize,
}

impl<S> Paced<S> {
    /// Paces `inner`.
    pub(crate) fn new(inner: S) -> Paced<S> {
        Paced {
            inner,
            since_pause: 0,
        }
    }
}

impl<S, E> Stream for Paced<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    type Item = Result<Bytes, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.since_pause >= PACE {
            self.since_pause = 0;
            // Ready again at once: the reader is polled again after it has handed out what it
            // holds.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(b))) = &next {
            self.since_pause += b.len();
        }
        next
    }
}

/// A multipart reader over a request body, paced; `Err` (a message a person can act on) when
/// the request is not `multipart/form-data` with a boundary.
pub(crate) fn multipart(
    headers: &HeaderMap,
    body: Body,
) -> Result<multer::Multipart<'static>, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        format!(
            "the body is not multipart/form-data with a boundary (Content-Type: '{}')",
            content_type.chars().take(80).collect::<String>()
        )
    })?;
    Ok(multer::Multipart::new(
        Paced::new(body.into_data_stream()),
        boundary,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body whose every piece is ready at once, as on a fast connection.
    fn always_ready(
        pieces: usize,
        piece: usize,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        let mut body =
            b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
                         Content-Type: text/plain\r\n\r\n"
                .to_vec();
        let head = body.len();
        body.resize(head + pieces * piece, b'a');
        body.extend_from_slice(b"\r\n--b--\r\n");
        let all = Bytes::from(body);
        let cuts: Vec<Bytes> = (0..all.len())
            .step_by(piece)
            .map(|i| all.slice(i..(i + piece).min(all.len())))
            .collect();
        futures::stream::iter(cuts.into_iter().map(Ok))
    }

    async fn largest_piece(
        body: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    ) -> (usize, usize) {
        let mut m = multer::Multipart::new(body, "b");
        let mut field = m
            .next_field()
            .await
            .unwrap()
            .expect("the test body has a file part");
        let (mut largest, mut total) = (0, 0);
        while let Ok(Some(c)) = field.chunk().await {
            largest = largest.max(c.len());
            total += c.len();
        }
        (largest, total)
    }

    #[tokio::test]
    async fn a_ready_body_is_handed_out_in_paced_pieces() {
        let (pieces, piece) = (512, 16 * 1024); // 8 MiB, all ready
        let (unpaced, total) = largest_piece(always_ready(pieces, piece)).await;
        assert_eq!(total, pieces * piece);
        // Without pacing multer gathers everything that is ready: the defect this module fixes.
        assert!(unpaced > 4 * PACE, "unpaced largest piece {unpaced}");
        let (paced, total) = largest_piece(Paced::new(always_ready(pieces, piece))).await;
        assert_eq!(total, pieces * piece, "pacing must not lose or add bytes");
        assert!(paced <= 2 * PACE + piece, "paced largest piece {paced}");
    }

    #[test]
    fn a_body_that_is_not_multipart_is_refused_with_a_reason() {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let e = multipart(&h, Body::empty()).err().unwrap();
        assert!(e.contains("multipart/form-data"), "{e}");
        assert!(e.contains("application/json"), "{e}");
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=xyz".parse().unwrap(),
        );
        assert!(multipart(&h, Body::empty()).is_ok());
    }
}
