//! The cases of the matrix: messages as HTTP/1.1 text and the signatures to put on them.
//!
//! Each case runs once per algorithm in its list; a case with one algorithm
//! is a [`Scenario`], the unit a peer signs or verifies.

use std::collections::BTreeMap;

use reqsig::message::wire;
use reqsig::{Algorithm, Message};

use crate::exchange::{Job, JobKey, JsonMessage, PolicyChoice, SignatureSpec, Target};
use crate::keys::{self, PROXY_KEYID, TestKey};

/// The `created` parameter of every signature: 2025-01-01T00:00:00Z.
///
/// It is fixed so that runs are reproducible, and in the past because the
/// peers reject a `created` in the future by their own clocks. Peers verify
/// without a maximum age, and reqsig's verifier uses a fixed clock ten seconds
/// later.
pub const CREATED: u64 = 1_735_689_600;

/// The `expires` parameter where a case sets one: 2100-01-01T00:00:00Z, so
/// that peers checking it against their own clocks accept it.
pub const EXPIRES: u64 = 4_102_444_800;

/// Every algorithm of RFC 9421 section 3.3, for the cases that compare algorithms.
const EVERY_ALGORITHM: &[Algorithm] = &[
    Algorithm::Ed25519,
    Algorithm::HmacSha256,
    Algorithm::EcdsaP256Sha256,
    Algorithm::EcdsaP384Sha384,
    Algorithm::RsaPssSha512,
    Algorithm::RsaV15Sha256,
];

/// The algorithms of the cases that compare message features.
const MAIN_ALGORITHMS: &[Algorithm] = &[Algorithm::Ed25519, Algorithm::HmacSha256];

/// One row group of the matrix.
#[derive(Debug)]
pub struct Case {
    /// Short name, used in scenario ids and the matrix.
    pub name: &'static str,
    /// What the case checks, for the matrix.
    pub summary: &'static str,
    /// The algorithms it runs with.
    pub algorithms: &'static [Algorithm],
    /// The request as HTTP/1.1 text, before signing.
    pub request: &'static str,
    /// The response as HTTP/1.1 text, for cases that sign one.
    pub response: Option<&'static str>,
    /// The signatures, in the order they are added.
    pub signatures: &'static [Template],
}

/// Which key signs a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRole {
    /// The key of the scenario's algorithm.
    Scenario,
    /// A second Ed25519 key, for a signature added by another party.
    Proxy,
}

/// A signature of a case, before the scenario picks its key.
#[derive(Debug)]
pub struct Template {
    /// The message it belongs to.
    pub target: Target,
    /// The label.
    pub label: &'static str,
    /// The key that signs it.
    pub key: KeyRole,
    /// The covered components, serialized.
    pub components: &'static [&'static str],
    /// The `nonce` parameter.
    pub nonce: Option<&'static str>,
    /// The `tag` parameter.
    pub tag: Option<&'static str>,
    /// The `expires` parameter.
    pub expires: Option<u64>,
    /// Whether the `alg` parameter is set.
    pub alg_parameter: bool,
    /// The policy of reqsig's verifier.
    pub policy: PolicyChoice,
}

