"""ruamel's own dump of plain data (its safe C dumper, flow style off, no wrapping): the text our leaner
dumpers (``yaml.dumper.yaml_text``, ``values_yaml``) must write, byte for byte."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML


def ruamel_dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
