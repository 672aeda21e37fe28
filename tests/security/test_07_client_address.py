"""Finding 7: the real client address, and IPv6 clients per /64."""

import pytest

from connectors.web_access import address_key
from tests.connectors.test_web_access import browser, policy, refusal
from tests.deploy.test_deploy_files import DEPLOY


def test_ipv6_clients_share_one_budget_per_64():
    access = policy(per_address=2)
    access.count_request(browser(address="2001:db8:1:2::1"))
    access.count_request(browser(address="2001:db8:1:2:ffff::9"))
    refused = refusal(lambda: access.count_request(browser(address="2001:db8:1:2::abcd")))
    assert refused.status == 429
    access.count_request(browser(address="2001:db8:1:3::1"))  # another /64 has its own


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_address_keys(address, key):
    assert address_key(address) == key


def test_nginx_trusts_the_client_address_only_from_the_configured_proxy(services):
    conf = (DEPLOY / "nginx.conf").read_text()
    assert "set_real_ip_from ${NGINX_TRUSTED_PROXY};" in conf
    assert "real_ip_header X-Forwarded-For;" in conf
    assert "limit_req_zone $client_network" in conf
    [template] = services["nginx"]["volumes"]
    assert template.endswith(":/etc/nginx/templates/default.conf.template:ro")