impl Template {
    /// A request signature by the scenario's key, checked under the default
    /// policy. It carries only `created` and `keyid`, as most RFC 9421
    /// examples do, so that each case tests its own feature. The `parameters`
    /// case adds the other four.
    const fn new(label: &'static str, components: &'static [&'static str]) -> Template {
        Template {
            target: Target::Request,
            label,
            key: KeyRole::Scenario,
            components,
            nonce: None,
            tag: None,
            expires: None,
            alg_parameter: false,
            policy: PolicyChoice::Default,
        }
    }
}

const REQUEST_TARGET: &[&str] = &[r#""@method""#, r#""@authority""#, r#""@path""#, r#""@query""#];

const REQUEST_WITH_BODY: &[&str] = &[
    r#""@method""#,
    r#""@authority""#,
    r#""@path""#,
    r#""@query""#,
    r#""content-digest""#,
    r#""content-type""#,
];

const POST_ORDER: &str = "POST /orders HTTP/1.1\r\n\
    Host: example.com\r\n\
    Content-Type: application/json\r\n\
    \r\n\
    {\"item\":42,\"quantity\":3}";

/// Every case, in matrix order.
pub const CASES: &[Case] = &[
    Case {
        name: "get",
        summary: "GET without a body: `@method`, `@authority`, `@path`, `@query` (an empty query is `?`)",
        algorithms: EVERY_ALGORITHM,
        request: "GET /items/42 HTTP/1.1\r\nHost: example.com\r\nAccept: application/json\r\n\r\n",
        response: None,
        signatures: &[Template::new("sig1", REQUEST_TARGET)],
    },
    Case {
        name: "post",
        summary: "POST with a JSON body, covering `content-digest` (RFC 9530, sha-256) and `content-type`",
        algorithms: EVERY_ALGORITHM,
        request: POST_ORDER,
        response: None,
        signatures: &[Template::new("sig1", REQUEST_WITH_BODY)],
    },
    Case {
        name: "parameters",
        summary: "all six signature parameters: `created`, `expires`, `nonce`, `alg`, `keyid`, `tag`",
        algorithms: MAIN_ALGORITHMS,
        request: "GET /items/42 HTTP/1.1\r\nHost: example.com\r\n\r\n",
        response: None,
        signatures: &[Template {
            nonce: Some("k3yhLw0XUvPaO0kEJvbC8w"),
            tag: Some("app-items"),
            expires: Some(EXPIRES),
            alg_parameter: true,
            ..Template::new("sig1", REQUEST_TARGET)
        }],
    },
    Case {
        name: "query",
        summary: "`@query` with percent-encoded, repeated, empty and valueless parameters",
        algorithms: MAIN_ALGORITHMS,
        request: "GET /search?q=caf%C3%A9%20cr%C3%A8me&tag=red&tag=blue&empty=&flag&path=%2Fa%2Fb HTTP/1.1\r\n\
            Host: example.com\r\n\r\n",
        response: None,
        signatures: &[Template::new("sig1", REQUEST_TARGET)],
    },
    Case {
        name: "field-lines",
        summary: "fields sent as several lines, combined with `, `, and an empty field",
        algorithms: MAIN_ALGORITHMS,
        request: "GET /feed HTTP/1.1\r\n\
            Host: example.com\r\n\
            Accept: application/json\r\n\
            Cache-Control: max-age=60\r\n\
            Accept: text/plain;q=0.5\r\n\
            Cache-Control:    must-revalidate\r\n\
            X-Empty-Header:\r\n\r\n",
        response: None,
        signatures: &[Template::new(
            "sig1",
            &[
                r#""@method""#,
                r#""@authority""#,
                r#""@path""#,
                r#""@query""#,
                r#""accept""#,
                r#""cache-control""#,
                r#""x-empty-header""#,
            ],
        )],
    },
    Case {
        name: "query-param",
        summary: "`@query-param` on values already in the canonical percent-encoding, and an encoded name",
        algorithms: MAIN_ALGORITHMS,
        request: "GET /parameters?var=this%20is%20a%20big%0Amultiline%20value&fa%C3%A7ade%22%3A%20=something&id=42 HTTP/1.1\r\n\
            Host: example.com\r\n\r\n",
        response: None,
        signatures: &[Template {
            policy: PolicyChoice::Permissive,
            ..Template::new(
                "sig1",
                &[
                    r#""@method""#,
                    r#""@authority""#,
                    r#""@path""#,
                    r#""@query-param";name="var""#,
                    r#""@query-param";name="fa%C3%A7ade%22%3A%20""#,
                    r#""@query-param";name="id""#,
                ],
            )
        }],
    },
    Case {
        name: "query-param-reencode",
        summary: "`@query-param` values that RFC 9421 re-encodes: `+` becomes `%20`, `~` becomes `%7E`",
        algorithms: MAIN_ALGORITHMS,
        request: "GET /parameters?bar=with+plus+whitespace&range=10~20 HTTP/1.1\r\nHost: example.com\r\n\r\n",
        response: None,
        signatures: &[Template {
            policy: PolicyChoice::Permissive,
            ..Template::new(
                "sig1",
                &[
                    r#""@method""#,
                    r#""@authority""#,
                    r#""@path""#,
                    r#""@query-param";name="bar""#,
                    r#""@query-param";name="range""#,
                ],
            )
        }],
    },
    Case {
        name: "structured",
        summary: "structured fields: `sf` re-serializes a dictionary, `key` selects a member (a boolean with a parameter, an inner list)",
        algorithms: MAIN_ALGORITHMS,
        request: "GET /assets/app.js HTTP/1.1\r\n\
            Host: example.com\r\n\
            Priority: u=5,   i\r\n\
            CDN-Cache-Control: max-age=600,   private;extra=\"yes\",  ext=(a   b)\r\n\r\n",
        response: None,
        signatures: &[Template {
            policy: PolicyChoice::Permissive,
            ..Template::new(
                "sig1",
                &[
                    r#""@method""#,
                    r#""@authority""#,
                    r#""@path""#,
                    r#""priority";sf"#,
                    r#""priority";key="u""#,
                    r#""cdn-cache-control";sf"#,
                    r#""cdn-cache-control";key="private""#,
                    r#""cdn-cache-control";key="ext""#,
                ],
            )
        }],
    },
    Case {
        name: "response",
        summary: "a response signature bound to its request with `req`, covering the request's signature",
        algorithms: MAIN_ALGORITHMS,
        request: POST_ORDER,
        response: Some(
            "HTTP/1.1 201 Created\r\n\
            Content-Type: application/json\r\n\
            Location: /orders/7\r\n\
            \r\n\
            {\"id\":7,\"status\":\"accepted\"}",
        ),
        signatures: &[
            Template::new("sig1", REQUEST_WITH_BODY),
            Template {
                target: Target::Response,
                tag: Some("reqsig-response"),
                ..Template::new(
                    "reply",
                    &[
                        r#""@status""#,
                        r#""content-type""#,
                        r#""content-digest""#,
                        r#""@method";req"#,
                        r#""@authority";req"#,
                        r#""@path";req"#,
                        r#""signature";req;key="sig1""#,
                        r#""signature-input";req;key="sig1""#,
                    ],
                )
            },
        ],
    },
    Case {
        name: "signatures",
        summary: "two signatures with their own labels, tags and keys; the second covers the first (`key`) and has `expires`",
        algorithms: MAIN_ALGORITHMS,
        request: "POST /transfers HTTP/1.1\r\n\
            Host: bank.example\r\n\
            Content-Type: application/json\r\n\
            Forwarded: for=192.0.2.60;proto=https\r\n\
            \r\n\
            {\"amount\":\"10.00\",\"to\":\"acct-2\"}",
        response: None,
        signatures: &[
            Template {
                tag: Some("app-client"),
                ..Template::new("client", REQUEST_WITH_BODY)
            },
            Template {
                key: KeyRole::Proxy,
                tag: Some("app-proxy"),
                expires: Some(EXPIRES),
                policy: PolicyChoice::Permissive,
                ..Template::new(
                    "proxy",
                    &[
                        r#""@method""#,
                        r#""@authority""#,
                        r#""forwarded""#,
                        r#""signature";key="client""#,
                        r#""signature-input";key="client""#,
                    ],
                )
            },
        ],
    },
];

/// A case with one algorithm.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// The case.
    pub case: &'static Case,
    /// The algorithm of the keys with role [`KeyRole::Scenario`].
    pub algorithm: Algorithm,
}

/// Returns every scenario, in matrix order.
pub fn scenarios() -> Vec<Scenario> {
    CASES
        .iter()
        .flat_map(|case| {
            case.algorithms
                .iter()
                .map(move |&algorithm| Scenario { case, algorithm })
        })
        .collect()
}

impl Scenario {
    /// Returns the id, such as `post/ed25519`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.case.name, self.algorithm)
    }

