"""The web tests use the LTI tests' platform, tool and launch driver fixtures."""

from tests.integration.lti.conftest import driver, platform, tool  # noqa: F401
