//! Fixed inputs the targets share: the RFC 9421 test keys, the verifier's
//! time, and a request and a response with fields of every kind.

use std::collections::HashMap;
use std::sync::OnceLock;

use reqsig::components::{FieldTypes, StructuredType};
use reqsig::message::wire;
use reqsig::{Algorithm, Message, VerifyingKey};

/// The RFC 9421 Appendix B vectors. Their keys made the signatures of the seed inputs.
const VECTORS: &str = include_str!("../../../spec/vectors/rfc9421.json");

/// The verifier's time: the latest `created` of the vectors (1618884480),
/// which is before their only `expires` (1618884540).
pub(crate) const NOW: u64 = 1_618_884_480;

/// A request with folded, repeated, structured, non-ASCII and trailer fields.
const REQUEST: &[u8] =
    b"POST /foo/bar?param=value&foo=bar&baz=bat%2Dman&qux=&pet=dog&pet=cat&sp=a+b HTTP/1.1\r
Host: www.example.com\r
Date: Tue, 20 Apr 2021 02:07:56 GMT\r
X-OWS-Header:   Leading and trailing whitespace.   \r
X-Obs-Fold-Header: Obsolete\r
    line folding.\r
Cache-Control: max-age=60\r
Cache-Control:    must-revalidate\r
Example-Dict:  a=1,    b=2;x=1;y=2,   c=(a   b   c), d\r
Example-List: a, (b c);x=1, \"d\";q=0.5\r
Example-Item: \"text\";p=1\r
X-Non-Ascii: caf\xc3\xa9\r
X-Empty:\r
Content-Type: application/json\r
Transfer-Encoding: chunked\r
\r
5\r
hello\r
0\r
Example-Trailer: trailer value\r
Expires: Wed, 9 Nov 2022 07:28:00 GMT\r
\r
";

/// A response to [`REQUEST`], with a body.
const RESPONSE: &[u8] = b"HTTP/1.1 503 Service Unavailable\r
Date: Tue, 20 Apr 2021 02:07:56 GMT\r
Content-Type: application/json\r
Example-Dict: a=1, b=?0\r
Content-Length: 12\r
\r
{\"ok\": true}";

/// Returns the RFC 9421 test keys by key id: every one that this build of
/// reqsig loads, so without the `ecdsa` or `rsa` feature those keys are left out.
pub(crate) fn test_keys() -> &'static HashMap<String, VerifyingKey> {
    static KEYS: OnceLock<HashMap<String, VerifyingKey>> = OnceLock::new();
    KEYS.get_or_init(load_test_keys)
}

fn load_test_keys() -> HashMap<String, VerifyingKey> {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("rfc9421.json is valid JSON");
    let members = vectors["keys"]
        .as_object()
        .expect("rfc9421.json has a keys object");
    let mut keys = HashMap::new();
    for (key_id, member) in members {
        let algorithm: Algorithm = member["algorithms"][0]
            .as_str()
            .and_then(|name| name.parse().ok())
            .expect("each test key names its algorithm");
        let loaded = match (member["public_pem"].as_str(), member["secret_hex"].as_str()) {
            (Some(pem), _) => VerifyingKey::from_pem(pem, Some(algorithm)),
            (None, Some(hex)) => VerifyingKey::hmac_sha256(&decode_hex(hex)),
            (None, None) => panic!("test key {key_id} has neither public_pem nor secret_hex"),
        };
        if let Ok(key) = loaded {
            keys.insert(key_id.clone(), key);
        }
    }
    keys
}

fn decode_hex(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .bytes()
        .map(|byte| char::from(byte).to_digit(16).expect("secret_hex is hexadecimal") as u8)
        .collect();
    digits.chunks(2).map(|pair| pair[0] << 4 | pair[1]).collect()
}

/// Returns the request with fields of every kind.
pub(crate) fn request() -> &'static Message {
    static MESSAGE: OnceLock<Message> = OnceLock::new();
    MESSAGE.get_or_init(|| wire::parse(REQUEST).expect("the fixture request parses"))
}

/// Returns the response to [`request`].
pub(crate) fn response() -> &'static Message {
    static MESSAGE: OnceLock<Message> = OnceLock::new();
    MESSAGE.get_or_init(|| wire::parse(RESPONSE).expect("the fixture response parses"))
}

/// Returns the structured types of the fixture fields, besides the registered ones.
pub(crate) fn field_types() -> FieldTypes {
    let mut types = FieldTypes::default();
    types.insert("example-dict", StructuredType::Dictionary);
    types.insert("example-list", StructuredType::List);
    types.insert("example-item", StructuredType::Item);
    types.insert("cache-control", StructuredType::List);
    types
}
