"""Finding 9: deployment: secrets per service, hardened containers, a non-superuser role."""

from urllib.parse import urlsplit

import pytest

from dovvybuddy.knowledge.documents import KnowledgeError
from dovvybuddy.leads.partners import load_partners
from tests.deploy.test_deploy_files import (
    APPLICATION_SERVICES,
    DEPLOY,
    SECRET_SETTINGS,
    SECRETS_BY_SERVICE,
    env_example_names,
    environment_names,
    interpolated,
)
from tests.dovvybuddy.leads.test_partners import write_partner


@pytest.mark.parametrize(
    "webhook",
    ["http://partner.example/leads", "ftp://partner.example/x", "https:///x", "http://10.0.0.5/x"],
)
def test_a_webhook_must_be_https_unless_it_stays_on_this_machine(tmp_path, webhook):
    write_partner(tmp_path, "bad.md", "bad-divers", "redang", f"{{webhook: '{webhook}'}}")
    with pytest.raises(KnowledgeError, match="https"):
        load_partners(tmp_path)


@pytest.mark.parametrize(
    "webhook",
    [
        "https://partner.example/leads",
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://[::1]/x",
    ],
)
def test_https_and_loopback_webhooks_are_accepted(tmp_path, webhook):
    write_partner(tmp_path, "ok.md", "ok-divers", "redang", f"{{webhook: '{webhook}'}}")
    [partner] = load_partners(tmp_path)
    assert partner.webhook == webhook


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_application_services_read_their_settings_from_the_settings_file(services, name):
    assert services[name]["env_file"] == "settings.env"


def test_the_settings_file_holds_no_secret():
    assert env_example_names("settings.env.example") & SECRET_SETTINGS == set()


@pytest.mark.parametrize("name", sorted(SECRETS_BY_SERVICE))
def test_each_service_gets_only_the_secrets_it_uses(services, name):
    assert environment_names(services[name]) & SECRET_SETTINGS == SECRETS_BY_SERVICE[name]


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_application_containers_are_hardened(services, name):
    service = services[name]
    assert service["read_only"] is True
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    assert 0 < service["pids_limit"] <= 512


def test_only_the_migrate_job_connects_as_the_database_owner(services):
    checked = 0
    for name in APPLICATION_SERVICES:
        environment = services[name].get("environment") or {}
        for key in ("DATABASE_URL", "TRACKER_STORE_URL"):
            if key in environment:
                user = urlsplit(interpolated(environment[key])).username
                assert user == ("postgres_user" if name == "migrate" else "app_db_user"), name
                checked += 1
    assert checked >= 5


def test_the_application_role_is_created_without_superuser_rights(services):
    script = (DEPLOY / "postgres-init" / "10-application-role.sh").read_text()
    assert "NOSUPERUSER" in script and "ALTER DEFAULT PRIVILEGES" in script
    assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]


def test_redis_requires_the_password_the_replicas_send(services):
    command = services["redis"]["command"]
    assert command[command.index("--requirepass") + 1].startswith("${REDIS_PASSWORD")
    redis_url = interpolated(services["rasa-1"]["environment"]["REDIS_URL"])
    assert urlsplit(redis_url).password == "redis_password"
