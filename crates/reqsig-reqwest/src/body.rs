//! Reading a streaming body into memory, up to a limit.

use bytes::{Bytes, BytesMut};
use http_body::Body as _;
use http_body_util::BodyExt;

/// The reason a body could not be read whole.
pub(crate) enum ReadError {
    /// The body is longer than the limit.
    TooLarge,
    /// The body ended with trailer fields.
    Trailers,
    /// reqwest reported an error while reading.
    Http(reqwest::Error),
}

/// Reads `body` into one buffer, failing as soon as it grows past `limit`
/// bytes. Trailer fields are an error when `reject_trailers` is set and are
/// dropped otherwise. A body of one chunk, such as reqwest's in-memory body,
/// is returned without a copy.
pub(crate) async fn read_body(
    mut body: reqwest::Body,
    limit: usize,
    reject_trailers: bool,
) -> Result<Bytes, ReadError> {
    let declared = body.size_hint().lower();
    if usize::try_from(declared).map_or(true, |declared| declared > limit) {
        return Err(ReadError::TooLarge);
    }
    let mut chunks = Chunks::default();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(ReadError::Http)?;
        match frame.into_data() {
            Ok(data) => {
                if chunks.len().saturating_add(data.len()) > limit {
                    return Err(ReadError::TooLarge);
                }
                chunks.push(data);
            }
            Err(frame) if frame.is_trailers() && reject_trailers => return Err(ReadError::Trailers),
            Err(_) => {}
        }
    }
    Ok(chunks.finish())
}

/// The data read so far: nothing, one chunk kept as it came, or a buffer.
#[derive(Default)]
enum Chunks {
    #[default]
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Chunks {
    fn len(&self) -> usize {
        match self {
            Chunks::Empty => 0,
            Chunks::One(bytes) => bytes.len(),
            Chunks::Many(buffer) => buffer.len(),
        }
    }

    fn push(&mut self, data: Bytes) {
        *self = match std::mem::take(self) {
            Chunks::Empty => Chunks::One(data),
            Chunks::One(first) => {
                let mut buffer = BytesMut::with_capacity(first.len() + data.len());
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&data);
                Chunks::Many(buffer)
            }
            Chunks::Many(mut buffer) => {
                buffer.extend_from_slice(&data);
                Chunks::Many(buffer)
            }
        };
    }

    fn finish(self) -> Bytes {
        match self {
            Chunks::Empty => Bytes::new(),
            Chunks::One(bytes) => bytes,
            Chunks::Many(buffer) => buffer.freeze(),
        }
    }
}
