"""`incident`: record a negative-list event with its evidence under incidents/<year>/ and commit it."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import git
from ..assessment import Incident
from ..atomic import publish
from ..checks import check_incident
from ..errors import Severity, WenmingError
from ..files import FileFact, sha256_file
from ..ledger import INCIDENTS_DIR, load
from ..model import Plan
from ..parse_assessment import parse_incident
from ..record import infer_kind, parse_evidence_option, safe_file_name, safe_title
from ..vocabulary import did_you_mean, listing
from ..yamlio import dump, parse_text
from .commit import commit


@dataclass(frozen=True)
class IncidentAdded:
    """The incident written, every path it added (its file first), and the commit."""

    incident: Incident
    paths: tuple[str, ...]
    outcome: git.CommitOutcome


@dataclass(frozen=True)
class _File:
    source: Path
    name: str
    kind: str
    caption: str
    sha256: str
    size: int


def _plan_of(plans: dict[int, Plan], day: date) -> Plan:
    for plan in plans.values():
        if plan.start <= day <= plan.end:
            return plan
    years = "、".join(map(str, sorted(plans))) or "无"
    raise WenmingError(
        f"没有覆盖 {day.isoformat()} 的计划，负面事件要记在它所在的计划年度里",
        f"已有的计划年份：{years}；用 wenming plan new 年份 生成那一年的计划，或改正 --date",
    )


def _files(specs: Sequence[str], plan: Plan, title: str) -> list[_File]:
    files: list[_File] = []
    taken: set[str] = set()
    for text in specs:
        spec = parse_evidence_option(text, plan.evidence_kinds)
        if not spec.path.is_file():
            raise WenmingError(f"佐证材料文件“{spec.path}”不存在或不是文件", "检查路径是否写对")
        kind = spec.kind or infer_kind(spec.path.name)
        if kind is None:
            raise WenmingError(
                f"无法从文件名判断“{spec.path.name}”是哪类佐证材料",
                f"在路径前写明类型，例如 --evidence '通知={spec.path}'",
            )
        name = safe_file_name(spec.path.name, kind)
        stem, dot, suffix = name.rpartition(".")
        number = 2
        while name.lower() in taken:
            name = f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}"
            number += 1
        taken.add(name.lower())
        try:
            digest, size = sha256_file(spec.path), spec.path.stat().st_size
        except OSError as exc:
            raise WenmingError(f"无法读取佐证材料“{spec.path}”：{exc.strerror}") from None
        files.append(_File(spec.path, name, kind, spec.caption or title, digest, size))
    return files


def add_incident(
    root: Path,
    *,
    negative: str,
    day: date,
    title: str,
    unit: str,
    summary: str = "",
    evidence: Sequence[str] = (),
    use_cache: bool = True,
) -> IncidentAdded:
    """Check the incident against the plan of its day and the negative lists, copy its evidence
    beside it, write it (never over a file) and commit exactly what it added."""
    title, unit, negative = title.strip(), unit.strip(), negative.strip()
    if not title:
        raise WenmingError("--title 不能为空", "写明发生了什么，例如 --title 窗口服务被通报")
    ledger = load(root, use_cache)
    plan = _plan_of(ledger.plans, day)
    negatives = {n.id: n for a in ledger.assessments for n in a.negative_list}
    if negative not in negatives:
        raise WenmingError(
            f"负面清单中没有“{negative}”"
            + (f"（{did_you_mean(negative, negatives)}）" if negatives else ""),
            f"可用：{listing([f'{k} {n.name}' for k, n in negatives.items()], 20)}"
            if negatives
            else "先在 assessment/ 的测评体系中写出 negative_list（wenming plan assessment 写入起步测评体系）",
        )
    if unit not in plan.units:
        hint = did_you_mean(unit, plan.units)
        raise WenmingError(
            f"单位“{unit}”不在 {plan.year} 年计划的 units 中" + (f"（{hint}）" if hint else ""),
            f"可用：{listing(plan.units, 30)}",
        )
    files = _files(evidence, plan, title)
    folder = root / INCIDENTS_DIR / str(plan.year)
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{day:%Y%m%d}-{safe_title(title)}"
    incident_id, number = base, 2
    while (folder / f"{incident_id}.yaml").exists() or (folder / incident_id).exists():
        incident_id, number = f"{base}-{number}", number + 1
    rel_dir = f"{INCIDENTS_DIR}/{plan.year}/{incident_id}"
    rel = f"{rel_dir}.yaml"
    data: dict[str, Any] = {
        "schema_version": 1,
        "date": day,
        "negative": negative,
        "title": title,
        "unit": unit,
    }
    if summary.strip():
        data["summary"] = summary.strip()
    if files:
        data["evidence"] = [
            {
                "kind": f.kind,
                "file": f"{rel_dir}/{f.name}",
                "caption": f.caption,
                "sha256": f.sha256,
            }
            for f in files
        ]
    text = dump(data)
    parsed, problems = parse_text(text, rel)
    incident, more = parse_incident(parsed, rel, incident_id, plan.year)
    facts = {f"{rel_dir}/{f.name}": FileFact("ok", f.sha256, f.size) for f in files}
    if incident is not None:
        more += list(check_incident(incident, plan, set(negatives), facts))
    errors = [p for p in problems + more if p.severity is Severity.ERROR]
    if incident is None or errors:
        shown = "\n".join(f"  · {p.message}" for p in errors)
        raise WenmingError(
            f"负面事件记录没有通过检查，未写入任何文件：\n{shown}", "按说明改正选项后重新运行"
        )
    paths = [rel]
    evidence_dir = root / rel_dir
    try:
        if files:
            evidence_dir.mkdir()
            for f in files:
                part = evidence_dir / f".{f.name}.part"
                shutil.copyfile(f.source, part)
                part.replace(evidence_dir / f.name)
                if sha256_file(evidence_dir / f.name) != f.sha256:
                    raise WenmingError(f"复制“{f.source}”时文件发生了变化", "文件写完后再运行")
                paths.append(f"{rel_dir}/{f.name}")
        if not publish(root / rel, text):
            raise WenmingError(f"已有 {rel}，没有覆盖", "请重新运行")
    except BaseException:
        shutil.rmtree(evidence_dir, ignore_errors=True)
        raise
    message = f"负面事件：{title}（{negative} {negatives[negative].name}）"
    if not git.available() or not git.is_repository(root):
        reason = "找不到 git 程序" if not git.available() else "台账不在 git 仓库中"
        outcome = git.CommitOutcome(
            False, reason=reason, command=git.finish_command(root, paths, message)
        )
    else:
        outcome = commit(root, paths, message).outcome
    return IncidentAdded(incident, tuple(paths), outcome)
