//! Signed requests of every kind are accepted, and the signature headers
//! follow the structured-field grammar (RFC 9651).

use reqsig::Signer;
use reqsig::components::{ComponentId, Derived};
use reqsig_reqwest::SignedClient;
use reqwest::Method;
use sfv::{BareItem, ListEntry, Parser};

use crate::support::{CLIENT_KEY_ID, Keys, ServerOptions, middleware_client, only};

const MINIMUM: &str = r#"("@method" "@authority" "@path" "@query")"#;
const WITH_BODY: &str = r#"("@method" "@authority" "@path" "@query" "content-digest" "content-type")"#;

#[tokio::test]
async fn get_is_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());

    let response = client.get(server.url("/echo")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    let request = only(&seen);
    assert!(request.verdict.is_ok(), "{:?}", request.verdict);
    assert_eq!(request.covered(), MINIMUM);
    assert!(!request.headers.contains_key("content-digest"));
}

#[tokio::test]
async fn post_json_is_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());
    let body = serde_json::to_vec(&serde_json::json!({ "item": 42, "note": "é" })).unwrap();

    let response = client
        .post(server.url("/echo"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    let request = only(&seen);
    assert!(request.verdict.is_ok(), "{:?}", request.verdict);
    assert_eq!(request.covered(), WITH_BODY);
    assert_eq!(request.body, body);
}

#[tokio::test]
async fn put_and_delete_are_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());

    let put = client
        .put(server.url("/echo"))
        .header("content-type", "text/plain")
        .body("replacement")
        .send()
        .await
        .unwrap();
    let delete = client.delete(server.url("/echo")).send().await.unwrap();

    assert_eq!(put.status(), 200);
    assert_eq!(delete.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].method, "PUT");
    assert!(seen[0].verdict.is_ok(), "{:?}", seen[0].verdict);
    assert_eq!(seen[1].method, "DELETE");
    assert!(seen[1].verdict.is_ok(), "{:?}", seen[1].verdict);
}

#[tokio::test]
async fn every_method_is_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());
    let methods = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];

    for method in &methods {
        let mut request = client.request(method.clone(), server.url("/echo"));
        if !matches!(*method, Method::GET | Method::HEAD) {
            request = request.body("x");
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{method}");
    }

    let seen = server.seen();
    assert_eq!(seen.len(), methods.len());
    for (request, method) in seen.iter().zip(&methods) {
        assert_eq!(request.method, method.as_str());
        assert!(request.verdict.is_ok(), "{method}: {:?}", request.verdict);
    }
}

#[tokio::test]
async fn non_default_port_is_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());
    let url = format!("http://127.0.0.1:{}/echo", server.port());
    assert_ne!(server.port(), 80);

    let response = client.get(&url).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    let request = only(&seen);
    assert!(request.verdict.is_ok(), "{:?}", request.verdict);
    assert_eq!(request.headers["host"], format!("127.0.0.1:{}", server.port()));
}

#[tokio::test]
async fn encoded_repeated_query_is_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());
    let target = "/echo?a=%2F%20x&a=2&name=caf%C3%A9&plus=d+e&empty=";

    let response = client.get(server.url(target)).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    let request = only(&seen);
    assert!(request.verdict.is_ok(), "{:?}", request.verdict);
    assert_eq!(request.target, target);
}

#[tokio::test]
async fn repeated_headers_are_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let mut components: Vec<ComponentId> =
        [Derived::Method, Derived::Authority, Derived::Path, Derived::Query]
            .into_iter()
            .map(ComponentId::derived)
            .collect();
    components.push(ComponentId::field("x-tag").unwrap());
    let signer = Signer::builder(keys.client.clone())
        .key_id(CLIENT_KEY_ID)
        .components(components)
        .build()
        .unwrap();
    let client = middleware_client(signer);

    let response = client
        .get(server.url("/echo"))
        .header("x-tag", "first")
        .header("x-tag", "second, third")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    let request = only(&seen);
    assert!(request.verdict.is_ok(), "{:?}", request.verdict);
    assert_eq!(request.headers.get_all("x-tag").iter().count(), 2);
    assert_eq!(
        request.covered(),
        r#"("@method" "@authority" "@path" "@query" "x-tag")"#
    );
}

#[tokio::test]
async fn signed_client_is_accepted() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = SignedClient::new(keys.signer()).unwrap();

    let get = client.get(server.url("/echo?page=2")).send().await.unwrap();
    let post = client
        .post(server.url("/echo"))
        .header("content-type", "application/json")
        .body(r#"{"item":42}"#)
        .send()
        .await
        .unwrap();
    let built = client.delete(server.url("/echo")).build().unwrap();
    let delete = client.execute(built).await.unwrap();

    assert_eq!(get.status(), 200);
    assert_eq!(post.status(), 200);
    assert_eq!(delete.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    for request in &seen {
        assert!(
            request.verdict.is_ok(),
            "{} {:?}",
            request.method,
            request.verdict
        );
    }
    assert_eq!(seen[1].covered(), WITH_BODY);
}

#[tokio::test]
async fn headers_follow_structured_field_grammar() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());

    client
        .post(server.url("/echo?x=1"))
        .header("content-type", "application/json")
        .body(r#"{"item":42}"#)
        .send()
        .await
        .unwrap();

    let seen = server.seen();
    let headers = &only(&seen).headers;

    let input: sfv::Dictionary = Parser::new(headers["signature-input"].as_bytes())
        .parse_dictionary()
        .unwrap();
    assert_eq!(input.len(), 1);
    let (label, entry) = input.iter().next().unwrap();
    assert_eq!(label.as_str(), "sig1");
    let ListEntry::InnerList(list) = entry else {
        panic!("Signature-Input member is not an inner list: {entry:?}");
    };
    assert_eq!(list.items.len(), 6);
    for item in &list.items {
        assert!(matches!(item.bare_item, BareItem::String(_)), "{item:?}");
    }
    let parameter = |name: &str| {
        list.params
            .iter()
            .find(|(key, _)| key.as_str() == name)
            .map(|(_, value)| value)
    };
    assert!(matches!(parameter("created"), Some(BareItem::Integer(_))));
    assert!(matches!(parameter("keyid"), Some(BareItem::String(keyid)) if keyid.as_str() == CLIENT_KEY_ID));
    assert!(matches!(parameter("nonce"), Some(BareItem::String(_))));

    let signature: sfv::Dictionary = Parser::new(headers["signature"].as_bytes())
        .parse_dictionary()
        .unwrap();
    assert_eq!(signature.len(), 1);
    let Some(ListEntry::Item(item)) = signature.get("sig1") else {
        panic!("Signature has no item sig1: {signature:?}");
    };
    let BareItem::ByteSequence(bytes) = &item.bare_item else {
        panic!("Signature member is not a byte sequence: {item:?}");
    };
    assert_eq!(bytes.len(), 64);

    let digest: sfv::Dictionary = Parser::new(headers["content-digest"].as_bytes())
        .parse_dictionary()
        .unwrap();
    let Some(ListEntry::Item(item)) = digest.get("sha-256") else {
        panic!("Content-Digest has no sha-256 item: {digest:?}");
    };
    let BareItem::ByteSequence(bytes) = &item.bare_item else {
        panic!("Content-Digest member is not a byte sequence: {item:?}");
    };
    assert_eq!(bytes.len(), 32);
}
