"""The LTI 1.3 tool's glue around PyLTI1p3: registrations, keys, nonces, launch storage and role checks.

What PyLTI1p3 2.0.0 leaves open, and where it is closed here:
- nonces are issued at login and consumed once at launch, in the database (storage.py);
- state, launch data and platform key sets live in the database, shared by all workers (storage.py);
- the id_token is checked with 45 s leeway on exp/iat, its audience and issuer (launch.py);
- the state must match this browser's cookie, and `target_link_uri` must be our launch URL (launch.py);
- cookies are `Secure; SameSite=None; Partitioned` also on http://localhost (cookies.py);
- deployments are per registration, new ones recorded when the config lists none (tool_config.py);
- the platform's JWKS is fetched with a timeout and refetched once a minute at most on an unknown kid.
"""
