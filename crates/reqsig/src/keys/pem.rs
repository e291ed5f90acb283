//! PEM (RFC 7468) decoding and encoding of key blocks.

use pkcs8::der::pem::{self, LineEnding};
use zeroize::Zeroizing;

use super::KeyError;
use super::decode::path_error;

/// The PKCS#8 PrivateKeyInfo label.
pub(crate) const LABEL_PKCS8: &str = "PRIVATE KEY";
/// The PKCS#1 RSAPrivateKey label.
pub(crate) const LABEL_PKCS1_PRIVATE: &str = "RSA PRIVATE KEY";
/// The SEC1 ECPrivateKey label.
pub(crate) const LABEL_SEC1: &str = "EC PRIVATE KEY";
/// The SubjectPublicKeyInfo label.
pub(crate) const LABEL_SPKI: &str = "PUBLIC KEY";
/// The PKCS#1 RSAPublicKey label.
pub(crate) const LABEL_PKCS1_PUBLIC: &str = "RSA PUBLIC KEY";

const PRIVATE_LABELS: [&str; 3] = [LABEL_PKCS8, LABEL_PKCS1_PRIVATE, LABEL_SEC1];
const PUBLIC_LABELS: [&str; 2] = [LABEL_SPKI, LABEL_PKCS1_PUBLIC];

/// The kinds of key a caller accepts from a PEM document.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// Private keys only, for a signing key.
    Private,
    /// Public or private keys, for a verifying key.
    Any,
}

/// A decoded PEM block: its label and DER content.
pub(crate) struct PemBlock {
    /// The label, one of the `LABEL_*` constants.
    pub(crate) label: &'static str,
    /// The decoded DER bytes, zeroized on drop because they may hold a private key.
    pub(crate) der: Zeroizing<Vec<u8>>,
}

/// Decodes the first key block of a PEM document.
///
/// Blocks with other labels before it, such as the `EC PARAMETERS` block that
/// `openssl ecparam -genkey` writes, are skipped.
pub(crate) fn decode(text: &str, accept: Accept) -> Result<PemBlock, KeyError> {
    let mut first_label = None;
    let mut rest = text;
    while let Some((label, block, after)) = next_block(rest)? {
        rest = after;
        let known = PRIVATE_LABELS
            .into_iter()
            .chain(PUBLIC_LABELS)
            .find(|known| *known == label);
        let Some(known) = known else {
            first_label.get_or_insert(label);
            continue;
        };
        if accept == Accept::Private && PUBLIC_LABELS.contains(&known) {
            return Err(KeyError::NotAPrivateKey { format: "PEM" });
        }
        let (_, der) = pem::decode_vec(block.as_bytes()).map_err(|err| KeyError::malformed("PEM", err))?;
        return Ok(PemBlock {
            label: known,
            der: Zeroizing::new(der),
        });
    }

    match first_label {
        Some(label) => Err(KeyError::PemLabel {
            label: label.to_owned(),
            expected: match accept {
                Accept::Private => {
                    "PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY (an ENCRYPTED PRIVATE KEY must be decrypted first, for example with `openssl pkey`)"
                }
                Accept::Any => {
                    "PUBLIC KEY, RSA PUBLIC KEY or a private key label (for a certificate, extract its key with `openssl x509 -pubkey -noout`)"
                }
            },
        }),
        None => Err(path_error(text.as_bytes())
            .unwrap_or_else(|| KeyError::malformed("PEM", "no \"-----BEGIN \" line found"))),
    }
}

/// Finds the next `-----BEGIN label-----` ... `-----END label-----` block.
///
/// Returns the label, the block text and the text after it. A block without its
/// END line runs to the end of the text, so the decoder reports it as truncated.
fn next_block(text: &str) -> Result<Option<(&str, &str, &str)>, KeyError> {
    const BEGIN: &str = "-----BEGIN ";
    let Some(start) = text.find(BEGIN) else {
        return Ok(None);
    };
    let label_start = start + BEGIN.len();
    let label_len = text[label_start..]
        .find("-----")
        .ok_or_else(|| KeyError::malformed("PEM", "the BEGIN line does not end with \"-----\""))?;
    let label = &text[label_start..label_start + label_len];

    let end_marker = format!("-----END {label}-----");
    let block_end = match text[label_start..].find(&end_marker) {
        Some(offset) => label_start + offset + end_marker.len(),
        None => text.len(),
    };
    Ok(Some((label, &text[start..block_end], &text[block_end..])))
}

/// Encodes DER bytes as a PEM block with LF line endings.
pub(crate) fn encode(label: &'static str, der: &[u8]) -> Result<Zeroizing<String>, KeyError> {
    pem::encode_string(label, LineEnding::LF, der)
        .map(Zeroizing::new)
        .map_err(|err| KeyError::malformed("PEM", err))
}
