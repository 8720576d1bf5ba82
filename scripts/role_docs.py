"""Write each role's variable table into its README from meta/argument_specs.yml.

python scripts/role_docs.py           rewrite the tables
python scripts/role_docs.py --check   fail when a table is out of date, or a
                                      default in defaults/main.yml is undocumented
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

BEGIN = "<!-- BEGIN VARIABLES (scripts/role_docs.py) -->"
END = "<!-- END VARIABLES -->"


def cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(spec: dict[str, Any]) -> str:
    rows = ["| Variable | Type | Required | Default | Description |", "| --- | --- | --- | --- | --- |"]
    for name, option in sorted(spec.get("options", {}).items()):
        description = option.get("description", "")
        if isinstance(description, list):
            description = " ".join(description)
        default = option.get("default", "")
        default_text = f"`{yaml.safe_dump(default, default_flow_style=True).strip()}`" if "default" in option else ""
        default_text = default_text.replace("\n...", "")
        required = "yes" if option.get("required") else ""
        rows.append(
            f"| `{name}` | {option.get('type', 'str')} | {required} | {cell(default_text)} | {cell(description)} |"
        )
    return "\n".join(rows)


def render(role: Path) -> str:
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    parts = [BEGIN]
    for entry, spec in specs.items():
        parts += ["", f"Entry point `{entry}`: {spec.get('short_description', '')}", ""]
        if entry != "main" and spec.get("options") is specs.get("main", {}).get("options"):
            parts.append("The variables of `main`, above.")
        else:
            parts.append(table(spec))
    parts += ["", END]
    return "\n".join(parts)


def undocumented(role: Path) -> list[str]:
    defaults_file = role / "defaults" / "main.yml"
    defaults = yaml.safe_load(defaults_file.read_text()) if defaults_file.exists() else {}
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    documented = set(specs.get("main", {}).get("options", {}))
    return sorted(set(defaults or {}) - documented)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    problems: list[str] = []
    for role in sorted(Path("roles").iterdir()):
        if not (role / "meta" / "argument_specs.yml").exists():
            problems.append(f"{role}: meta/argument_specs.yml is missing")
            continue
        problems += [f"{role}: {name} is in defaults/main.yml but not in argument_specs" for name in undocumented(role)]
        readme = role / "README.md"
        text = readme.read_text() if readme.exists() else ""
        if BEGIN not in text or END not in text:
            problems.append(f"{readme}: the markers {BEGIN} ... {END} are missing")
            continue
        new = text[: text.index(BEGIN)] + render(role) + text[text.index(END) + len(END) :]
        if new != text:
            if check:
                problems.append(f"{readme}: the variable table is out of date; run python scripts/role_docs.py")
            else:
                readme.write_text(new)
                print(f"updated {readme}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
