"""`export`: judge the plan as `status` does, arrange the rows once and write one output."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..errors import Severity, WenmingError
from ..export import (
    Arranged,
    TermExport,
    rows_total,
    write_bundle,
    write_term_xlsx,
    write_text,
    write_xlsx,
)
from ..export.redact import redact_export
from ..export.rows import Filters, LedgerExport, build, default_name, self_score_sheet
from ..git import head_commit
from ..ledger import load, records_of, select_plan
from ..outputs import check_output
from ..progress import ProgressFactory, no_progress
from ..scoring import score
from ..status import evaluate
from ..term import across
from .filters import check_filters
from .score import choose_assessment
from .term import year_range

FORMATS = ("xlsx", "html", "md")


@dataclass(frozen=True)
class ExportResult:
    """The file written, what it holds, and how many errors the ledger had."""

    path: Path
    data: LedgerExport
    errors: int


def arrange(
    root: Path,
    *,
    year: int | None,
    as_of: date | None,
    unit: str | None = None,
    section: str | None = None,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    use_cache: bool = True,
    progress_bar: ProgressFactory | None = None,
    sign_off: dict[str, str] | None = None,
    redact: bool = False,
    assessment: str | None = None,
) -> Arranged:
    """Load the ledger, judge the plan as `wenming status` does, and arrange the export rows."""
    today = today or date.today()
    ledger = load(root, use_cache, progress_bar)
    errors = sum(p.severity is Severity.ERROR for p in ledger.problems)
    plan = select_plan(ledger, year, today)
    check_filters(plan, unit, section, start=start, end=end)
    records = records_of(ledger, plan)
    progress = evaluate(plan, records, as_of or today)
    filters = Filters(progress.as_of, unit, section, start, end)
    data = build(plan, records, progress, filters, head_commit(root), sign_off)
    if ledger.assessments or assessment is not None:
        chosen = choose_assessment(ledger.assessments, assessment)
        result = score(chosen, plan, records, ledger.incidents, progress.as_of)
        data = replace(data, self_score=self_score_sheet(result, data))
    if redact:
        data = redact_export(data)
    return Arranged(data, root, errors, redact)


def export(
    root: Path,
    *,
    fmt: str = "xlsx",
    template: str = "ledger",
    output: Path | None = None,
    bundle: Path | None = None,
    year: int | None = None,
    as_of: date | None = None,
    unit: str | None = None,
    section: str | None = None,
    start: date | None = None,
    end: date | None = None,
    sign_off: dict[str, str] | None = None,
    redact: bool = False,
    today: date | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
    folder: Path | None = None,
    assessment: str | None = None,
) -> ExportResult:
    """`wenming export`: one workbook, page or bundle, written where it may be written.

    Without `output` or `bundle`, the file goes to `folder` (the current folder) under its
    default name.
    """
    if fmt not in FORMATS:
        raise WenmingError(f"不支持的格式“{fmt}”", "可选：" + "、".join(FORMATS))
    if bundle is not None and (fmt != "xlsx" or output is not None):
        raise WenmingError(
            "--bundle 只打包 Excel 台账，不能与 --output 或 --format html/md 同用",
            "去掉 --output 或 --format",
        )
    if fmt == "xlsx" and template != "ledger":
        raise WenmingError(
            f"模板 {template} 只能导出为 html 或 md", "加上 --format md 或 --format html"
        )
    arranged = arrange(
        root, year=year, as_of=as_of, unit=unit, section=section, start=start, end=end,
        today=today, use_cache=use_cache, progress_bar=progress, sign_off=sign_off,
        redact=redact, assessment=assessment,
    )  # fmt: skip
    data = arranged.data
    target = bundle or output or (folder or Path()) / default_name(data, fmt, template)
    check_output(root, target)
    if bundle is not None:
        with (progress or no_progress)(rows_total(arranged, bundle=True), "正在打包") as tick:
            path = write_bundle(arranged, target, tick)
    elif fmt == "xlsx":
        with (progress or no_progress)(rows_total(arranged), "正在导出") as tick:
            path = write_xlsx(arranged, target, tick)
    else:
        path = write_text(arranged, target, fmt, template)
    return ExportResult(path, data, arranged.errors)


@dataclass(frozen=True)
class TermExportResult:
    path: Path
    data: TermExport
    errors: int


def export_term(
    root: Path,
    years: str,
    *,
    output: Path | None = None,
    as_of: date | None = None,
    assessment: str | None = None,
    today: date | None = None,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
    folder: Path | None = None,
) -> TermExportResult:
    """`export --years`: the 复查 workbook over a term, each year judged at `as_of` clamped
    into its period (so past years at their end)."""
    first, last = year_range(years)
    today = today or date.today()
    ledger = load(root, use_cache, progress)
    errors = sum(p.severity is Severity.ERROR for p in ledger.problems)
    missing = [y for y in range(first, last + 1) if y not in ledger.plans]
    if missing:
        raise WenmingError(
            f"没有 {'、'.join(map(str, missing))} 年的计划",
            "已有的计划年份："
            + ("、".join(map(str, sorted(ledger.plans))) or "无")
            + "；可用 wenming plan new 年份 由上一年的计划生成",
        )
    plans = [ledger.plans[y] for y in range(first, last + 1)]
    commit = head_commit(root)
    arranged: list[LedgerExport] = []
    records_by_year = {}
    for plan in plans:
        records = records_of(ledger, plan)
        records_by_year[plan.year] = records
        judged = evaluate(plan, records, as_of or today)
        arranged.append(build(plan, records, judged, Filters(judged.as_of), commit))
    chosen = (
        choose_assessment(ledger.assessments, assessment)
        if ledger.assessments or assessment is not None
        else None
    )
    term = across(plans, records_by_year, as_of or today, chosen, ledger.incidents)
    data = TermExport(plans[-1].organisation, tuple(arranged), term)
    span = f"{first}-{last}" if first != last else str(first)
    target = output or (folder or Path()) / f"复查台账-{span}.xlsx"
    check_output(root, target)
    total = sum(len(y.activities) + len(y.evidence) for y in arranged)
    with (progress or no_progress)(total, "正在导出") as tick:
        path = write_term_xlsx(data, root, target, tick)
    return TermExportResult(path, data, errors)
