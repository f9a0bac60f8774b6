//! TLS for the HTTP client: rustls, with the platform's certificate verifier (the system's
//! trust store, as a browser on the same machine would use), and ring or aws-lc-rs as its
//! cryptography.
//!
//! ring is the default because it is cheap to build: aws-lc-rs compiles aws-lc's C library,
//! about 45 s of a clean build on two cores, half of what a new user's first build costs. The
//! `aws-lc-rs` feature chooses it instead, for what only it offers: post-quantum key exchange
//! first (X25519MLKEM768, which Cloudflare supports) and a FIPS-validated module. The client
//! builds its own TLS configuration and hands it to reqwest, rather than installing a
//! process-wide rustls provider: an application that installs its own later must not fail.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls_platform_verifier::BuilderVerifierExt;

use crate::Error;

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "cloudflare-stream needs a TLS provider: the `ring` feature (a default) or `aws-lc-rs`"
);

/// The cryptography rustls uses: aws-lc-rs when its feature is on, else ring.
fn provider() -> CryptoProvider {
    #[cfg(feature = "aws-lc-rs")]
    return rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(not(feature = "aws-lc-rs"))]
    return rustls::crypto::ring::default_provider();
}

/// The TLS configuration of the client's own connections: TLS 1.2 and 1.3, the platform's
/// verifier, HTTP/2 or HTTP/1.1 by ALPN.
fn config() -> Result<ClientConfig, Error> {
    let tls = |e: rustls::Error| Error::config(format!("could not set up TLS: {e}"));
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        .with_platform_verifier()
        .map_err(tls)?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A `reqwest` client builder with this crate's TLS set up, to adjust (a proxy, pool or
/// connection settings) and hand to [`ClientBuilder::http_client`].
///
/// Start from this rather than `reqwest::Client::builder()`: with the default `ring` feature,
/// reqwest is built without a TLS provider of its own (it would take aws-lc-rs), and a client
/// it builds alone panics unless the application installs a rustls `CryptoProvider`.
///
/// ```no_run
/// # fn build() -> Result<cloudflare_stream::Client, Box<dyn std::error::Error>> {
/// use std::time::Duration;
///
/// let http = cloudflare_stream::http_client_builder()?
///     .proxy(cloudflare_stream::reqwest::Proxy::https("http://proxy.internal:3128")?)
///     .pool_idle_timeout(Duration::from_secs(30))
///     .build()?;
/// let client = cloudflare_stream::Client::builder()
///     .api_token("token")
///     .http_client(http)
///     .build()?;
/// # Ok(client)
/// # }
/// ```
///
/// [`ClientBuilder::http_client`]: crate::ClientBuilder::http_client
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    Ok(reqwest::Client::builder().tls_backend_preconfigured(config()?))
}
