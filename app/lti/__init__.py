"""The LTI 1.3 tool's glue around pylti1p3next (the maintained fork of PyLTI1p3): registrations, keys, nonces,
launch storage, platform storage and the refusals a user sees. `docs/lti.md` tells the whole flow.

What the library leaves open, and where it is closed here:
- nonces are issued at login with the login's state and consumed once, by a launch presenting that state
  (storage.py, launch.py);
- the state is proven by a short-lived cookie or, where cookies are blocked, by a secret the login page kept in
  the platform's storage (platform_storage.py, login.py, static/lti_launch.js);
- state, launch data and platform key sets live in the database, shared by all workers (storage.py);
- the id_token's claims must have their types, its signature, audience and times hold (45 s leeway), its message
  type is LtiResourceLinkRequest and `target_link_uri` is our launch URL (launch.py);
- a platform key set is cached only when it is one, fetched with a timeout, refetched once a minute at most on an
  unknown kid (launch.py);
- cookies are `Secure; SameSite=None; Partitioned` also on http://localhost (cookies.py);
- deployments are per registration, new ones recorded when the config lists none (tool_config.py);
- every refusal names a Swedish and English message instead of the library's English (refusals.py).
"""
