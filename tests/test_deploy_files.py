"""The deployment files: every part present, safe settings, no secret written in them."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import redis
import yaml

from bot.channels.enabled import variables
from bot.parts import DB_ROLE_PASSWORDS, OPTIONAL_SECRETS, PART_SECRETS, SETUP
from bot.settings import PROJECT_ROOT
from tests.conftest import skip_or_fail

DEPLOY = PROJECT_ROOT / "docs" / "deploy"
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|SID|KEY$")
# Variables whose value holds a password although their name does not say so.
HOLDS_SECRET = {"REDIS_URL"}
APP_SERVICES = ("setup", "actions-1", "actions-2", "rasa-1", "rasa-2", "web")
# `${VAR:?message}` (required) or `${VAR:-}` (optional, empty): the value comes from outside.
FROM_ENVIRONMENT = re.compile(r"\$\{[A-Z_]+(:\?[^}]+|:-)\}")


def _load(name: str) -> Any:
    return yaml.safe_load((DEPLOY / name).read_text())


def _compose_environment(service: dict[str, Any]) -> dict[str, str]:
    environment: dict[str, str] = service.get("environment", {})
    return environment


def test_compose_runs_every_part_with_two_rasa_and_two_action_servers() -> None:
    services = _load("compose.yaml")["services"]
    assert {"postgres", "redis", "setup", "web", "nginx"} <= set(services)
    rasa = [name for name in services if name.startswith("rasa-")]
    actions = [name for name in services if name.startswith("actions-")]
    assert len(rasa) >= 2
    assert len(actions) >= 2
    for name in [*rasa, *actions, "web"]:
        command = services[name]["command"]
        assert command[:5] == ["python", "-m", "bot", "serve", "--production"], name
    assert {services[name]["environment"]["ACTION_ENDPOINT_URL"] for name in rasa} == {
        f"http://{name}:5055/webhook" for name in actions
    }
    assert "python -m bot check --production" in services["setup"]["command"][-1]


def test_compose_takes_every_secret_from_the_environment() -> None:
    services = _load("compose.yaml")["services"]
    for name, service in services.items():
        for key, value in _compose_environment(service).items():
            assert "*" not in str(value), (name, key)
            if SECRET_NAME.search(key):
                assert FROM_ENVIRONMENT.fullmatch(str(value)), (name, key, value)
    assert FROM_ENVIRONMENT.fullmatch(services["web"]["environment"]["CORS_ORIGINS"])


def test_nginx_pins_socketio_and_spreads_the_webhooks() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    upstreams = dict(re.findall(r"upstream (\w+) \{([^}]*)\}", conf))
    locations = dict(re.findall(r"location (\S+) \{[^}]*?proxy_pass http://(\w+);", conf))
    services = _load("compose.yaml")["services"]
    rasa = {f"{name}:5005" for name in services if name.startswith("rasa-")}
    assert "ip_hash;" in upstreams[locations["/socket.io/"]]
    assert "ip_hash" not in upstreams[locations["/webhooks/"]]
    for upstream in (locations["/socket.io/"], locations["/webhooks/"]):
        assert set(re.findall(r"server (\S+?)[ ;]", upstreams[upstream])) == rasa
    assert "listen 443 ssl http2;" in conf


def test_helm_values_are_safe_and_run_the_production_profile() -> None:
    values = _load("helm-values.yaml")
    assert values["replicaCount"] >= 2
    assert values["rasa-action-server"]["replicaCount"] >= 2
    assert values["command"][:5] == ["python", "-m", "bot", "serve", "--production"]
    assert values["rasa-action-server"]["command"][-4:-2] == ["--only", "actions"]
    settings = values["applicationSettings"]
    assert settings["token"] == ""
    assert "*" not in settings["cors"]
    assert values["global"]["postgresql"]["postgresqlPassword"] == ""
    assert values["global"]["redis"]["password"] == ""
    environment = {variable["name"]: variable for variable in values["extraEnv"]}
    assert {"DATABASE_URL", "REDIS_HOST", "REDIS_PASSWORD", "RASA_API_TOKEN"} <= set(environment)
    for name, variable in environment.items():
        if SECRET_NAME.search(name) or name == "DATABASE_URL":
            assert "value" not in variable, name
            assert variable["valueFrom"]["secretKeyRef"]["name"] == "myositis-guide"
    assert "*" not in environment["CORS_ORIGINS"]["value"]
    assert values["ingress"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"


def _public_server(conf: str) -> str:
    start = conf.index("listen 443")
    return conf[start : conf.index("# Internal only", start)]


def test_nginx_publishes_only_the_channels_and_the_web_app() -> None:
    public = _public_server((DEPLOY / "nginx.conf").read_text())
    routes = dict(re.findall(r"location (?:= )?(\S+) \{[^}]*?proxy_pass http://(\w+);", public))
    to_rasa = {path for path, upstream in routes.items() if upstream != "web"}
    assert to_rasa == {"/socket.io/", "/webhooks/rest/", "/webhooks/"}
    assert routes["/"] == "web"


def test_nginx_replaces_forwarded_for_limits_per_address_and_caps_bodies() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    limited = dict(re.findall(r"location (?:= )?(\S+) \{[^}]*?limit_req zone=(\w+)", conf))
    assert {"/socket.io/", "/webhooks/rest/", "/api/history", "/console/signin"} <= set(limited)
    assert re.search(r"^\s*client_max_body_size 64k;", conf, re.MULTILINE)
    assert 'add_header Strict-Transport-Security "max-age=' in conf


def test_nginx_logs_no_query_string() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    formats = dict(re.findall(r"log_format (\w+) ((?:'[^']*'\s*)+);", conf))
    logs = re.findall(r"access_log (\S+) (\w+);", conf)
    assert logs, "nginx's default log format writes the query string, tokens included"
    for _path, name in logs:
        for variable in ("$request ", "$request_uri", "$args", "$query_string", "$arg_"):
            assert variable not in formats[name] + " ", (name, variable)


def test_compose_shares_the_rate_limits_and_trusts_one_proxy() -> None:
    services = _load("compose.yaml")["services"]
    for name in ("rasa-1", "rasa-2"):
        environment = _compose_environment(services[name])
        assert environment["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD:?"), name
    for name in ("rasa-1", "rasa-2", "web"):
        assert "CONSOLE_TRUST_FORWARDED_FOR" not in _compose_environment(services[name])
    assert _compose_environment(services["web"])["TRUSTED_PROXY_COUNT"] == "1"


def test_helm_ingress_publishes_only_the_channels_and_the_web_app() -> None:
    values = _load("helm-values.yaml")
    ingress = values["ingress"]
    # The chart sends `path` to the Rasa service; each extra path names its own backend.
    assert ingress["path"] == "/webhooks/"
    extra = {path["path"]: path["backend"]["service"]["name"] for path in ingress["extraPaths"]}
    assert extra == {"/socket.io/": "guide-rasa", "/": "guide-web"}
    assert int(ingress["annotations"]["nginx.ingress.kubernetes.io/limit-rps"]) > 0
    environment = {variable["name"]: variable for variable in values["extraEnv"]}
    assert environment["REDIS_URL"]["valueFrom"]["secretKeyRef"]["key"] == "redis-url"
    assert environment["TRUSTED_PROXY_COUNT"]["value"] == "1"


def test_compose_app_containers_drop_privileges() -> None:
    services = _load("compose.yaml")["services"]
    for name in ("setup", "actions-1", "rasa-1", "web"):
        assert services[name]["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in services[name]["security_opt"], name
        assert services[name]["read_only"] is True, name
        writable = {entry.split(":")[0] for entry in services[name]["tmpfs"]}
        assert writable == {"/tmp", "/app/var"}, name


def _part(command: list[str]) -> str:
    """The part a container runs, from its command (`--only <part>`, in the shell line too)."""
    found = re.search(r"--only (\w+)", " ".join(command))
    assert found, command
    return found.group(1)


def _secrets(names: Any) -> set[str]:
    return {name for name in names if SECRET_NAME.search(name) or name in HOLDS_SECRET}


def _assert_only_its_secrets(where: str, part: str, names: set[str]) -> None:
    given = _secrets(names)
    required = set(PART_SECRETS[part])
    assert required <= given, (where, required - given)
    extra = given - required - set(OPTIONAL_SECRETS.get(part, ()))
    assert not extra, (where, extra)


def test_compose_gives_each_container_only_its_parts_secrets() -> None:
    # A part started without one of these refuses to start (bot/parts.py, Stack.problems); any
    # other secret in its container is one a flaw in it could leak.
    services = _load("compose.yaml")["services"]
    parts = {name: _part(services[name]["command"]) for name in APP_SERVICES}
    assert parts == {
        "setup": SETUP,
        "actions-1": "actions",
        "actions-2": "actions",
        "rasa-1": "rasa",
        "rasa-2": "rasa",
        "web": "web",
    }
    for name, part in parts.items():
        environment = _compose_environment(services[name])
        _assert_only_its_secrets(name, part, set(environment) - {"DATABASE_URL"})
        # Each server logs in as its part's role; only the set-up job is the owner.
        database_url = environment["DATABASE_URL"]
        if part == SETUP:
            assert database_url.startswith("postgresql://myositis:${POSTGRES_PASSWORD:?")
        else:
            role = f"postgresql://guide_{part}:${{{DB_ROLE_PASSWORDS[part]}:?"
            assert database_url.startswith(role), name
    web = _compose_environment(services["web"])
    for secret in ("TELEGRAM_TOKEN", "TWILIO_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "REDIS_PASSWORD"):
        assert secret not in web
    assert "RASA_API_TOKEN" not in _compose_environment(services["actions-1"])
    assert "POSTGRES_PASSWORD" not in str(services["web"]) + str(services["rasa-1"])


def test_compose_setup_creates_the_roles_after_the_tables() -> None:
    command = _load("compose.yaml")["services"]["setup"]["command"][-1]
    steps = [step.strip() for step in command.split("&&")]
    assert steps == [
        "python -m bot check --production --only setup",
        "python -m bot kb load",
        "python -m bot db migrate",
        "python -m bot db roles",
    ]


def test_every_channel_secret_is_an_optional_secret_of_rasa() -> None:
    channels = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    assert _secrets(variables(channels)) <= set(OPTIONAL_SECRETS["rasa"])


def test_helm_gives_each_pod_only_its_parts_secrets() -> None:
    values = _load("helm-values.yaml")
    pods = {
        "rasa": (values["command"], values["extraEnv"]),
        "actions": (
            values["rasa-action-server"]["command"],
            values["rasa-action-server"]["extraEnv"],
        ),
        SETUP: (values["initContainers"][0]["command"], values["initContainers"][0]["env"]),
    }
    for part, (command, environment) in pods.items():
        assert _part(command) == part
        names = {variable["name"] for variable in environment}
        _assert_only_its_secrets(part, part, names - {"DATABASE_URL"})
        (database_url,) = [v for v in environment if v["name"] == "DATABASE_URL"]
        key = "database-url" if part == SETUP else f"database-url-{part}"
        assert database_url["valueFrom"]["secretKeyRef"]["key"] == key


def _redis_command() -> list[str]:
    command: list[str] = _load("compose.yaml")["services"]["redis"]["command"]
    return command


def test_compose_puts_no_redis_password_into_an_argument() -> None:
    # Compose replaces ${VAR} and $VAR in a command before starting it, so `docker inspect` would
    # show the value; `$$` reaches the container's shell as a plain `$`.
    for argument in _redis_command():
        assert not re.search(r"(?<!\$)\$\{?REDIS_PASSWORD", argument), argument
        assert "--requirepass" not in argument


def test_redis_started_as_compose_does_needs_the_password_it_never_shows(tmp_path: Path) -> None:
    server = shutil.which("redis-server")
    if server is None:
        skip_or_fail("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    password = secrets.token_hex(24)
    # What the container's shell receives: compose turns `$$` into `$`. Only the address changes.
    script = _redis_command()[-1].replace("$$", "$")
    assert "--appendonly no" in script
    script = script.replace("--appendonly no", f"--appendonly no --port {port} --bind 127.0.0.1")
    process = subprocess.Popen(
        [*_redis_command()[:-1], script],
        env={"PATH": os.environ["PATH"], "REDIS_PASSWORD": password},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        anonymous = redis.Redis(port=port, socket_timeout=5, retry_on_timeout=False)
        deadline = time.monotonic() + 20
        while True:
            try:
                anonymous.ping()
            except redis.AuthenticationError:
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        assert redis.Redis(port=port, password=password, socket_timeout=5).ping()
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode()
        assert "redis-server" in command_line  # exec: redis-server is the process compose stops
        assert password not in command_line
    finally:
        process.terminate()
        process.wait(10)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A loader that refuses a key given twice (PyYAML keeps the last; Helm and kubectl fail)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [
            self.construct_object(key, deep=deep)
            for key, _value in node.value
            if key.tag != "tag:yaml.org,2002:merge"  # compose's `<<: *anchor`
        ]
        repeated = {key for key in keys if keys.count(key) > 1}
        assert not repeated, f"line {node.start_mark.line + 1}: {repeated} given twice"
        return super().construct_mapping(node, deep=deep)


def test_no_deployment_file_gives_a_key_twice() -> None:
    for name in ("compose.yaml", "helm-values.yaml", "k8s-web.yaml"):
        list(yaml.load_all((DEPLOY / name).read_text(), Loader=_UniqueKeyLoader))


def _manifests() -> dict[tuple[str, str], dict[str, Any]]:
    documents = yaml.safe_load_all((DEPLOY / "k8s-web.yaml").read_text())
    return {(d["kind"], d["metadata"]["name"]): d for d in documents}


def test_the_web_deployment_gets_only_the_web_secrets_and_its_own_role() -> None:
    manifests = _manifests()
    deployment = manifests[("Deployment", "guide-web")]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert _part(container["command"]) == "web"
    environment = {variable["name"]: variable for variable in container["env"]}
    _assert_only_its_secrets("k8s web", "web", set(environment) - {"DATABASE_URL"})
    database = environment["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"]
    assert database == "database-url-web"
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/tmp", "/app/var"}
    # The Service the ingress sends / to selects these pods.
    service = manifests[("Service", "guide-web")]
    assert service["spec"]["selector"] == deployment["spec"]["template"]["metadata"]["labels"]


def _allowed_sources(policy: dict[str, Any]) -> list[dict[str, Any]]:
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    return [source for rule in policy["spec"]["ingress"] for source in rule["from"]]


def test_network_policies_keep_rasas_api_and_the_action_servers_internal() -> None:
    policies = {
        d["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]: d
        for (kind, _name), d in _manifests().items()
        if kind == "NetworkPolicy"
    }
    ingress_controller = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}
    }
    web = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "guide-web"}}}
    rasa = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "rasa"}}}
    assert _allowed_sources(policies["rasa"]) == [ingress_controller, web]
    assert _allowed_sources(policies["rasa-action-server"]) == [rasa]
    assert _allowed_sources(policies["guide-web"]) == [ingress_controller]
