"""Writing the imported plan as plan YAML, with comments telling the clerk what to check."""

from __future__ import annotations

import json
from datetime import date

import yaml

from .build import PlanOut, ReqOut, TaskOut, UnitOut

_REQ_ORDER = ("kind", "name", "type", "per", "min", "types", "festivals", "window_days", "date",
              "by", "field", "aggregate", "per_fact", "op", "target", "unit", "note")  # fmt: skip


def scalar(value: object, flow: bool = False) -> str:
    """One value as YAML: plain when that reads back the same, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | date):
        return str(value)
    text = str(value)
    probe = f"k: [{text}]" if flow else f"k: {text}"
    try:
        same = yaml.safe_load(probe) == {"k": [text] if flow else text}
    except yaml.YAMLError:
        same = False
    if same and text == text.strip() and "#" not in text and text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(items: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def _block(text: str, indent: str) -> list[str]:
    return [indent + line if line else "" for line in text.split("\n")]


def _comment(line: str, comment: str, width: int = 30) -> str:
    if not comment:
        return line
    return f"{line.ljust(width)}  # {comment}"


def emit(plan: PlanOut, source_name: str) -> str:
    out: list[str] = [
        f"# {plan.title}",
        f"# 由 wenming plan import 从“{source_name}”导入。请逐项核对：",
        "#   - 标注“原文为”的单位是导入时的占位名称，填写真实名称后删去 placeholder: true；",
        "#   - 每条要求的注释给出了它所依据的原文；注释中“未定”的内容需要人工判断；",
        "#   - 改完后运行 wenming check。",
        *(f"# {c}" for c in plan.header_comments),
        "schema_version: 1",
        f"year: {plan.year}",
        _comment(
            f"title: {scalar(plan.title)}", "原文没有标题，按年份拟定" if plan.title_guessed else ""
        ),
        _comment(
            f"organisation: {scalar(plan.organisation)}",
            "原文未写明发布单位，请填写" if plan.organisation_guessed else "",
        ),
        f"period: {{start: {plan.year}-01-01, end: {plan.year}-12-31}}",
    ]
    if plan.preamble:
        out += ["preamble: |", *_block(plan.preamble, "  ")]
    if plan.guidance:
        out.append("guidance:")
        for title, text in plan.guidance:
            out.append(f"  - title: {scalar(title)}")
            out += ["    text: |", *_block(text, "      ")] if text else ['    text: ""']
    if plan.attachments:
        out.append(f"attachments: {flow(plan.attachments)}")
    if plan.facts:
        out.append("facts:                           # 指标的分母；请按本单位实际填写")
        for name, unit in plan.facts.items():
            # 1, not 0: status divides by a fact, and 1 leaves the figure readable until filled in.
            out.append(
                f"  {scalar(name)}: {{value: 1, unit: {scalar(unit, True)}, placeholder: true, note: 占位数值，请填写实际人数}}"
                "  # 导入时无法得知，暂记为 1"
            )
    if plan.figures:
        out.append("figures:                         # 记录可填写的数值项")
        for name, unit in plan.figures.items():
            out.append(f"  {scalar(name)}: {{unit: {scalar(unit, True)}}}")
    out += _units(plan.units)
    out += _activity_types(plan)
    out.append("sections:")
    for section in plan.sections:
        out.append(f'  - id: "{section.id}"')
        out.append(f"    title: {scalar(section.title)}")
        out += [f"    # {c}" for c in section.comments]
        out.append("    tasks:")
        for task in section.tasks:
            out += _task(task)
    return "\n".join(out) + "\n"


def _units(units: list[UnitOut]) -> list[str]:
    if not units:
        return []
    out = ["units:"]
    for unit in units:
        out.append(_comment(f"  - name: {scalar(unit.name)}", unit.comment, 24))
        if unit.collective:
            out.append("    kind: collective")
        if unit.placeholder:
            out.append("    placeholder: true")
    return out


def _activity_types(plan: PlanOut) -> list[str]:
    out = ["activity_types:                  # 记录的 type 必须在此；可按需增删"]
    out += [f"  - {scalar(t)}" for t in plan.activity_types]
    generic = [t for t in ("会议", "学习", "宣传教育", "志愿服务", "文体活动", "评选表彰", "督导检查", "总结", "其他")
               if t not in plan.activity_types]  # fmt: skip
    if generic:
        out.append("  # 通用类型")
        out += [f"  - {scalar(t)}" for t in generic]
    return out


def _task(task: TaskOut) -> list[str]:
    out = [_comment(f'      - id: "{task.id}"', f"原文{task.where}" if task.where else "", 30)]
    out.append(f"        title: {scalar(task.title)}")
    out += [f"        # {c}" for c in task.comments]
    out += (
        ["        text: |", *_block(task.text, "          ")] if task.text else ['        text: ""']
    )
    out.append(f"        lead: {flow(task.lead)}")
    out.append(f"        cooperating: {flow(task.cooperating)}")
    if task.requirements:
        out.append("        requirements:")
        for req in task.requirements:
            out += _requirement(req)
    return out


def _requirement(req: ReqOut) -> list[str]:
    keys = [k for k in _REQ_ORDER if k in req.fields]
    out = []
    for index, key in enumerate(keys):
        value = req.fields[key]
        if isinstance(value, list | tuple):
            text = flow([str(v) for v in value])
        elif key == "op":
            text = json.dumps(value)
        else:
            text = scalar(value)
        prefix = "          - " if index == 0 else "            "
        line = f"{prefix}{key}: {text}"
        out.append(_comment(line, req.comment, 40) if index == 0 else line)
    return out
