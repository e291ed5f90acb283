//! The reqsig side of each scenario: signing with `Signer`, verifying with `Verifier`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqsig::clock::FixedClock;
use reqsig::components::ComponentId;
use reqsig::message::{MessageView, TargetContext, ToMessageView};
use reqsig::{Message, Nonce, Policy, Selection, Signer, Verifier, VerifyingKey};

use crate::cases::Scenario;
use crate::exchange::{PolicyChoice, SignatureSpec, Target};
use crate::keys;

/// How long after `created` reqsig's verifier sets its clock, in seconds.
const VERIFY_DELAY: u64 = 10;

/// A request and, for cases that have one, its response, after signing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The request.
    pub request: Message,
    /// The response.
    pub response: Option<Message>,
}

/// Signs the scenario's messages with reqsig, adding its signatures in order.
///
/// # Errors
/// A description of the first signature reqsig could not make.
pub fn sign(scenario: &Scenario) -> Result<Signed, String> {
    let mut request = scenario.request();
    let mut response = scenario.response();
    for spec in scenario.signatures() {
        let signer = signer(&spec)?;
        let context = TargetContext::default();
        let signed = match spec.target {
            Target::Request => signer.sign_message(&mut request, None),
            Target::Response => {
                let response = response
                    .as_mut()
                    .ok_or("the case signs a response but has none")?;
                let request_view = request.to_view(&context).map_err(|e| e.to_string())?;
                signer.sign_message(response, Some(&request_view))
            }
        };
        signed.map_err(|e| format!("reqsig could not sign {}: {e}", spec.label))?;
    }
    Ok(Signed { request, response })
}

/// Verifies every signature of the scenario with reqsig, each selected by its
/// label, and checks that it covers exactly the scenario's components and
/// carries its key id and tag.
///
/// # Errors
/// A description of the first signature that failed.
pub fn verify(scenario: &Scenario, request: &Message, response: Option<&Message>) -> Result<(), String> {
    let resolver = resolver();
    let context = TargetContext::default();
    let request_view = request.to_view(&context).map_err(|e| e.to_string())?;
    let response_view = response
        .map(|response| response.to_view(&context))
        .transpose()
        .map_err(|e| e.to_string())?;
    for spec in scenario.signatures() {
        verify_one(&spec, &request_view, response_view.as_ref(), &resolver)
            .map_err(|e| format!("signature {}: {e}", spec.label))?;
    }
    Ok(())
}

fn verify_one(
    spec: &SignatureSpec,
    request: &MessageView<'_>,
    response: Option<&MessageView<'_>>,
    resolver: &HashMap<String, VerifyingKey>,
) -> Result<(), String> {
    let policy = match spec.policy {
        PolicyChoice::Default => Policy::default(),
        PolicyChoice::Permissive => Policy::permissive(),
    };
    let verifier = Verifier::new(policy)
        .select(Selection::Label(spec.label.clone()))
        .clock(Arc::new(FixedClock(spec.created + VERIFY_DELAY)));
    let verified = match spec.target {
        Target::Request => verifier.verify(request, None, resolver),
        Target::Response => {
            let response = response.ok_or("the case verifies a response but has none")?;
            verifier.verify(response, Some(request), resolver)
        }
    }
    .map_err(|e| format!("{} ({})", e, e.code()))?;

    if verified.keyid != spec.keyid {
        return Err(format!(
            "signed with key id {:?}, expected {:?}",
            verified.keyid, spec.keyid
        ));
    }
    if verified.tag() != spec.tag.as_deref() {
        return Err(format!("tag {:?}, expected {:?}", verified.tag(), spec.tag));
    }
    let covered = verified
        .components()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    let expected = components(spec)?
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    if covered != expected {
        return Err(format!("covers {covered:?}, expected {expected:?}"));
    }
    Ok(())
}

fn signer(spec: &SignatureSpec) -> Result<Signer, String> {
    let key = keys::by_keyid(&spec.keyid).ok_or_else(|| format!("no test key {:?}", spec.keyid))?;
    let mut builder = Signer::builder(key.signing.clone())
        .key_id(&spec.keyid)
        .label(&spec.label)
        .components(components(spec)?)
        .clock(Arc::new(FixedClock(spec.created)))
        .alg_parameter(spec.include_alg)
        .nonce(match &spec.nonce {
            Some(nonce) => Nonce::Fixed(nonce.clone()),
            None => Nonce::None,
        });
    if let Some(tag) = &spec.tag {
        builder = builder.tag(tag);
    }
    if let Some(expires) = spec.expires {
        builder = builder.expires_in(Duration::from_secs(expires.saturating_sub(spec.created)));
    }
    builder.build().map_err(|e| e.to_string())
}

fn components(spec: &SignatureSpec) -> Result<Vec<ComponentId>, String> {
    spec.components
        .iter()
        .map(|text| ComponentId::parse(text).map_err(|e| e.to_string()))
        .collect()
}

fn resolver() -> HashMap<String, VerifyingKey> {
    keys::all()
        .iter()
        .map(|key| (key.keyid.to_owned(), key.verifying()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::scenarios;

    #[test]
    fn scenarios_round_trip() {
        for scenario in scenarios() {
            let signed = sign(&scenario).unwrap_or_else(|e| panic!("{}: {e}", scenario.id()));
            let verified = verify(&scenario, &signed.request, signed.response.as_ref());
            assert_eq!(verified, Ok(()), "{}", scenario.id());
        }
    }

    #[test]
    fn tampered_body_fails() {
        let scenario = scenarios()
            .into_iter()
            .find(|s| s.case.name == "post")
            .expect("the post case exists");
        let mut signed = sign(&scenario).expect("reqsig signs");
        signed.request.body = b"{\"item\":43,\"quantity\":3}".to_vec();
        assert!(verify(&scenario, &signed.request, None).is_err());
    }
}
