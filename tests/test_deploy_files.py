"""The deployment files: every part present, safe settings, no secret written in them."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "docs" / "deploy"
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|SID")
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
        database_url = _compose_environment(service).get("DATABASE_URL")
        if database_url:
            assert "${POSTGRES_PASSWORD:?" in database_url
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
    assert "listen 443 ssl;" in conf


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
