"""The repository's own ledger: the 2022 plan is the seed transcribed faithfully, and it checks clean."""

from __future__ import annotations

import re
from pathlib import Path

from wenming.commands.check import validate
from wenming.ledger import load
from wenming.model import CountReq, EachOfReq, FestivalReq, FixedDateReq, MetricReq, Plan

ROOT = Path(__file__).parent.parent
SEED = Path(__file__).parent / "data" / "plan-2022.txt"
TASK_IDS = [
    "1", "2", "3.1", "3.2", "4", "5",
    "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8",
    "7.1", "7.2", "7.3", "8.1", "8.2", "9.1", "9.2", "10.1", "10.2", "10.3", "11",
]  # fmt: skip


def _plan() -> Plan:
    return load(ROOT).plans[2022]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00a0", ""))


def test_the_repository_ledger_checks_clean() -> None:
    assert [p.format() for p in validate(ROOT)] == []


def test_plan_has_the_25_tasks_of_the_seed_in_order() -> None:
    plan = _plan()
    assert [task.id for section in plan.sections for task in section.tasks] == TASK_IDS
    assert [section.id for section in plan.sections] == [str(n) for n in range(1, 12)]


def test_every_task_text_is_the_seed_text() -> None:
    seed = _squash(SEED.read_text(encoding="utf-8"))
    for task in _plan().tasks.values():
        assert _squash(task.text) in seed, task.id


def test_responsibility_lines_match_the_seed() -> None:
    """Each 责任单位 line of the seed, with masked names counted, matches lead and cooperating units."""
    lines = re.findall(r"责任单位：(.+?)牵头，(.+?)配合", SEED.read_text(encoding="utf-8"))
    tasks = list(_plan().tasks.values())
    assert len(lines) == len(tasks)
    for task, (lead, cooperating) in zip(tasks, lines, strict=True):
        leads = lead.split("、")
        assert len(task.lead) == len(leads), task.id
        for written, given in zip(task.lead, leads, strict=True):
            assert given == "****" or given == written, task.id
        assert task.cooperating == tuple(cooperating.split("、")), task.id


def test_requirements_the_text_states_are_encoded() -> None:
    tasks = _plan().tasks
    each_of_4 = [r for r in tasks["4"].requirements if isinstance(r, EachOfReq)]
    assert each_of_4[0].types == ("征文", "书画摄影", "歌咏比赛", "演讲比赛")
    counts_2 = {r.type: r.per for r in tasks["2"].requirements if isinstance(r, CountReq)}
    assert counts_2["支委会"] == "month" and counts_2["党课"] == "quarter"
    (hours,) = [r for r in tasks["7.1"].requirements if isinstance(r, MetricReq)]
    assert (hours.field, hours.per_fact, hours.op, hours.target) == (
        "志愿服务时长",
        "注册志愿者人数",
        ">",
        25,
    )
    (rate,) = [r for r in tasks["9.2"].requirements if isinstance(r, MetricReq)]
    assert (rate.op, rate.target, rate.unit) == (">=", 95, "%")
    (festivals,) = [r for r in tasks["8.1"].requirements if isinstance(r, FestivalReq)]
    assert set(festivals.festivals) == {"春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳"}
    (leifeng,) = [r for r in tasks["7.1"].requirements if isinstance(r, FixedDateReq)]
    assert (leifeng.month, leifeng.day) == (3, 5)


def test_guiding_parts_are_metadata_not_tasks() -> None:
    plan = _plan()
    assert [g.title for g in plan.guidance] == ["指导思想", "创建目标", "组织保障"]
    assert all("指导思想" not in task.title for task in plan.tasks.values())
