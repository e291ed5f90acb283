"""reqsig.httpx.SignatureAuth, sync and async, against local servers that verify every request."""

from __future__ import annotations

import asyncio
from typing import List
from urllib.parse import quote

import httpx
import pytest

import reqsig
from reqsig.httpx import SignatureAuth

from conftest import TestServer


def redirect(server: TestServer, to: str, status: int = 302) -> str:
    return f"{server.url}/redirect?status={status}&to={quote(to, safe='')}"


def test_signs_each_request(signer: reqsig.Signer, origin_server: TestServer) -> None:
    with httpx.Client(auth=SignatureAuth(signer)) as client:
        responses = [
            client.post(f"{origin_server.url}/orders", json={"item": 42}),
            client.get(f"{origin_server.url}/orders", params={"q": "a b", "page": 2}),
            client.put(f"{origin_server.url}/orders/1", content=b"\x00binary"),
            client.post(f"{origin_server.url}/form", data={"field": "value"}),
            client.delete(f"{origin_server.url}/orders/1"),
        ]
    assert [r.status_code for r in responses] == [200] * 5, [r.text for r in responses]
    assert all(r.signed for r in origin_server.received)
    assert all(r.error is None for r in origin_server.received)
    assert len({r.nonce for r in origin_server.received}) == 5


def test_async_client(signer: reqsig.Signer, origin_server: TestServer) -> None:
    async def main() -> List[int]:
        async with httpx.AsyncClient(auth=SignatureAuth(signer)) as client:
            responses = await asyncio.gather(
                *(client.post(f"{origin_server.url}/orders/{i}", json={"i": i}) for i in range(5))
            )
        return [r.status_code for r in responses]

    assert asyncio.run(main()) == [200] * 5
    assert len({r.nonce for r in origin_server.received}) == 5


def test_resent_request_gets_a_fresh_nonce(signer: reqsig.Signer, origin_server: TestServer) -> None:
    with httpx.Client(auth=SignatureAuth(signer)) as client:
        request = client.build_request("POST", f"{origin_server.url}/flaky", json={"try": 1})
        first = client.send(request)
        second = client.send(request)
    assert (first.status_code, second.status_code) == (503, 200)
    nonces = [r.nonce for r in origin_server.received]
    assert nonces[0] != nonces[1]
    assert all(r.error is None for r in origin_server.received)


@pytest.mark.parametrize(("status", "method"), [(302, "GET"), (303, "GET"), (307, "POST"), (308, "POST")])
def test_auth_follows_same_origin_redirects(
    signer: reqsig.Signer, origin_server: TestServer, status: int, method: str
) -> None:
    with httpx.Client(auth=SignatureAuth(signer, follow_redirects=True)) as client:
        response = client.post(redirect(origin_server, "/landing", status), json={"item": 1})
    assert response.status_code == 200, response.text
    assert len(response.history) == 1
    first, second = origin_server.received
    assert second.method == method
    assert second.path == "/landing"
    assert second.error is None
    assert first.nonce != second.nonce
    if method == "GET":
        assert second.header("Content-Digest") is None
    else:
        assert second.body == first.body


def test_cross_origin_redirect_is_not_signed(
    signer: reqsig.Signer, origin_server: TestServer, other_server: TestServer
) -> None:
    with httpx.Client(auth=SignatureAuth(signer, follow_redirects=True)) as client:
        response = client.get(redirect(origin_server, f"{other_server.url}/elsewhere"))
    assert response.status_code == 200
    (hop,) = other_server.received
    assert not hop.signed
    assert hop.header("Signature-Input") is None


def test_cross_origin_redirect_signed_when_allowed(
    signer: reqsig.Signer, origin_server: TestServer, other_server: TestServer
) -> None:
    auth = SignatureAuth(signer, follow_redirects=True, sign_cross_origin=True)
    with httpx.Client(auth=auth) as client:
        response = client.get(redirect(origin_server, f"{other_server.url}/elsewhere"))
    assert response.status_code == 200
    (hop,) = other_server.received
    assert hop.signed
    assert hop.error is None


def test_async_redirects(signer: reqsig.Signer, origin_server: TestServer, other_server: TestServer) -> None:
    back = f"{origin_server.url}/back"

    async def main() -> httpx.Response:
        async with httpx.AsyncClient(auth=SignatureAuth(signer, follow_redirects=True)) as client:
            return await client.post(redirect(origin_server, redirect(other_server, back, 307), 307), json={})

    response = asyncio.run(main())
    assert response.status_code == 200, response.text
    assert [r.signed for r in other_server.received] == [False]
    assert [r.path for r in origin_server.received][-1] == "/back"
    assert all(r.error is None for r in origin_server.received)
    assert len({r.nonce for r in origin_server.received}) == 2


def test_manual_redirect_is_signed_on_send(signer: reqsig.Signer, origin_server: TestServer) -> None:
    with httpx.Client(auth=SignatureAuth(signer)) as client:
        response = client.post(redirect(origin_server, "/landing", 307), json={"item": 1})
        assert response.status_code == 307
        assert response.next_request is not None
        followed = client.send(response.next_request)
    assert followed.status_code == 200, followed.text
    assert len({r.nonce for r in origin_server.received}) == 2


def test_client_level_redirects_copy_the_old_signature(signer: reqsig.Signer, origin_server: TestServer) -> None:
    """httpx follows redirects below the auth flow and copies the signed headers (documented)."""
    with httpx.Client(auth=SignatureAuth(signer), follow_redirects=True) as client:
        response = client.get(redirect(origin_server, "/landing"))
    assert response.status_code == 401
    first, second = origin_server.received
    assert second.header("Signature") == first.header("Signature")
    assert second.error == "invalid_signature"


def test_too_many_redirects(signer: reqsig.Signer, origin_server: TestServer) -> None:
    loop = f"{origin_server.url}/redirect?status=302&to=%2Fredirect%3Fstatus%3D302%26to%3D%252Fok"
    with httpx.Client(auth=SignatureAuth(signer, follow_redirects=True, max_redirects=1)) as client:
        with pytest.raises(httpx.TooManyRedirects):
            client.get(loop)


def test_arguments_checked(signer: reqsig.Signer) -> None:
    with pytest.raises(TypeError, match="'signer'"):
        SignatureAuth(object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'max_redirects'"):
        SignatureAuth(signer, max_redirects=-1)
