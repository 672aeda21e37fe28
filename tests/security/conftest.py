"""Fixtures the security tests share with the tests of the code they guard."""

from tests.actions.services.test_lead_store import store  # noqa: F401
from tests.deploy.test_deploy_files import compose, services  # noqa: F401