    /// Returns the unsigned request.
    ///
    /// # Panics
    /// When the case's text is not a valid message, which is a bug in the case table.
    pub fn request(&self) -> Message {
        parse(self.case.name, self.case.request)
    }

    /// Returns the unsigned response, for cases that have one.
    pub fn response(&self) -> Option<Message> {
        self.case.response.map(|text| parse(self.case.name, text))
    }

    /// Returns the signatures with their keys resolved.
    pub fn signatures(&self) -> Vec<SignatureSpec> {
        self.case
            .signatures
            .iter()
            .map(|template| {
                let key = self.key(template.key);
                SignatureSpec {
                    target: template.target,
                    label: template.label.to_owned(),
                    keyid: key.keyid.to_owned(),
                    alg: key.algorithm.name().to_owned(),
                    components: template.components.iter().map(|c| (*c).to_owned()).collect(),
                    created: CREATED,
                    expires: template.expires,
                    nonce: template.nonce.map(str::to_owned),
                    tag: template.tag.map(str::to_owned),
                    include_alg: template.alg_parameter,
                    covers_digest: template.components.contains(&r#""content-digest""#),
                    policy: template.policy,
                }
            })
            .collect()
    }

    /// Builds the job for a peer: these messages, the signatures and their keys.
    ///
    /// # Errors
    /// When a message cannot be converted to JSON.
    pub fn job(&self, request: &Message, response: Option<&Message>) -> Result<Job, String> {
        let signatures = self.signatures();
        let keys = signatures
            .iter()
            .filter_map(|spec| keys::by_keyid(&spec.keyid))
            .map(|key| (key.keyid.to_owned(), job_key(key)))
            .collect::<BTreeMap<_, _>>();
        Ok(Job {
            id: self.id(),
            request: JsonMessage::from_message(request)?,
            response: response.map(JsonMessage::from_message).transpose()?,
            signatures,
            keys,
        })
    }

    fn key(&self, role: KeyRole) -> &'static TestKey {
        match role {
            KeyRole::Scenario => keys::for_algorithm(self.algorithm),
            KeyRole::Proxy => keys::by_keyid(PROXY_KEYID).expect("the proxy key exists"),
        }
    }
}

