//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use reqsig::Algorithm;

/// Sign and verify HTTP messages with RFC 9421 HTTP Message Signatures.
#[derive(Debug, Parser)]
#[command(name = "reqsig", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a key pair (or an HMAC secret) and print its key id.
    Keygen(KeygenArgs),
    /// Sign a raw HTTP/1.1 request or response and print it with the signature headers.
    Sign(SignArgs),
    /// Verify the signature of a raw HTTP/1.1 message.
    Verify(VerifyArgs),
    /// Print the signature base that `sign` would sign, without a key.
    Base(BaseArgs),
    /// Send a signed HTTP request, like curl, and print the response.
    Send(SendArgs),
    /// Edit the key registry file that the server-side verifier reads.
    Keys(KeysArgs),
    /// Run a verifying gateway in front of a service.
    Serve(ServeArgs),
    /// Start a verifying server on loopback and send it good and bad requests.
    Demo(DemoArgs),
}

/// Key file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    /// PKCS#8 PEM for private keys, SPKI PEM for public keys.
    Pem,
    /// JSON Web Key (RFC 7517).
    Jwk,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The algorithm: ed25519, hmac-sha256, ecdsa-p256-sha256 or ecdsa-p384-sha384.
    #[arg(long, default_value = "ed25519", value_parser = parse_generated_algorithm)]
    pub alg: Algorithm,
    /// The file to write the private key to (created with mode 0600).
    #[arg(long)]
    pub out: PathBuf,
    /// The file to write the public key to.
    #[arg(long)]
    pub public_out: Option<PathBuf>,
    /// The file format; HMAC secrets are always written as a JWK `oct`.
    #[arg(long, value_enum, default_value = "pem")]
    pub format: KeyFormat,
    /// The key id (default: the RFC 7638 thumbprint; a random id for HMAC keys).
    #[arg(long, allow_hyphen_values = true)]
    pub keyid: Option<String>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

/// Options shared by the commands that read a message and build its signature base.
#[derive(Debug, Args)]
pub struct MessageOptions {
    /// The algorithm, where the key alone does not decide it (RSA keys).
    #[arg(long, value_parser = parse_algorithm)]
    pub alg: Option<Algorithm>,
    /// The scheme of origin-form requests, which do not carry it.
    #[arg(long, default_value = "https", value_parser = ["https", "http"])]
    pub scheme: String,
    /// Declares the structured type of a field for `sf` and `key`: NAME=dictionary|list|item.
    #[arg(long = "field-type", value_name = "NAME=TYPE")]
    pub field_types: Vec<String>,
    /// The request that the message responds to, for components with `req`.
    #[arg(long)]
    pub request: Option<PathBuf>,
    /// The raw HTTP/1.1 message; `-` or absent reads standard input.
    pub file: Option<PathBuf>,
}

