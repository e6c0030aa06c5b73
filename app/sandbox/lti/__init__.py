"""A sandbox LTI 1.3 platform that launches the tool the way Canvas does (OIDC flow, signed id_tokens)."""
