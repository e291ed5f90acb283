//! One module per subcommand.

pub mod base;
mod common;
pub mod demo;
mod explain;
pub mod keygen;
pub mod keys;
pub mod send;
pub mod serve;
pub mod sign;
pub mod verify;
