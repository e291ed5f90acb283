//! HTTP messages as reqsig sees them: `http` crate types, or the owned [`Message`].
//!
//! Signing and verifying read a message through [`MessageView`], a borrowed view
//! that the `http` types and [`Message`] both produce, so the component code has
//! one path for every source.

pub(crate) mod names;
mod owned;
mod target;
pub(crate) mod view;
pub mod wire;

pub use owned::{Message, StartLine};
pub use target::{RequestTarget, Scheme, TargetContext};
pub use view::{BodyBytes, MessageView, ToMessageView};
