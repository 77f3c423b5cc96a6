"""What a workload *is*, read from its command, args, env, image and mounted config.

Knows Celery, Django, common web servers, proxies, migration tools and infrastructure images;
knows nothing about any particular application. Shell scripts (``sh -c``) are read line by line,
comments and ``echo`` skipped, and ``$VAR`` / ``${VAR}`` / ``${VAR:-x}`` / ``$(VAR)`` resolved through
the container's env and then the template parameters.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from koku_gap.model.graph import Role, RoleKind
from koku_gap.model.vocabulary import ROLES

Lookup = Callable[[str], str | None]

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
INTERPRETERS = frozenset(
    {"python", "python3", "python3.11", "python3.12", "python3.9", "node", "java", "ruby"}
)
PREFIX_COMMANDS = frozenset(
    {"exec", "env", "nohup", "time", "dumb-init", "tini", "--", "scl", "pipenv", "poetry", "uv"}
)
WEB_SERVERS = frozenset({"gunicorn", "uvicorn", "daphne", "hypercorn", "waitress-serve", "uwsgi"})
PROXIES = frozenset(
    {
        "nginx",
        "envoy",
        "haproxy",
        "caddy",
        "traefik",
        "openresty",
        "oauth2-proxy",
        "oauth-proxy",
        "kube-rbac-proxy",
    }
)
SKIP_COMMANDS = frozenset(
    {
        "echo",
        "printf",
        "set",
        "export",
        "cd",
        "sleep",
        "true",
        ":",
        "mkdir",
        "cp",
        "mv",
        "rm",
        "cat",
        "ls",
        "test",
        "[",
        "[[",
        "if",
        "then",
        "else",
        "fi",
        "do",
        "done",
        "for",
        "while",
        "trap",
        "wait",
        "source",
        ".",
        "chmod",
        "chown",
        "ln",
        "touch",
        "until",
        "curl",
        "wget",
        "pg_isready",
        "nc",
        "timeout",
        "update-ca-trust",
        "openssl",
        "awk",
        "sed",
        "grep",
        "tee",
        "envsubst",
        "unset",
        "local",
        "return",
        "exit",
        "shift",
        "read",
        "case",
        "esac",
        "function",
        "{",
        "}",
        "break",
        "continue",
        "elif",
        "jq",
        "base64",
        "find",
        "head",
        "tail",
        "xargs",
        "sort",
        "cut",
        "tr",
        "date",
        "id",
        "whoami",
        "env",
    }
)
MIGRATION_SCRIPT = re.compile(r"(^|/)(run_)?(db_?)?migrat\w*\.(sh|py)$")
CONSUMER_WORDS = re.compile(r"listen|consum|kafka", re.IGNORECASE)
MIGRATE_WORDS = re.compile(r"^(migrate|migrations?|upgrade)$")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
SHELL_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
SHELL_VAR = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-=+?])?(?P<default>[^}]*)\}|"
    r"\((?P<k8s>[A-Za-z_][A-Za-z0-9_]*)\)|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)

INFRA_IMAGES: tuple[tuple[re.Pattern[str], RoleKind], ...] = (
    (re.compile(r"hive|metastore"), RoleKind.METASTORE),
    (re.compile(r"postgres|postgresql|mysql|mariadb|pgbouncer"), RoleKind.DATABASE),
    (re.compile(r"redis|valkey|memcached|keydb"), RoleKind.CACHE),
    (re.compile(r"kafka|strimzi|redpanda|zookeeper"), RoleKind.KAFKA),
    (re.compile(r"trino|presto|starburst"), RoleKind.QUERY_ENGINE),
    (re.compile(r"minio|seaweedfs|ceph|noobaa|^mc$"), RoleKind.OBJECT_STORE),
)


def image_family(image: str | None) -> str | None:
    """``quay.io/org/koku:tag`` -> ``koku``; None when the image is still a template parameter."""
    if not image or "${" in image.split("/")[-1].split(":")[0]:
        return None
    name = image.split("@")[0]
    last = name.rsplit("/", 1)[-1]
    base = last.split(":")[0]
    return base.lower() or None


def expand(text: str, lookup: Lookup, depth: int = 0) -> str:
    """Expand shell and Kubernetes variable references; unknown ones stay as written."""
    if "$" not in text or depth > 5:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("k8s") or match.group("plain")
        value = lookup(name)
        op = match.group("op")
        if op in (":-", "-") and (value is None or (op == ":-" and value == "")):
            value = match.group("default")
        if value is None:
            return match.group(0)
        return expand(value, lookup, depth + 1)

    return SHELL_VAR.sub(replace, text)


def make_lookup(env: Mapping[str, str | None], params: Mapping[str, str | None]) -> Lookup:
    """Container env first, then template parameters: what the shell would see at run time."""

    def lookup(name: str) -> str | None:
        if name in env:
            return env[name]
        return params.get(name)

    return lookup


@dataclass
class RoleInput:
    """All we know about one container that helps tell its role."""

    command: Sequence[str]
    args: Sequence[str]
    env: Mapping[str, str | None]
    image: str | None
    params: Mapping[str, str | None]
    config_text: str = ""  # text of ConfigMaps mounted into the pod (nginx.conf, envoy.yaml)
    serves_http: bool = False  # Clowder webServices, or a named http container port


def detect_role(inp: RoleInput) -> Role:
    """The role of one container, with the evidence that supports it.

    A script may run several things (``migrate up`` then ``start api``): the last recognised command
    is what the container *is*; earlier migrations are kept in ``also``.
    """
    lookup = make_lookup(inp.env, inp.params)
    family = image_family(expand(inp.image or "", lookup) or None)
    argv = [_kubernetes_expand(word, inp.env) for word in [*inp.command, *inp.args]]
    found = [
        r for words in simple_commands(argv) if (r := _role_of_words(words, lookup, family, inp)) is not None
    ]
    role = found[-1] if found else None
    infra = _infra_of_image(family)
    if infra is not None and (role is None or role.kind in (RoleKind.SUBCOMMAND, RoleKind.UNKNOWN)):
        evidence = (f"{family} image", *(role.evidence if role else ()))
        role = Role(
            kind=infra, command=role.command if role else None, image_family=family, evidence=evidence
        )
    if role is None:
        role = _role_of_image(family, argv, inp)
    if role.kind == RoleKind.SUBCOMMAND and inp.serves_http:
        role = _serving(role)
    earlier = tuple(dict.fromkeys(r.kind.value for r in found[:-1] if r.kind == RoleKind.MIGRATION))
    if earlier and role.kind != RoleKind.MIGRATION:
        role = role.model_copy(
            update={"also": earlier, "evidence": (*role.evidence, "runs migrations first")}
        )
    return role


DJANGO_SERVERS = frozenset({"runserver", "runserver_plus"})


def _serving(role: Role) -> Role:
    """A subcommand that serves HTTP (a Clowder web service, or a named http port) is the web API; the
    subcommand stays its command, so two workloads running the same one still pair on it."""
    return role.model_copy(
        update={
            "kind": RoleKind.WEB_API,
            "evidence": (*role.evidence, "serves HTTP (a web service or an http port)"),
        }
    )


def http_subcommand(role: Role) -> bool:
    """Whether a web API runs a binary's own subcommand (``rosocp start api``), not a generic web server
    (gunicorn, ``manage.py runserver``): then the command says which API it is."""
    return (
        role.kind == RoleKind.WEB_API
        and role.command is not None
        and role.command not in WEB_SERVERS
        and role.command not in DJANGO_SERVERS
    )


K8S_VAR = re.compile(r"(?<!\$)\$\((?P<name>[A-Za-z_][A-Za-z0-9_]*)\)")


def _kubernetes_expand(word: str, env: Mapping[str, str | None]) -> str:
    """Kubernetes replaces ``$(VAR)`` in command and args with the container's env before a shell runs."""
    if "$(" not in word:
        return word

    def replace(match: re.Match[str]) -> str:
        value = env.get(match.group("name"))
        return match.group(0) if value is None else value

    return K8S_VAR.sub(replace, word)