/// Signature parameters set on the command line.
#[derive(Debug, Args)]
pub struct ParamOptions {
    /// Covered components in the RFC's inner-list form, such as '"@method" "@path" "content-digest"'.
    #[arg(long)]
    pub components: Option<String>,
    /// `created`: seconds since the Unix epoch, or `now`.
    #[arg(long, default_value = "now")]
    pub created: String,
    /// `expires`: seconds since the Unix epoch.
    #[arg(long, conflicts_with = "expires_in")]
    pub expires: Option<u64>,
    /// `expires`, this many seconds after `created`.
    #[arg(long)]
    pub expires_in: Option<u64>,
    /// `nonce`: a value, `random` (128 random bits) or `none`.
    #[arg(long, default_value = "random", allow_hyphen_values = true)]
    pub nonce: String,
    /// `tag`.
    #[arg(long, allow_hyphen_values = true)]
    pub tag: Option<String>,
    /// The signature label.
    #[arg(long, default_value = "sig1")]
    pub label: String,
    /// Add the `alg` parameter.
    #[arg(long)]
    pub alg_parameter: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The private key or HMAC secret: PEM, DER or JWK.
    #[arg(long)]
    pub key: PathBuf,
    /// The key id carried in `keyid`.
    #[arg(long, allow_hyphen_values = true)]
    pub keyid: String,
    /// The Content-Digest to add: sha-256, sha-512 or none (default sha-256 when the body is not empty).
    #[arg(long, value_parser = ["sha-256", "sha-512", "none"])]
    pub digest: Option<String>,
    #[command(flatten)]
    pub params: ParamOptions,
    #[command(flatten)]
    pub message: MessageOptions,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The verification key (a private key file gives its public half).
    #[arg(long, requires = "keyid", conflicts_with = "keys")]
    pub key: Option<PathBuf>,
    /// The key id the key is known under.
    #[arg(long, allow_hyphen_values = true, requires = "key")]
    pub keyid: Option<String>,
    /// A JWK Set (JSON) or a registry file (TOML) holding the keys by key id.
    #[arg(long)]
    pub keys: Option<PathBuf>,
    /// Verify the signature with this label.
    #[arg(long, conflicts_with = "tag")]
    pub label: Option<String>,
    /// Verify the signature with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// The verifier's time, in seconds since the Unix epoch (default: now).
    #[arg(long)]
    pub now: Option<u64>,
    /// The maximum age of `created`, in seconds (default 300).
    #[arg(long)]
    pub max_age: Option<u64>,
    /// Replace the required components, in inner-list form; '' requires none.
    #[arg(long)]
    pub require: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the signature base the verifier rebuilt, with line numbers and invisible bytes shown.
    #[arg(long)]
    pub explain: bool,
    /// With --explain: a file containing the base the signer reports it signed, to diff against.
    ///
    /// The diff marks a line found only in this file with `-`, and a line
    /// found only in the base the verifier rebuilt with `+`. A line without a
    /// marker is in both. The number on each line is its line number in the
    /// rebuilt base, or in this file for a `-` line.
    #[arg(long, requires = "explain")]
    pub expected_base: Option<PathBuf>,
    #[command(flatten)]
    pub message: MessageOptions,
}

#[derive(Debug, Args)]
pub struct BaseArgs {
    /// The key id to put in `keyid`.
    #[arg(long, allow_hyphen_values = true)]
    pub keyid: Option<String>,
    #[command(flatten)]
    pub params: ParamOptions,
    #[command(flatten)]
    pub message: MessageOptions,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The private key or HMAC secret: PEM, DER or JWK.
    #[arg(long)]
    pub key: PathBuf,
    /// The key id carried in `keyid`.
    #[arg(long, allow_hyphen_values = true)]
    pub keyid: String,
    /// The method.
    #[arg(short = 'X', long = "request", default_value = "GET")]
    pub method: String,
    /// A header line, `Name: value`; repeat for more.
    #[arg(short = 'H', long = "header")]
    pub headers: Vec<String>,
    /// The body, or `@FILE` to read it from a file.
    #[arg(short = 'd', long = "data", allow_hyphen_values = true)]
    pub data: Option<String>,
    /// The algorithm, where the key alone does not decide it.
    #[arg(long, value_parser = parse_algorithm)]
    pub alg: Option<Algorithm>,
    /// The absolute URL.
    pub url: String,
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Add a key to the registry (the file is created when missing).
    Add(KeysAddArgs),
    /// List the keys with their client, algorithm, age and expiry.
    List(KeysListArgs),
    /// Mark a key revoked; its signatures are rejected from the next reload on.
    Revoke(KeysIdArgs),
    /// Remove a key from the registry.
    Remove(KeysIdArgs),
}

