"""A small OpenID Connect provider for the tests, serving on localhost in its own thread, shaped
like Microsoft Entra ID: per-tenant authorize, token and key endpoints; ID tokens carrying
``tid``, ``oid`` and ``preferred_username``, an ``email`` only sometimes and never
``email_verified``. It signs in whoever the test names, and on request issues the tokens a real
provider must never be believed for: from the wrong issuer, tampered with, expired, or signed
with a key the tenant does not publish. It checks what a real one checks of the client: the
code is single-use, the client secret and the PKCE verifier match, the redirect address is the
one the code was issued for."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TENANT_ONE = "11111111-1111-4111-8111-111111111111"
TENANT_TWO = "22222222-2222-4222-8222-222222222222"
CLIENT_ID = "tracker-test-client"
CLIENT_SECRET = "tracker-test-secret"
KEY_ID = "test-key-1"


@dataclass
class Identity:
    tid: str
    oid: str
    preferred_username: str
    email: str | None = None
    given_name: str = "Test"
    family_name: str = "Person"
    # ok, wrong_issuer, tampered, expired, foreign_key
    mode: str = "ok"


@dataclass
class Grant:
    identity: Identity
    redirect_uri: str
    code_challenge: str
    nonce: str | None


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.grants: dict[str, Grant] = {}
        self.next_identity: Identity | None = None
        self.token_requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll: shutdown() waits for the loop's next turn (half a second by default).
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sign_in_as(self, **fields: Any) -> Identity:
        self.next_identity = Identity(**fields)
        return self.next_identity

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def id_token(self, identity: Identity, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "ver": "2.0",
            "iss": f"{self.url}/{identity.tid}/v2.0",
            "aud": CLIENT_ID,
            "tid": identity.tid,
            "oid": identity.oid,
            "sub": hashlib.sha256(identity.oid.encode()).hexdigest()[:43],
            "preferred_username": identity.preferred_username,
            "name": f"{identity.given_name} {identity.family_name}",
            "given_name": identity.given_name,
            "family_name": identity.family_name,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
        }
        if identity.email is not None:
            claims["email"] = identity.email
        if nonce:
            claims["nonce"] = nonce
        if identity.mode == "wrong_issuer":
            other = TENANT_TWO if identity.tid != TENANT_TWO else TENANT_ONE
            claims["iss"] = f"{self.url}/{other}/v2.0"
        if identity.mode == "expired":
            claims.update(iat=now - 7200, nbf=now - 7200, exp=now - 3600)
        key = self.foreign_key if identity.mode == "foreign_key" else self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})
        if identity.mode == "tampered":
            header, payload, signature = token.split(".")
            changed = {**claims, "oid": "someone-else"}
            payload = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
            token = f"{header}.{payload}.{signature}"
        return token

    def handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def send_json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                params = dict(urllib.parse.parse_qsl(query))
                parts = path.strip("/").split("/")
                if parts[1:] == ["discovery", "v2.0", "keys"]:
                    self.send_json(200, provider.jwks())
                    return
                if parts[1:] == ["oauth2", "v2.0", "authorize"]:
                    identity = provider.next_identity
                    if identity is None or params.get("client_id") != CLIENT_ID:
                        self.send_json(400, {"error": "invalid_request"})
                        return
                    code = secrets.token_urlsafe(16)
                    provider.grants[code] = Grant(
                        identity,
                        params["redirect_uri"],
                        params.get("code_challenge", ""),
                        params.get("nonce"),
                    )
                    answer = urllib.parse.urlencode({"code": code, "state": params["state"]})
                    self.send_response(302)
                    self.send_header("Location", f"{params['redirect_uri']}?{answer}")
                    self.end_headers()
                    return
                self.send_json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if not self.path.endswith("/oauth2/v2.0/token"):
                    self.send_json(404, {"error": "not_found"})
                    return
                provider.token_requests += 1
                grant = provider.grants.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if (
                    grant is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != grant.redirect_uri
                    or challenge != grant.code_challenge
                ):
                    self.send_json(400, {"error": "invalid_grant"})
                    return
                self.send_json(
                    200,
                    {
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "access_token": secrets.token_urlsafe(24),
                        "id_token": provider.id_token(grant.identity, grant.nonce),
                    },
                )

        return Handler
