//! [`SignedClient`]: a reqwest client that signs every request, for callers
//! who do not use reqwest-middleware.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use reqwest::{IntoUrl, Version};

use crate::exchange::{Failure, Transport, execute};
use crate::{Error, SigningConfig};

/// A reqwest client that signs each request just before it is sent.
///
/// It builds its reqwest client with redirect following off and follows
/// redirects itself, as [`crate::RedirectPolicy`] describes. Cloning is
/// cheap: clones share the connection pool and the settings.
///
/// ```no_run
/// use reqsig::{Algorithm, Signer, SigningKey};
/// use reqsig_reqwest::SignedClient;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let key = SigningKey::generate(Algorithm::Ed25519)?;
/// let client = SignedClient::new(Signer::builder(key).key_id("client-1").build()?)?;
///
/// let response = client
///     .post("https://api.example.com/orders")
///     .header("content-type", "application/json")
///     .body(r#"{"item":42}"#)
///     .send()
///     .await?;
/// println!("{}", response.status());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SignedClient {
    client: reqwest::Client,
    config: Arc<SigningConfig>,
}

impl SignedClient {
    /// Creates a client with reqwest's default settings, from a
    /// [`reqsig::Signer`] or a [`SigningConfig`].
    ///
    /// # Errors
    /// [`Error::Http`] when reqwest cannot build its client, such as when the
    /// TLS backend fails to initialize.
    pub fn new(config: impl Into<SigningConfig>) -> Result<SignedClient, Error> {
        SignedClient::from_builder(reqwest::Client::builder(), config)
    }

    /// Creates a client from a reqwest client builder, for timeouts, proxies
    /// or TLS settings. Its redirect policy is replaced by
    /// `redirect::Policy::none()`, because this client follows redirects itself.
    ///
    /// # Errors
    /// [`Error::Http`] when reqwest cannot build its client.
    pub fn from_builder(
        builder: reqwest::ClientBuilder,
        config: impl Into<SigningConfig>,
    ) -> Result<SignedClient, Error> {
        crate::install_tls_provider();
        let client = builder.redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(SignedClient {
            client,
            config: Arc::new(config.into()),
        })
    }

    /// Returns the settings.
    pub fn config(&self) -> &SigningConfig {
        &self.config
    }

    /// Starts a request with `method` to `url`.
    pub fn request<U: IntoUrl>(&self, method: Method, url: U) -> RequestBuilder {
        RequestBuilder {
            client: self.clone(),
            inner: self.client.request(method, url),
        }
    }

    /// Starts a `GET` request.
    pub fn get<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::GET, url)
    }

    /// Starts a `POST` request.
    pub fn post<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::POST, url)
    }

    /// Starts a `PUT` request.
    pub fn put<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::PUT, url)
    }

    /// Starts a `PATCH` request.
    pub fn patch<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::PATCH, url)
    }

    /// Starts a `DELETE` request.
    pub fn delete<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::DELETE, url)
    }

    /// Starts a `HEAD` request.
    pub fn head<U: IntoUrl>(&self, url: U) -> RequestBuilder {
        self.request(Method::HEAD, url)
    }

    /// Signs and sends a request built elsewhere, such as with
    /// `reqwest::Request::new`, and returns the final response.
    ///
    /// # Errors
    /// Any [`Error`]: signing, a streaming body over the limit, a redirect
    /// that cannot be followed, a challenge that cannot be met, a
    /// response that fails verification, or reqwest's own errors.
    pub async fn execute(&self, request: reqwest::Request) -> Result<reqwest::Response, Error> {
        let mut transport = ClientTransport(&self.client);
        execute(&self.config, &mut transport, request)
            .await
            .map_err(|failure| match failure {
                Failure::Transport(error) => Error::Http(error),
                Failure::Signing(error) => error,
            })
    }
}

/// Sends directly with the reqwest client.
struct ClientTransport<'c>(&'c reqwest::Client);

impl Transport for ClientTransport<'_> {
    type Error = reqwest::Error;

    fn send(
        &mut self,
        request: reqwest::Request,
    ) -> impl Future<Output = Result<reqwest::Response, Self::Error>> + Send {
        self.0.execute(request)
    }
}

/// A request being built for a [`SignedClient`]; [`RequestBuilder::send`]
/// signs and sends it.
///
/// It wraps `reqwest::RequestBuilder` and repeats its common methods. For
/// the others, such as `json`, `query` or `form` (which need reqwest
/// features), use [`RequestBuilder::with_reqwest`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    client: SignedClient,
    inner: reqwest::RequestBuilder,
}

impl RequestBuilder {
    /// Adds a header field line; a repeated name adds another line.
    pub fn header<K, V>(self, key: K, value: V) -> RequestBuilder
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|inner| inner.header(key, value))
    }

    /// Adds header fields, replacing earlier values of the same names.
    pub fn headers(self, headers: HeaderMap) -> RequestBuilder {
        self.map(|inner| inner.headers(headers))
    }

    /// Sets the body. A streaming body is read into memory before signing,
    /// up to [`SigningConfig::max_body_bytes`].
    pub fn body<T: Into<reqwest::Body>>(self, body: T) -> RequestBuilder {
        self.map(|inner| inner.body(body))
    }

    /// Sets a timeout for each attempt, from sending until the response
    /// headers and body have arrived.
    pub fn timeout(self, timeout: Duration) -> RequestBuilder {
        self.map(|inner| inner.timeout(timeout))
    }

    /// Sets the HTTP version.
    pub fn version(self, version: Version) -> RequestBuilder {
        self.map(|inner| inner.version(version))
    }

    /// Applies any other `reqwest::RequestBuilder` method, such as `json`,
    /// `query` or `bearer_auth`.
    ///
    /// ```no_run
    /// # fn run(client: reqsig_reqwest::SignedClient) {
    /// let request = client
    ///     .get("https://api.example.com/items")
    ///     .with_reqwest(|builder| builder.bearer_auth("token"));
    /// # let _ = request;
    /// # }
    /// ```
    pub fn with_reqwest(
        self,
        apply: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> RequestBuilder {
        self.map(apply)
    }

    /// Builds the unsigned request, for [`SignedClient::execute`].
    ///
    /// # Errors
    /// reqwest's error for an invalid URL, header or body.
    pub fn build(self) -> Result<reqwest::Request, Error> {
        Ok(self.inner.build()?)
    }

    /// Signs and sends the request and returns the final response.
    ///
    /// # Errors
    /// As [`SignedClient::execute`], and reqwest's error for an invalid URL,
    /// header or body.
    pub async fn send(self) -> Result<reqwest::Response, Error> {
        let request = self.inner.build()?;
        self.client.execute(request).await
    }

    fn map(self, apply: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> RequestBuilder {
        RequestBuilder {
            client: self.client,
            inner: apply(self.inner),
        }
    }
}
