"""What a workload is, from its command, args, env, image and mounted config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from koku_gap.model.graph import Role, RoleKind
from koku_gap.sources.roles import (
    RoleInput,
    detect_role,
    distinguishing_switches,
    expand,
    http_subcommand,
    image_family,
    make_lookup,
    role_purpose,
    simple_commands,
    with_switches,
)

APP_IMAGE = "quay.io/example/shop:1.0"


def role(
    command: Sequence[str] = (),
    args: Sequence[str] = (),
    *,
    env: Mapping[str, str | None] | None = None,
    params: Mapping[str, str | None] | None = None,
    image: str | None = APP_IMAGE,
    config: str = "",
    http: bool = False,
) -> Role:
    return detect_role(
        RoleInput(
            command=list(command),
            args=list(args),
            env=dict(env or {}),
            image=image,
            params=dict(params or {}),
            config_text=config,
            serves_http=http,
        )
    )


def sh(script: str) -> list[str]:
    return ["/bin/sh", "-c", script]


# --- celery ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["celery", "-A", "shop", "worker", "-Q", "a,b"],
        ["celery", "-A", "shop", "worker", "--queues", "a,b"],
        ["celery", "-A", "shop", "worker", "--queues=a,b"],
        ["celery", "-A", "shop", "worker", "-Qa,b"],
        ["celery", "--app=shop", "worker", "-l", "info", "-Q", "a, b,"],
        ["python", "-m", "celery", "-A", "shop", "worker", "-Q", "a,b"],
        ["python3", "-u", "-m", "celery", "-A", "shop", "worker", "-Q", "a,b"],
        sh("exec celery -A shop worker -Q a,b"),
        sh("PYTHONPATH=/app celery -A shop worker -E -Q a,b 2>&1"),
        # project runners in front of the command: `<runner> run <command...>`
        ["uv", "run", "celery", "-A", "shop", "worker", "-Q", "a,b"],
        ["/usr/local/bin/uv", "run", "celery", "-A", "shop", "worker", "-Q", "a,b"],
        sh("exec uv run celery -A shop worker -Q a,b"),
        ["poetry", "run", "celery", "-A", "shop", "worker", "-Q", "a,b"],
        ["pipenv", "run", "celery", "-A", "shop", "worker", "-Q", "a,b"],
    ],
)
def test_celery_worker_queue_options(argv: list[str]) -> None:
    found = role(argv)
    assert found.kind is RoleKind.CELERY_WORKER
    assert found.queues == ("a", "b")
    assert found.command == "celery worker"


@pytest.mark.parametrize(
    ("script", "env", "params", "queues"),
    [
        ("celery -A x worker -Q $WORKER_QUEUES", {"WORKER_QUEUES": "ocp_xl"}, {}, ("ocp_xl",)),
        ("celery -A x worker -Q ${WORKER_QUEUES}", {"WORKER_QUEUES": "a,b"}, {}, ("a", "b")),
        ("celery -A x worker -Q ${WORKER_QUEUES:-fallback}", {}, {}, ("fallback",)),
        ("celery -A x worker -Q ${WORKER_QUEUES:-fallback}", {"WORKER_QUEUES": ""}, {}, ("fallback",)),
        ("celery -A x worker -Q ${WORKER_QUEUES:-fallback}", {"WORKER_QUEUES": "set"}, {}, ("set",)),
        # not in the container env: the template parameter of the same name
        ("celery -A x worker -Q $WORKER_QUEUES", {}, {"WORKER_QUEUES": "from_param"}, ("from_param",)),
        # env first, then parameters
        ("celery -A x worker -Q $WORKER_QUEUES", {"WORKER_QUEUES": "env"}, {"WORKER_QUEUES": "p"}, ("env",)),
        # two hops: env refers to another variable
        ("celery -A x worker -Q $WORKER_QUEUES", {"WORKER_QUEUES": "${Q2}"}, {"Q2": "deep"}, ("deep",)),
        # Kubernetes' own $(VAR) syntax
        ("celery -A x worker -Q $(WORKER_QUEUES)", {"WORKER_QUEUES": "k8s"}, {}, ("k8s",)),
    ],
)
def test_celery_queue_variables(
    script: str, env: dict[str, str], params: dict[str, str], queues: tuple[str, ...]
) -> None:
    found = role(sh(script), env=env, params=params)
    assert found.kind is RoleKind.CELERY_WORKER
    assert found.queues == queues


def test_unresolved_queue_variable_is_kept_as_written() -> None:
    assert role(sh("celery -A x worker -Q $WORKER_QUEUES")).queues == ("$WORKER_QUEUES",)


def test_celery_default_queue() -> None:
    found = role(sh("celery -A shop worker -l info"))
    assert found.kind is RoleKind.CELERY_WORKER
    assert found.queues == ("celery",)
    assert any("default queue" in e for e in found.evidence)


def test_celery_worker_with_embedded_beat() -> None:
    found = role(["celery", "-A", "shop", "worker", "-B"])
    assert found.kind is RoleKind.CELERY_WORKER
    assert "celery-embedded-beat" in found.switches


def test_a_queue_named_beat_does_not_make_a_beat() -> None:
    found = role(["celery", "-A", "shop", "worker", "-Q", "beat"])
    assert found.kind is RoleKind.CELERY_WORKER
    assert found.queues == ("beat",)


@pytest.mark.parametrize(
    "argv",
    [
        ["celery", "-A", "shop", "beat", "-l", "info"],
        sh("# Start Celery Beat\ncd $APP_HOME\nPYTHONPATH=$APP_HOME celery -A shop beat -l ${LEVEL:-info}\n"),
        ["/bin/bash", "-c", "PYTHONPATH=${APP_HOME} celery -A shop beat -l $CELERY_LOG_LEVEL\n"],
    ],
)
def test_celery_beat(argv: list[str]) -> None:
    # a WORKER_QUEUES env does not make a beat a worker
    found = role(argv, env={"WORKER_QUEUES": "a,b,c"})
    assert found.kind is RoleKind.CELERY_BEAT
    assert found.queues == ()


def test_other_celery_commands_are_not_workers() -> None:
    assert role(["celery", "-A", "shop", "flower"]).kind is RoleKind.UNKNOWN


# --- web servers, Django, migrations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["gunicorn", "shop.wsgi", "--bind=0.0.0.0:8000"], "gunicorn"),
        (["/bin/bash", "-c", "cd $APP_HOME\nexec gunicorn -c gunicorn_conf.py shop.wsgi"], "gunicorn"),
        (["uvicorn", "shop.asgi:app"], "uvicorn"),
        (["python", "-m", "gunicorn", "shop.wsgi"], "gunicorn"),
        (["python", "manage.py", "runserver", "0.0.0.0:8000"], "runserver"),
    ],
)
def test_web_api(argv: list[str], command: str) -> None:
    found = role(argv)
    assert found.kind is RoleKind.WEB_API
    assert found.command == command


def test_image_entrypoint_behind_a_web_service_is_a_web_api() -> None:
    assert role(http=True).kind is RoleKind.WEB_API
    assert role().kind is RoleKind.UNKNOWN


@pytest.mark.parametrize(
    ("argv", "kind", "command"),
    [
        (["/bin/bash", "-c", "python koku/manage.py listener"], RoleKind.KAFKA_CONSUMER, "listener"),
        (["python", "manage.py", "sources_listener"], RoleKind.KAFKA_CONSUMER, "sources_listener"),
        (["python", "./manage.py", "listen_to_sources"], RoleKind.KAFKA_CONSUMER, "listen_to_sources"),
        (["python", "manage.py", "migrate", "--noinput"], RoleKind.MIGRATION, "migrate"),
        (
            ["python", "manage.py", "--settings=x", "clearsessions"],
            RoleKind.MANAGEMENT_COMMAND,
            "clearsessions",
        ),
        (["django-admin", "migrate"], RoleKind.MIGRATION, "migrate"),
        (["pipenv", "run", "python", "manage.py", "listener"], RoleKind.KAFKA_CONSUMER, "listener"),
        (
            ["scl", "enable", "rh-python38", "--", "python", "manage.py", "migrate"],
            RoleKind.MIGRATION,
            "migrate",
        ),
    ],
)
def test_django_management_commands(argv: list[str], kind: RoleKind, command: str) -> None:
    found = role(argv)
    assert found.kind is kind
    assert found.command == command


@pytest.mark.parametrize(
    "argv",
    [
        ["/bin/bash", "-c", "$APP_ROOT/scripts/run_migrations.sh"],
        ["./scripts/run_migrations.sh"],
        ["bash", "/opt/app/db_migrate.sh"],
        ["alembic", "upgrade", "head"],
        ["flyway", "migrate"],
        ["/flyway/flyway", "-url=jdbc:postgresql://db/x", "migrate"],
        ["liquibase", "update"],
        ["sh", "-c", "./rosocp db migrate up"],
        ["./app", "migrate"],
    ],
)
def test_migrations(argv: list[str]) -> None:
    assert role(argv).kind is RoleKind.MIGRATION


def test_binary_subcommand() -> None:
    found = role(["sh", "-c", "./rosocp start processor"])
    assert found.kind is RoleKind.SUBCOMMAND
    assert found.command is not None and found.command.startswith("rosocp start processor")
    assert found.image_family == "shop"


def test_subcommand_with_options_in_args() -> None:
    found = role(["sh"], ["-c", "export DB_CONFIG_FILE=/tmp/c.json && /home/app/bin/RetentionPartition"])
    assert found.kind is RoleKind.SUBCOMMAND
    assert found.command == "RetentionPartition"


def test_script_that_migrates_then_starts() -> None:
    found = role(["sh", "-c"], ["./rosocp db migrate up && ./rosocp start api"])
    assert found.kind is RoleKind.SUBCOMMAND
    assert found.also == ("migration",)
    newline_separated = role(["sh", "-c"], ["./rosocp db migrate up\n./rosocp start api\n"])
    assert newline_separated.also == ("migration",)
    django = role(sh("python manage.py migrate --noinput && exec gunicorn shop.wsgi"))
    assert django.kind is RoleKind.WEB_API
    assert django.also == ("migration",)


def test_a_migration_alone_has_no_also() -> None:
    assert role(sh("./rosocp db migrate up")).also == ()


# --- shell scripts -----------------------------------------------------------------------------


def test_multi_line_script_with_comments_and_echo() -> None:
    script = (
        "# NOTE: migrations run in their own job\n"
        "# celery -A shop beat   <- commented out, must not count\n"
        "echo 'Waiting for Kafka...'\n"
        'echo "python manage.py migrate"\n'
        "sleep 60\n"
        "set -e\n"
        "cd $APP_HOME  # go home\n"
        "exec python manage.py listener\n"
    )
    found = role(["/bin/bash", "-c", script])
    assert found.kind is RoleKind.KAFKA_CONSUMER
    assert found.also == ()


def test_script_lines_joined_by_backslash() -> None:
    found = role(sh("celery -A shop worker \\\n  -l info \\\n  -Q one,two\n"))
    assert found.queues == ("one", "two")


def test_shell_keywords_and_redirections() -> None:
    script = (
        "until (echo > /dev/tcp/$DB_HOST/5432) 2>/dev/null; do\n"
        "  echo waiting; sleep 2\n"
        "done\n"
        "if ! python manage.py migrate --noinput; then exit 1; fi\n"
    )
    found = role(["bash", "-c", script])
    assert found.kind is RoleKind.MIGRATION
    assert found.command == "migrate"


def test_loop_body_is_understood() -> None:
    found = role(sh("while true; do python manage.py sources_listener; sleep 5; done"))
    assert found.kind is RoleKind.KAFKA_CONSUMER


def test_python_heredoc_with_call_command() -> None:
    script = (
        "set -e\n"
        "cd /opt/shop\n"
        "python - <<'PYEOF'\n"
        "import django\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', '--noinput')\n"
        "PYEOF\n"
        "echo done\n"
    )
    found = role(["bash", "-c", script])
    assert found.kind is RoleKind.MIGRATION
    assert found.command == "migrate"


def test_python_inline_code() -> None:
    found = role(["python", "-c", "from django.core.management import call_command; call_command('migrate')"])
    assert found.kind is RoleKind.MIGRATION


def test_here_string_is_not_a_heredoc() -> None:
    found = role(sh('cat <<< "$CONFIG" > /tmp/c\nexec celery -A shop worker -Q x'))
    assert found.kind is RoleKind.CELERY_WORKER
    assert found.queues == ("x",)


def test_hash_inside_a_word_is_not_a_comment() -> None:
    found = role(sh("celery -A shop worker -Q ${QUEUES#prefix-}"), env={})
    assert found.kind is RoleKind.CELERY_WORKER


def test_shell_option_clusters() -> None:
    assert role(["bash", "-ec", "exec gunicorn shop.wsgi"]).kind is RoleKind.WEB_API
    assert role(["bash", "--norc", "-c", "exec gunicorn shop.wsgi"]).kind is RoleKind.WEB_API


def test_script_file_without_dash_c() -> None:
    found = role(["bash", "/scripts/run_migrations.sh"])
    assert found.kind is RoleKind.MIGRATION


def test_whole_command_in_a_variable() -> None:
    assert role(["/bin/bash", "-c", "${MGMT_COMMAND}"]).kind is RoleKind.AD_HOC_COMMAND
    resolved = role(
        ["/bin/bash", "-c", "${MGMT_COMMAND}"], params={"MGMT_COMMAND": "python manage.py migrate"}
    )
    assert resolved.kind is RoleKind.MIGRATION


def test_only_skipped_commands_is_unknown() -> None:
    assert role(sh("echo hello\nsleep infinity")).kind is RoleKind.UNKNOWN


def test_simple_commands_unwraps_scripts() -> None:
    assert list(simple_commands(["sh", "-c", "a 1; b 2 && c | d"])) == [["a", "1"], ["b", "2"], ["c"], ["d"]]
    assert list(simple_commands(["gunicorn", "x"])) == [["gunicorn", "x"]]
    assert list(simple_commands([])) == []


# --- proxies and static web ----------------------------------------------------------------------

NGINX_DAEMON = ["nginx", "-g", "daemon off;"]


def test_nginx_from_an_nginx_image_is_a_reverse_proxy() -> None:
    found = role(NGINX_DAEMON, image="registry.access.redhat.com/ubi9/nginx-124:latest")
    assert found.kind is RoleKind.REVERSE_PROXY
    assert found.image_family == "nginx-124"


def test_nginx_from_an_app_ui_image_is_static_web() -> None:
    config = "location / { root /srv; }\nlocation /api/ { proxy_pass http://gateway:80; }"
    found = role(NGINX_DAEMON, image="quay.io/example/shop-ui:2.0", config=config)
    assert found.kind is RoleKind.STATIC_WEB
    assert found.image_family == "shop-ui"


def test_nginx_in_a_script_with_a_parameter_image() -> None:
    found = role(
        sh('nginx -g "daemon off;"'),
        image="${NGINX_IMAGE}:${NGINX_IMAGE_TAG}",
        params={"NGINX_IMAGE": "quay.io/x/nginx", "NGINX_IMAGE_TAG": "1"},
    )
    assert found.kind is RoleKind.REVERSE_PROXY


def test_nginx_with_unknown_image_and_proxying_config() -> None:
    found = role(NGINX_DAEMON, image=None, config="location / { proxy_pass http://api:8000; }")
    assert found.kind is RoleKind.REVERSE_PROXY


@pytest.mark.parametrize(
    ("command", "args", "image"),
    [
        (["/usr/local/bin/envoy"], ["-c", "/etc/envoy/envoy.yaml"], "registry.example.com/mesh/proxyv2:2.6"),
        ([], ["-c", "/etc/envoy/envoy.yaml"], "docker.io/envoyproxy/envoy:v1.30"),  # args to the image
        ([], ["--provider=oidc", "--upstream=http://localhost:8080"], "quay.io/oauth2-proxy/oauth2-proxy:v7"),
        (["haproxy", "-f", "/etc/haproxy.cfg"], [], "haproxy:2.8"),
        ([], [], "docker.io/library/nginx:1.25"),
    ],
)
def test_reverse_proxies(command: list[str], args: list[str], image: str) -> None:
    assert role(command, args, image=image).kind is RoleKind.REVERSE_PROXY


# --- infrastructure by image -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "command", "kind"),
    [
        ("quay.io/example/postgresql:16", [], RoleKind.DATABASE),
        ("registry.redhat.io/rhel9/postgresql-16:latest", ["run-postgresql"], RoleKind.DATABASE),
        ("docker.io/library/redis:7", ["redis-server"], RoleKind.CACHE),
        ("registry.redhat.io/rhel10/valkey-8:latest", ["valkey-server", "--port", "6379"], RoleKind.CACHE),
        ("quay.io/strimzi/kafka:0.40.0-kafka-3.7.0", [], RoleKind.KAFKA),
        ("quay.io/example/trino:latest", [], RoleKind.QUERY_ENGINE),
        (
            "quay.io/example/hive-metastore:3.1",
            ["/opt/hive/bin/hive", "--service", "metastore"],
            RoleKind.METASTORE,
        ),
        ("quay.io/minio/minio:latest", ["minio", "server", "/data"], RoleKind.OBJECT_STORE),
    ],
)
def test_infrastructure_images(image: str, command: list[str], kind: RoleKind) -> None:
    found = role(command, image=image)
    assert found.kind is kind
    assert any("image" in e for e in found.evidence)


def test_an_app_role_beats_the_image_name() -> None:
    # a celery worker in an image whose name mentions kafka is still a celery worker
    found = role(["celery", "-A", "x", "worker"], image="quay.io/example/kafka-tools:1")
    assert found.kind is RoleKind.CELERY_WORKER


# --- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "family"),
    [
        ("quay.io/org/koku:tag", "koku"),
        ("localhost:5000/org/App:1", "app"),
        ("img@sha256:abcd", "img"),
        ("${IMAGE}:${IMAGE_TAG}", None),
        ("", None),
        (None, None),
    ],
)
def test_image_family(image: str | None, family: str | None) -> None:
    assert image_family(image) == family


def test_expand() -> None:
    lookup = make_lookup({"A": "1", "E": ""}, {"B": "2", "A": "param"})
    assert expand("$A ${B} $(A) ${C:-3} ${E:-4} ${E-5} $C", lookup) == "1 2 1 3 4  $C"
    assert expand("no vars", lookup) == "no vars"
    loop = make_lookup({"X": "$X"}, {})
    assert expand("$X", loop) == "$X"  # self-reference terminates


def test_distinguishing_switches() -> None:
    envs = [{"MASU": "true", "COMMON": "true"}] + [{"COMMON": "True", "SOURCES": "no"}] * 5
    envs.append({"SOURCES": "1", "COMMON": "yes"})
    switches = distinguishing_switches(envs)
    assert switches[0] == ("MASU=true",)
    assert switches[1] == ()
    assert switches[-1] == ("SOURCES=true",)


def test_with_switches() -> None:
    base = Role(kind=RoleKind.WEB_API, switches=("A=true",))
    assert with_switches(base, ["A=true"]) is base
    assert with_switches(base, ["B=true"]).switches == ("A=true", "B=true")


# --- subcommands serving HTTP -------------------------------------------------------------------------------

ROS_IMAGE = "quay.io/x/ros:1"


def test_a_subcommand_serving_http_is_a_web_api_that_keeps_its_command() -> None:
    api = role(["./rosocp", "start", "api"], http=True, image=ROS_IMAGE)
    assert (api.kind, api.command) == (RoleKind.WEB_API, "rosocp start api")
    assert "serves HTTP (a web service or an http port)" in api.evidence
    assert http_subcommand(api)
    assert role_purpose(api) == "runs rosocp start api and serves HTTP"
    worker = role(["./rosocp", "start", "processor"], http=False, image=ROS_IMAGE)
    assert (worker.kind, worker.command) == (RoleKind.SUBCOMMAND, "rosocp start processor")
    assert not http_subcommand(role(["gunicorn", "app.wsgi"], http=True, image=ROS_IMAGE))


def test_migrations_run_first_are_kept_on_an_http_subcommand() -> None:
    api = role(["/bin/bash", "-c", "./rosocp db migrate up\n./rosocp start api"], http=True, image=ROS_IMAGE)
    assert (api.kind, api.also) == (RoleKind.WEB_API, ("migration",))


def test_a_count_is_a_setting_not_a_switch() -> None:
    envs: list[dict[str, str | None]] = [
        {"GUNICORN_WORKERS": "4"},
        {"GUNICORN_WORKERS": "1", "MASU": "true"},
        {"MASU": "false"},
        {},
    ]
    assert distinguishing_switches(envs) == [(), ("MASU=true",), (), ()]
