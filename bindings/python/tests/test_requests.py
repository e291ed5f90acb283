"""reqsig.requests.SignatureAuth against local servers that verify every request."""

from __future__ import annotations

import io
from typing import Iterator
from urllib.parse import quote

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

import reqsig
from reqsig.requests import SignatureAuth

from conftest import TestServer


def redirect(server: TestServer, to: str, status: int = 302) -> str:
    return f"{server.url}/redirect?status={status}&to={quote(to, safe='')}"


@pytest.fixture()
def session(signer: reqsig.Signer) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.auth = SignatureAuth(signer)
        yield session


def test_signs_each_request(session: requests.Session, origin_server: TestServer) -> None:
    responses = [
        session.post(f"{origin_server.url}/orders", json={"item": 42}),
        session.get(f"{origin_server.url}/orders", params={"page": "2", "q": "a b"}),
        session.put(f"{origin_server.url}/orders/1", data=b"\x00\x01binary"),
        session.post(f"{origin_server.url}/notes", data="caf\u00e9"),
        session.post(f"{origin_server.url}/form", data={"field": "value"}),
        session.delete(f"{origin_server.url}/orders/1"),
    ]
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    assert all(r.signed for r in origin_server.received)
    assert all(r.error is None for r in origin_server.received)
    assert len({r.nonce for r in origin_server.received}) == 6
    assert origin_server.received[0].header("Content-Digest") is not None
    assert origin_server.received[1].header("Content-Digest") is None


def test_auth_without_session(signer: reqsig.Signer, origin_server: TestServer) -> None:
    response = requests.get(f"{origin_server.url}/ok", auth=SignatureAuth(signer), timeout=10)
    assert response.status_code == 200


def test_same_origin_redirect_is_signed_again(session: requests.Session, origin_server: TestServer) -> None:
    response = session.post(redirect(origin_server, "/landing"), json={"item": 1})
    assert response.status_code == 200, response.text
    first, second = origin_server.received
    assert (first.method, second.method) == ("POST", "GET")
    assert second.path == "/landing"
    assert second.error is None
    assert first.nonce != second.nonce
    assert second.header("Content-Digest") is None
    # The history shows the signature the first request carried.
    sent = response.history[0].request
    assert sent.headers["Signature"] == first.header("Signature")


def test_redirect_keeping_the_body(session: requests.Session, origin_server: TestServer) -> None:
    response = session.post(redirect(origin_server, "/landing", status=307), json={"item": 1})
    assert response.status_code == 200, response.text
    first, second = origin_server.received
    assert second.method == "POST"
    assert second.body == first.body
    assert second.header("Content-Digest") == first.header("Content-Digest")
    assert second.error is None
    assert first.nonce != second.nonce


def test_cross_origin_redirect_is_not_signed(
    session: requests.Session, origin_server: TestServer, other_server: TestServer
) -> None:
    response = session.get(redirect(origin_server, f"{other_server.url}/elsewhere"))
    assert response.status_code == 200
    assert origin_server.received[0].error is None
    (hop,) = other_server.received
    assert not hop.signed
    assert hop.header("Signature-Input") is None


def test_cross_origin_redirect_signed_when_allowed(
    signer: reqsig.Signer, origin_server: TestServer, other_server: TestServer
) -> None:
    with requests.Session() as session:
        session.auth = SignatureAuth(signer, sign_cross_origin=True)
        response = session.get(redirect(origin_server, f"{other_server.url}/elsewhere"))
    assert response.status_code == 200
    (hop,) = other_server.received
    assert hop.signed
    assert hop.error is None


def test_redirect_back_to_origin_is_signed(
    session: requests.Session, origin_server: TestServer, other_server: TestServer
) -> None:
    back = f"{origin_server.url}/back"
    response = session.get(redirect(origin_server, redirect(other_server, back)))
    assert response.status_code == 200
    assert [r.signed for r in other_server.received] == [False]
    assert [r.path for r in origin_server.received][-1] == "/back"
    assert all(r.error is None for r in origin_server.received)


def test_next_request_is_signed(session: requests.Session, origin_server: TestServer) -> None:
    response = session.get(redirect(origin_server, "/landing"), allow_redirects=False)
    assert response.status_code == 302
    assert response.next is not None
    followed = session.send(response.next)
    assert followed.status_code == 200, followed.text
    assert len({r.nonce for r in origin_server.received}) == 2


def test_retry_through_session_gets_a_fresh_nonce(session: requests.Session, origin_server: TestServer) -> None:
    url = f"{origin_server.url}/flaky"
    response = session.post(url, json={"try": 1})
    for _ in range(2):
        if response.status_code != 503:
            break
        response = session.post(url, json={"try": 1})
    assert response.status_code == 200
    first, second = origin_server.received
    assert first.nonce != second.nonce


def test_urllib3_retry_repeats_the_nonce(session: requests.Session, origin_server: TestServer) -> None:
    """urllib3 resends the same bytes, so the server receives the nonce twice (documented limitation)."""
    retry = Retry(total=1, status_forcelist=[503], allowed_methods=None, backoff_factor=0)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    response = session.post(f"{origin_server.url}/flaky", json={"try": 1})
    assert response.status_code == 401
    first, second = origin_server.received
    assert first.nonce == second.nonce
    assert second.error == "replayed_nonce"


def test_streamed_body_is_rejected(session: requests.Session, origin_server: TestServer) -> None:
    with pytest.raises(TypeError, match="body"):
        session.post(f"{origin_server.url}/upload", data=io.BytesIO(b"data"))
    assert origin_server.received == []


def test_signer_argument_checked() -> None:
    with pytest.raises(TypeError, match="'signer'"):
        SignatureAuth("not a signer")  # type: ignore[arg-type]
