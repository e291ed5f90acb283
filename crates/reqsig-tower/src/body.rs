//! The request body the inner service receives.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::Full;

/// A boxed error, as tower services commonly use.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body handed to the inner service: the bytes that were hashed and
/// checked against the Content-Digest, or the original body when no digest
/// check needed it.
#[derive(Debug)]
pub enum VerifiedBody<B> {
    /// The buffered body, exactly the bytes that were checked.
    Buffered(Full<Bytes>),
    /// The original body, unread.
    Streaming(B),
}

impl<B> Body for VerifiedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            VerifiedBody::Buffered(full) => Pin::new(full).poll_frame(cx).map_err(|never| match never {}),
            VerifiedBody::Streaming(body) => Pin::new(body).poll_frame(cx).map_err(Into::into),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            VerifiedBody::Buffered(full) => full.is_end_stream(),
            VerifiedBody::Streaming(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            VerifiedBody::Buffered(full) => full.size_hint(),
            VerifiedBody::Streaming(body) => body.size_hint(),
        }
    }
}