def simple_commands(argv: Sequence[str]) -> Iterable[list[str]]:
    """The simple commands an argv runs, unwrapping ``sh -c 'script'`` into its lines."""
    if not argv:
        return
    first = _basename(argv[0])
    if first in SHELLS:
        script_index = next((i for i, a in enumerate(argv[1:], 1) if SHELL_C_OPTION.match(a)), None)
        if script_index is not None and script_index + 1 < len(argv):
            yield from _script_commands(argv[script_index + 1])
            return
        scripts = [a for a in argv[1:] if not a.startswith("-")]
        if scripts:
            yield [scripts[0], *scripts[1:]]
        return
    yield list(argv)


def _script_commands(script: str) -> Iterable[list[str]]:
    joined = re.sub(r"\\\n", " ", script)
    lines = joined.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        heredoc = HEREDOC.search(line)
        body: list[str] = []
        if heredoc:
            end = heredoc.group("tag")
            while index < len(lines) and lines[index].strip() != end:
                body.append(lines[index])
                index += 1
            index += 1
            line = line[: heredoc.start()]
        words: list[str] = []
        redirect = False
        for token in _tokens(line):
            if token.startswith("#"):
                break  # a comment runs to the end of the line (`#` inside a word, as in ${X#y}, does not)
            if redirect:
                redirect = False
            elif token in REDIRECTS:
                redirect = True
                if words and words[-1].isdigit():
                    words.pop()  # the file descriptor of `2>/dev/null`, not an argument
            elif token in OPERATORS:
                if words:
                    yield words
                words = []
            else:
                words.append(token)
        if heredoc and words:
            words = [*words, HEREDOC_MARK, "\n".join(body)]
        if words:
            yield words


