"""The LTI 1.3 tool's glue around PyLTI1p3: registrations, keys, nonces, launch storage and role checks."""
