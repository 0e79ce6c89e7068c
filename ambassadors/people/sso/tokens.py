"""ID token checks, done in full on every sign-in.

allauth skips the signature of an ID token received straight from the token endpoint (which
the specification allows over TLS) and sends no nonce; here the signature is always checked
against the provider's published keys, and so are the issuer, the audience, the expiry and
the nonce. Only asymmetric algorithms are accepted: ``alg: none`` and HMAC (which would use
the client secret, known to more parties) are refused.

The provider's discovery document and keys are cached (``OIDC_METADATA_CACHE_SECONDS``); a
token signed with a key id that is not in the cached keys fetches the keys again once, which
is how a key rotation at the provider is picked up.
"""

import hashlib
import hmac

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.core.cache import cache

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class InvalidIdToken(OAuth2Error):
    """The ID token was refused; ``reason`` says why (recorded in the audit trail)."""

    def __init__(self, reason: str):
        super().__init__(f"ID token refused: {reason}")
        self.reason = reason


def _cache_key(kind: str, url: str) -> str:
    return f"sso:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def fetch_json(kind: str, url: str, *, refresh: bool = False) -> dict:
    """The JSON document at ``url`` (discovery or keys), cached; raises requests' errors."""
    key = _cache_key(kind, url)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    with get_adapter().get_requests_session() as session:
        response = session.get(url)
        response.raise_for_status()
        document = response.json()
    if not isinstance(document, dict):
        raise InvalidIdToken(f"{kind} is not a JSON object")
    cache.set(key, document, settings.OIDC_METADATA_CACHE_SECONDS)
    return document


def cached_json(kind: str, url: str) -> dict | None:
    """The cached document, without any network access (None when not cached)."""
    return cache.get(_cache_key(kind, url))


_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


def _find_key(keys: dict, kid: str | None, alg: str):
    """The public key for ``kid`` (or the only signing key when the token names none)."""
    try:
        key_set = jwt.PyJWKSet.from_dict(keys)
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, TypeError, ValueError, KeyError):
        return None
    candidates = [
        k
        for k in key_set.keys
        if (kid is None or k.key_id == kid)
        and k.public_key_use in (None, "sig")
        and k.key_type == _KEY_TYPES.get(alg[:2])
    ]
    if len(candidates) != 1:
        return None
    return candidates[0].key


def signing_key(jwks_uri: str, kid: str | None, alg: str):
    key = _find_key(fetch_json("jwks", jwks_uri), kid, alg)
    if key is None:
        # Not among the keys we know: the provider may have rotated them.
        key = _find_key(fetch_json("jwks", jwks_uri, refresh=True), kid, alg)
    if key is None:
        raise InvalidIdToken("signed with a key the provider does not publish")
    return key


def id_token_verify(
    *,
    token: str,
    jwks_uri: str,
    issuer: str,
    client_id: str,
    nonce: str,
    algorithms: list[str] | None = None,
) -> dict:
    """The ID token's claims once every check passed; raises ``InvalidIdToken`` otherwise."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidIdToken("malformed") from None
    alg = header.get("alg")
    if not alg or str(alg).lower() == "none":
        raise InvalidIdToken("unsigned (alg none)")
    allowed = ASYMMETRIC_ALGORITHMS & set(algorithms or ["RS256"])
    if alg not in allowed:
        raise InvalidIdToken(f"algorithm {alg} not accepted")
    key = signing_key(jwks_uri, header.get("kid"), alg)
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=client_id,
            issuer=issuer,
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidIdToken("expired") from None
    except jwt.InvalidAudienceError:
        raise InvalidIdToken("wrong audience") from None
    except jwt.InvalidIssuerError:
        raise InvalidIdToken("wrong issuer") from None
    except jwt.InvalidSignatureError:
        raise InvalidIdToken("bad signature") from None
    except jwt.PyJWTError as error:
        raise InvalidIdToken(f"invalid ({type(error).__name__})") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise InvalidIdToken("wrong authorized party")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise InvalidIdToken("nonce does not match this sign-in")
    return claims
