//! End-to-end tests of reqsig-reqwest against a verifying server on loopback.

mod support;

mod challenge;
mod redirects;
mod requests;
mod responses;
mod retries;
mod streaming;
mod tampering;
