"""Sign-in with the member organisation's own account (OpenID Connect, through django-allauth).

- ``models``: e-mail domains mapped to organisations, with "single sign-on required".
- ``provider`` and ``tokens``: allauth's OpenID Connect provider, hardened: a nonce, PKCE, and an
  ID token whose signature (from the provider's published keys), issuer, audience, expiry and
  nonce are always checked.
- ``adapter``: who may come in (a verified e-mail of a mapped domain), placing a newcomer in the
  organisation through ``services``, and every refusal as a message plus an audit-trail line.
- ``backends`` and ``forms``: password log-in refused for staff whose domain requires SSO.
- ``views`` and ``urls``: the log-in page with one button per provider, the sign-in and callback
  URLs, and signing out (with the provider's own sign-out offered when it publishes one).
"""