HEREDOC = re.compile(r"(?<!<)<<-?(?!<)\s*['\"]?(?P<tag>[A-Za-z_][A-Za-z0-9_]*)['\"]?")
SHELL_C_OPTION = re.compile(r"^-[A-Za-z]*c[A-Za-z]*$")  # -c, -ec, -xc: the next argument is the script
HEREDOC_MARK = "<<heredoc>>"
REDIRECTS = frozenset({">", ">>", "<", "2>", "&>", ">&", "2>&1", "<<<"})
CALL_COMMAND = re.compile(r"call_command\(\s*['\"](?P<command>[\w-]+)['\"]")
OPERATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;", "|&"})


@functools.lru_cache(maxsize=4096)  # siblings run the same script lines: shlex reads one character a call
def _tokens(line: str) -> tuple[str, ...]:
    """Shell words and operators of one line, quotes respected; a broken quote falls back to spaces."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = ""  # shlex would cut `${X#y}` at the '#'; comments are handled by the caller
    try:
        return tuple(lexer)
    except ValueError:
        return tuple(line.split())


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _strip_prefix(words: list[str]) -> list[str]:
    """Drop what stands before the real command: ``VAR=x`` assignments, wrappers like ``exec``/``env``,
    ``pipenv run``, ``scl enable <collection>``, and shell keywords (``if``, ``then``, ``do``, ``!``)."""
    i = 0
    while i < len(words):
        word = words[i]
        base = _basename(word)
        if ASSIGNMENT.match(word) or base in PREFIX_COMMANDS or word in SHELL_KEYWORDS:
            i += 1
            if base in ("pipenv", "poetry", "uv") and words[i : i + 1] == ["run"]:
                i += 1
            elif base == "scl" and words[i : i + 1] == ["enable"]:
                i += 2  # `scl enable <collection> <command...>` (or `-- <command...>`, skipped next)
        else:
            break
    return words[i:]


def _role_of_words(words: list[str], lookup: Lookup, family: str | None, inp: RoleInput) -> Role | None:
    words = _strip_prefix(words)
    if not words:
        return None
    head = _basename(words[0])
    if head in SKIP_COMMANDS or head.startswith("-"):
        return None  # a skipped command, or options (args given to an image's own entrypoint)
    rest = words[1:]
    if head in SHELLS:
        inner = [
            r for w in simple_commands(words) if (r := _role_of_words(w, lookup, family, inp)) is not None
        ]
        return inner[-1] if inner else None
    if head in INTERPRETERS or head.startswith("python"):
        inline = _inline_python(rest)
        if inline is not None:
            found = CALL_COMMAND.search(inline)
            return _manage([found.group("command")], family) if found else None
        script = next((i for i, r in enumerate(rest) if not r.startswith("-")), None)
        if (
            "-m" in rest
            and (script is None or rest.index("-m") < script)
            and rest.index("-m") + 1 < len(rest)
        ):
            module = rest.index("-m") + 1  # `python -u -m celery ...`: the module is the program
            head, rest = rest[module], rest[module + 1 :]
        elif script is not None:
            head, rest = _basename(rest[script]), rest[script + 1 :]
        else:
            return None
    if head == "celery":
        return _celery(rest, lookup, family)
    if head in ("manage.py", "django-admin"):
        return _manage(rest, family)
    if head in WEB_SERVERS:
        return Role(kind=RoleKind.WEB_API, command=head, image_family=family, evidence=(f"runs {head}",))
    if head in PROXIES:
        return _proxy(head, family, inp)
    if MIGRATION_SCRIPT.search(words[0]) or head in ("alembic", "flyway", "liquibase"):
        return Role(kind=RoleKind.MIGRATION, command=head, image_family=family, evidence=(f"runs {head}",))
    if head.startswith("$") and len(words) == 1:
        resolved = expand(words[0], lookup)
        if resolved == words[0] or not resolved.strip():
            return Role(
                kind=RoleKind.AD_HOC_COMMAND,
                command=words[0],
                image_family=family,
                evidence=(f"runs whatever {words[0]} holds",),
            )
        commands = list(simple_commands(_split(resolved)))
        return _role_of_words(commands[0], lookup, family, inp) if commands else None
    return _subcommand(head, rest, family)


def _inline_python(rest: list[str]) -> str | None:
    """Code given inline (``python -c CODE`` or a heredoc), where Django's call_command names the command."""
    if HEREDOC_MARK in rest:
        return rest[rest.index(HEREDOC_MARK) + 1] if rest.index(HEREDOC_MARK) + 1 < len(rest) else ""
    if "-c" in rest:
        index = rest.index("-c")
        return rest[index + 1] if index + 1 < len(rest) else ""
    return None


