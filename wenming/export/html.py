"""HTML and Markdown exports rendered through Jinja templates; a ledger's templates/ wins."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import WenmingError
from .rows import (
    NUMBERING_NOTE,
    SIGN_LABELS,
    LedgerExport,
    default_name,
    format_number,
    section_banner,
)

if TYPE_CHECKING:
    from .rollup import RollupExport

ROLLUP_TEMPLATE = "rollup.html.j2"
PACKAGED = Path(__file__).resolve().parent.parent / "templates"
LEDGER_TEMPLATES = "templates"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def template_name(template: str, fmt: str) -> str:
    return f"{template}.{fmt}.j2"


def md(value: object) -> str:
    """Text made inert in Markdown: HTML characters as entities, markup characters escaped."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_cell(value: object) -> str:
    """Text for one Markdown table cell: escaped, lines joined with <br>."""
    return "<br>".join(md(line) for line in str(value or "").strip().split("\n"))


def _autoescape(name: str | None) -> bool:
    return bool(name) and str(name).endswith((".html.j2", ".html", ".htm"))


def _environment(root: Path) -> Any:
    from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    packaged = FileSystemLoader(str(PACKAGED))
    # "default/<name>" always reaches the packaged template, so an override can extend it.
    loader = ChoiceLoader(
        [
            FileSystemLoader(str(root / LEDGER_TEMPLATES)),
            PrefixLoader({"default": packaged}),
            packaged,
        ]
    )
    # A ledger arrives by `git clone`, so its templates are someone else's code: the sandbox
    # keeps them to the data they are given (no `__globals__`, no `os`, no mutating the rows).
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["md_cell"] = md_cell
    env.filters["num"] = format_number
    return env


def _where(exc: BaseException) -> str:
    """The template file and line an error was raised at, from Jinja's rewritten traceback."""
    filename = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".j2"):
            filename, line = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    if not filename:
        return "模板"
    return f"{filename}:{line}" if line else str(filename)


def context(
    data: LedgerExport, links: Mapping[str, str], places: Mapping[str, str]
) -> dict[str, Any]:
    by_task: dict[str, list[Any]] = {}
    for activity in data.activities:
        for task_id in dict.fromkeys(activity.record.tasks):
            by_task.setdefault(task_id, []).append(activity)
    return {
        "data": data,
        "plan": data.plan,
        "title": data.title,
        "as_of": data.as_of,
        "commit": data.commit,
        "scope": data.filters.describe(),
        "sections": data.sections,
        "tasks": data.tasks,
        "activities": data.activities,
        "evidence": data.evidence,
        "metrics": data.metrics,
        "self_score": data.self_score,
        "figures": list(zip(data.figure_names, data.figure_units, strict=True)),
        "figure_totals": data.figure_totals,
        "totals": [
            (n, u)
            for n, u in zip(data.figure_names, data.figure_units, strict=True)
            if n in data.figure_totals
        ],
        "states": data.states,
        "links": dict(links),
        "places": dict(places),
        "sign_off": data.sign_off,
        "sign_labels": SIGN_LABELS,
        "workbook_name": default_name(data, "xlsx", "ledger"),
        "page_name": default_name(data, "html", "ledger"),
        "numbering": NUMBERING_NOTE[1],
        "by_task": by_task,
        "banner": lambda block: section_banner(block.section.id, block.section.title),
    }


def render(
    data: LedgerExport,
    root: Path,
    template: str,
    fmt: str,
    links: Mapping[str, str],
    places: Mapping[str, str],
) -> str:
    """Render `<template>.<fmt>.j2`, looked up first in the ledger's templates/, then packaged."""
    return _render(root, template_name(template, fmt), lambda: context(data, links, places))


def render_rollup(data: RollupExport, root: Path) -> str:
    """The roll-up page, `rollup.html.j2`, looked up first in the roll-up folder's templates/."""
    values = {
        "title": data.title, "as_of": data.as_of, "now": data.now, "tables": data.tables,
        "idle_days": data.idle_days,
    }  # fmt: skip
    return _render(root, ROLLUP_TEMPLATE, lambda: values)


def _render(root: Path, name: str, values: Callable[[], dict[str, Any]]) -> str:
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    env = _environment(root)
    try:
        loaded = env.get_template(name)
    except TemplateNotFound:
        known = sorted({p.name for p in PACKAGED.glob("*.j2")})
        own = root / LEDGER_TEMPLATES
        if own.is_dir():
            known = sorted({*known, *(p.name for p in own.glob("*.j2"))})
        raise WenmingError(
            f"找不到模板 {name}",
            "可用模板：" + "、".join(known) + f"；自定义模板放在台账的 {LEDGER_TEMPLATES}/ 下",
        ) from None
    except TemplateSyntaxError as exc:
        raise WenmingError(
            f"模板有语法错误（{_where(exc)}）：{exc.message}", "修改模板后重试"
        ) from None
    try:
        return str(loaded.render(values()))
    except SecurityError as exc:
        raise WenmingError(
            f"模板试图访问不允许的内容，已停止导出（{_where(exc)}）：{exc}",
            "模板只能使用导出的数据（可用变量见 templates/README.md），不能访问以“_”开头的属性、"
            "修改数据或调用系统功能；如果模板来自别人的台账，请检查它是否被人改过",
        ) from None
    except Exception as exc:  # a template can raise anything (1 // 0): its author's error
        message = exc.message if isinstance(exc, TemplateError) else None
        raise WenmingError(
            f"模板渲染失败（{_where(exc)}）：{message or exc or type(exc).__name__}",
            "检查模板中用到的变量名，可用变量见 templates/README.md",
        ) from None
