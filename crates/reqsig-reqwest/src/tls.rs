//! The TLS crypto provider for reqwest's rustls backend.

/// Installs rustls's `ring` crypto provider as the process default, unless
/// another provider is installed already.
///
/// reqsig builds reqwest with rustls but without a bundled provider, and a
/// reqwest client cannot be built until a provider is installed. The
/// constructors of this crate call it; call it yourself before building
/// other reqwest clients in the same process.
///
/// ```
/// reqsig_reqwest::install_tls_provider();
/// let client = reqwest::Client::new();
/// # let _ = client;
/// ```
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one in between; its provider then stays.
        #[allow(
            deprecated,
            reason = "ring lacks post-quantum key exchange, but builds without aws-lc's C toolchain; TLS 1.2 and 1.3 stay secure"
        )]
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