def _celery_command(rest: list[str]) -> str | None:
    """The celery sub-command: the first word that is not an option or a global option's value."""
    skip = False
    for word in rest:
        if skip:
            skip = False
        elif word in CELERY_VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


CELERY_VALUE_OPTIONS = frozenset(
    {"-A", "--app", "-b", "--broker", "--result-backend", "--loader", "--config", "--workdir"}
)


def _celery(rest: list[str], lookup: Lookup, family: str | None) -> Role | None:
    command = _celery_command(rest)
    if command == "beat":
        return Role(
            kind=RoleKind.CELERY_BEAT,
            command="celery beat",
            image_family=family,
            evidence=("runs celery beat",),
        )
    if command != "worker":
        return None
    queues: list[str] = []
    for i, word in enumerate(rest):
        value: str | None = None
        if word in ("-Q", "--queues") and i + 1 < len(rest):
            value = rest[i + 1]
        elif word.startswith("--queues="):
            value = word.split("=", 1)[1]
        elif word.startswith("-Q") and len(word) > 2:
            value = word[2:]
        if value is not None:
            queues.extend(q.strip() for q in expand(value, lookup).split(",") if q.strip())
    evidence = ["runs celery worker"]
    switches: tuple[str, ...] = ()
    if "-B" in rest or "--beat" in rest:
        evidence.append("with embedded beat (-B)")
        switches = ("celery-embedded-beat",)
    if not queues:
        queues = ["celery"]  # Celery's default queue when -Q is not given
        evidence.append("no -Q: consumes the default queue 'celery'")
    return Role(
        kind=RoleKind.CELERY_WORKER,
        queues=tuple(dict.fromkeys(queues)),
        command="celery worker",
        image_family=family,
        switches=switches,
        evidence=tuple(evidence),
    )


def _manage(rest: list[str], family: str | None) -> Role | None:
    positional = [w for w in rest if not w.startswith("-")]
    if not positional:
        return None
    command = positional[0]
    if command == "migrate":
        kind = RoleKind.MIGRATION
    elif command in ("runserver", "runserver_plus"):
        kind = RoleKind.WEB_API
    elif CONSUMER_WORDS.search(command):
        kind = RoleKind.KAFKA_CONSUMER
    else:
        kind = RoleKind.MANAGEMENT_COMMAND
    return Role(kind=kind, command=command, image_family=family, evidence=(f"runs manage.py {command}",))


def _proxy(head: str, family: str | None, inp: RoleInput) -> Role:
    proxy_image = family is not None and any(p in family for p in PROXIES)
    proxies_config = "proxy_pass" in inp.config_text or "envoy.filters" in inp.config_text
    if head != "nginx" or proxy_image or (family is None and proxies_config):
        why = f"{head} image" if proxy_image else f"runs {head}"
        if proxies_config:
            why += " with a proxying config"
        return Role(kind=RoleKind.REVERSE_PROXY, command=head, image_family=family, evidence=(why,))
    return Role(
        kind=RoleKind.STATIC_WEB,
        command=head,
        image_family=family,
        evidence=(f"runs {head} from the application image '{family}': serves files, not a proxy",),
    )


