"""Fixtures the security tests share with the tests of the code they guard."""

from tests.deploy.test_deploy_files import compose, services  # noqa: F401
from tests.dovvybuddy.leads.test_store import store  # noqa: F401