fn job_key(key: &TestKey) -> JobKey {
    JobKey {
        alg: key.algorithm.name().to_owned(),
        private_pem: key.private_pem.clone(),
        public_pem: key.public_pem.clone(),
        secret: key.secret_base64(),
    }
}

fn parse(name: &str, text: &str) -> Message {
    wire::parse(text.as_bytes()).unwrap_or_else(|e| panic!("case {name}: invalid message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_ids_unique() {
        let ids = scenarios().iter().map(Scenario::id).collect::<Vec<_>>();
        let unique = ids.iter().collect::<std::collections::BTreeSet<_>>();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn case_messages_parse() {
        for scenario in scenarios() {
            let request = scenario.request();
            assert!(request.method().is_some(), "{}", scenario.id());
            if let Some(response) = scenario.response() {
                assert!(response.status().is_some(), "{}", scenario.id());
            }
        }
    }

    #[test]
    fn signatures_cover_method() {
        // The tamper check of the matrix changes the method after signing.
        for case in CASES {
            for template in case.signatures {
                let covered = template.components.iter().any(|c| c.starts_with(r#""@method""#));
                assert!(covered, "{} {}", case.name, template.label);
            }
        }
    }

    #[test]
    fn case_components_parse() {
        for case in CASES {
            for template in case.signatures {
                for component in template.components {
                    let parsed = reqsig::components::ComponentId::parse(component);
                    assert!(parsed.is_ok(), "{}: {component}", case.name);
                }
            }
        }
    }
}