def _subcommand(head: str, rest: list[str], family: str | None) -> Role | None:
    """``./rosocp start housekeeper --partitions`` -> ``rosocp start housekeeper --partitions``.

    Up to three positional words and the bare long flags: flags often select what a binary does.
    """
    before_flags = rest[: next((i for i, w in enumerate(rest) if w.startswith("-")), len(rest))]
    positional = [w for w in before_flags if "=" not in w and "/" not in w]
    words = [w for w in positional if re.match(r"^[A-Za-z][\w-]*$", w)][:3]
    flags = [w for w in rest if re.match(r"^--[a-z][\w-]*$", w)][:2]
    if any(MIGRATE_WORDS.match(w) for w in words) or MIGRATE_WORDS.match(head):
        return Role(
            kind=RoleKind.MIGRATION,
            command=" ".join([head, *words]),
            image_family=family,
            evidence=(f"runs {' '.join([head, *words])}",),
        )
    if head.startswith("$") or not re.match(r"^[\w.-]+$", head):
        return None
    command = " ".join([head, *words, *flags])
    kind = RoleKind.KAFKA_CONSUMER if CONSUMER_WORDS.search(" ".join(words)) else RoleKind.SUBCOMMAND
    return Role(kind=kind, command=command, image_family=family, evidence=(f"runs {command}",))


def _infra_of_image(family: str | None) -> RoleKind | None:
    if family:
        for pattern, kind in INFRA_IMAGES:
            if pattern.search(family):
                return kind
    return None


def _role_of_image(family: str | None, argv: Sequence[str], inp: RoleInput) -> Role:
    if family and any(p in family for p in PROXIES):
        return Role(kind=RoleKind.REVERSE_PROXY, image_family=family, evidence=(f"{family} image",))
    if inp.serves_http:
        return Role(
            kind=RoleKind.WEB_API, image_family=family, evidence=("image entrypoint behind a web service",)
        )
    how = "image entrypoint" if not argv else "command not recognised: " + " ".join(argv)[:80]
    return Role(kind=RoleKind.UNKNOWN, image_family=family, evidence=(how,))


def with_switches(role: Role, switches: Iterable[str]) -> Role:
    """The role with env switches added (they are known only once the whole app is read)."""
    merged = tuple(dict.fromkeys([*role.switches, *switches]))
    if merged == role.switches:
        return role
    return role.model_copy(update={"switches": merged})


TRUTHY = frozenset({"true", "yes", "1", "on"})
FALSY = frozenset({"false", "no", "0", "off", ""})


def truthy_env(env: Mapping[str, str | None]) -> set[str]:
    return {name for name, value in env.items() if value is not None and value.strip().lower() in TRUTHY}


def distinguishing_switches(envs: Sequence[Mapping[str, str | None]]) -> list[tuple[str, ...]]:
    """Per workload, the env vars set true in it but in at most a third of its siblings.

    ``MASU=true`` on one of thirty deployments says what that deployment is; ``CLOWDER_ENABLED=true``
    on all of them says nothing. A name that holds anything but a yes/no somewhere in the app is a
    setting, not a switch: ``GUNICORN_WORKERS=1`` beside ``GUNICORN_WORKERS=4`` counts workers.
    """
    settings = {
        name
        for env in envs
        for name, value in env.items()
        if value is not None and value.strip().lower() not in TRUTHY | FALSY
    }
    truthy = [truthy_env(env) - settings for env in envs]
    counts: dict[str, int] = {}
    for names in truthy:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    limit = max(1, len(envs) // 3)
    return [tuple(sorted(f"{n}=true" for n in names if counts[n] <= limit)) for names in truthy]


def role_purpose(role: Role) -> str:
    """One line on what a workload of this role is for, for people reading a report."""
    text = ROLES[role.kind].purpose
    if http_subcommand(role):  # an API, or a worker with an HTTP endpoint: say what it runs
        text = "runs {command} and serves HTTP"
    return text.format(queues=", ".join(role.queues) or "celery", command=role.command or "?")