#[derive(Debug, Args)]
pub struct KeysAddArgs {
    /// The registry file.
    #[arg(long)]
    pub registry: PathBuf,
    /// The key id (default: the RFC 7638 thumbprint of the public key).
    #[arg(long, allow_hyphen_values = true)]
    pub keyid: Option<String>,
    /// The client the key belongs to.
    #[arg(long)]
    pub client: String,
    /// The public key file (PEM or JWK).
    #[arg(long)]
    pub public_key: PathBuf,
    /// The algorithm, where the key alone does not decide it.
    #[arg(long, value_parser = parse_algorithm)]
    pub alg: Option<Algorithm>,
    /// Days until the key expires.
    #[arg(long)]
    pub expires_in_days: Option<u64>,
    /// A scope, `METHODS PATHS`, such as 'GET,POST /orders/**'; repeat for more.
    #[arg(long)]
    pub scope: Vec<String>,
    /// A source network in CIDR notation; repeat for more.
    #[arg(long)]
    pub source_cidr: Vec<String>,
    /// A rate limit, `REQUESTS/SECONDS` or `REQUESTS/SECONDS:BURST`.
    #[arg(long)]
    pub rate_limit: Option<String>,
}

#[derive(Debug, Args)]
pub struct KeysListArgs {
    /// The registry file.
    #[arg(long)]
    pub registry: PathBuf,
    /// Flag keys older than this many days for rotation.
    #[arg(long, default_value_t = 90)]
    pub rotate_after: u64,
}

#[derive(Debug, Args)]
pub struct KeysIdArgs {
    /// The registry file.
    #[arg(long)]
    pub registry: PathBuf,
    /// The key id.
    #[arg(long, allow_hyphen_values = true)]
    pub keyid: String,
}

/// Replay stores for `serve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReplayKind {
    /// In this process's memory.
    Memory,
    /// Redis, at the URL in REQSIG_REDIS_URL.
    Redis,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The registry file (reloaded when it changes).
    #[arg(long)]
    pub registry: PathBuf,
    /// The address to listen on, such as 127.0.0.1:8080.
    #[arg(long)]
    pub listen: SocketAddr,
    /// The replay store; Redis reads its URL from REQSIG_REDIS_URL.
    #[arg(long, value_enum, default_value = "memory")]
    pub replay: ReplayKind,
    /// Forward verified requests to this base URL (default: answer with the identity as JSON).
    #[arg(long)]
    pub upstream: Option<String>,
    /// The largest body buffered to check a Content-Digest, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub max_body: usize,
    /// The maximum age of `created`, in seconds.
    #[arg(long, default_value_t = 300)]
    pub max_age: u64,
    /// The scheme clients sign for origin-form requests.
    #[arg(long, value_parser = ["https", "http"])]
    pub scheme: Option<String>,
    /// The authority clients sign (host[:port]), when the gateway sits behind a proxy.
    #[arg(long)]
    pub authority: Option<String>,
    /// A proxy whose X-Forwarded-For names the client address; repeat for more.
    #[arg(long = "trusted-proxy", value_name = "CIDR")]
    pub trusted_proxies: Vec<String>,
    /// Serve per-key counters in the Prometheus text format on this address.
    #[arg(long)]
    pub metrics_listen: Option<SocketAddr>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print each request's headers as sent.
    #[arg(long)]
    pub verbose: bool,
}

fn parse_algorithm(text: &str) -> Result<Algorithm, String> {
    text.parse().map_err(|e: reqsig::UnknownAlgorithm| e.to_string())
}

/// Parses the algorithm of `keygen`, which makes no RSA keys.
fn parse_generated_algorithm(text: &str) -> Result<Algorithm, String> {
    let names: Vec<&str> = Algorithm::ALL
        .into_iter()
        .filter(|algorithm| algorithm.can_generate())
        .map(Algorithm::name)
        .collect();
    let names = names.join(", ");
    match text.parse::<Algorithm>() {
        Ok(algorithm) if algorithm.can_generate() => Ok(algorithm),
        Ok(algorithm) => Err(format!(
            "keygen makes {names} keys, not {algorithm}: create an RSA key with another tool \
             (for example `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out key.pem`), \
             then sign with `--key key.pem --alg {algorithm}`"
        )),
        Err(_) => Err(format!(
            "unknown signature algorithm {text:?}: keygen makes {names} keys"
        )),
    }
}
