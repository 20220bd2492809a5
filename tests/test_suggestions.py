"""The “是不是……” hints stay bounded in work: once per distinct unknown name, few full comparisons."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming import vocabulary
from wenming.commands.check import validate
from wenming.vocabulary import SUGGESTION_CANDIDATES, Suggestions

UNITS = 30_000
RECORD = """schema_version: 1
date: 2022-03-{day:02d}
tasks: ["7.1"]
type: 学雷锋志愿服务
title: 活动{n}
unit: {unit}
"""


def test_the_close_name_is_found_among_a_few_candidates() -> None:
    names = [f"第{n}科室" for n in range(UNITS)] + ["团委", "机关党委", "创建办"]
    hints = Suggestions(names)
    assert len(hints.candidates("第12345科")) <= SUGGESTION_CANDIDATES
    assert hints.hint("机关党") == "是不是“机关党委”？"
    assert hints.hint("团委会") == "是不是“团委”？"
    assert hints.hint("毫不相干的名字") == ""


def test_small_lists_suggest_what_difflib_does() -> None:
    import difflib

    names = ["通知", "签到表", "会议记录", "会议纪要", "照片", "新闻报道", "志愿服务时长"]
    for word in ["签到", "会议记录表", "照相", "新闻", "志愿时长", "视频", ""]:
        close = difflib.get_close_matches(word, names, n=1, cutoff=0.5)
        assert Suggestions(names).hint(word) == (f"是不是“{close[0]}”？" if close else "")


def test_a_huge_plan_and_many_records_with_an_unknown_unit(
    mini_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = mini_ledger / "plan" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    units = "".join(f"  - name: 第{n}科室\n" for n in range(UNITS))
    plan.write_text(text.replace("units:\n", "units:\n" + units, 1), encoding="utf-8")
    folder = mini_ledger / "records" / "2022"
    for n in range(300):
        unit = ("第1234科", "宣传部", "工会")[n % 3]  # three distinct unknown units
        (folder / f"20220301-活动{n}-{n:04x}.yaml").write_text(
            RECORD.format(day=n % 28 + 1, n=n, unit=unit), encoding="utf-8"
        )
    compared: list[str] = []
    candidates = Suggestions.candidates

    def counted(self: Suggestions, word: str) -> list[str]:
        found = candidates(self, word)
        compared.append(word)
        assert len(found) <= SUGGESTION_CANDIDATES
        return found

    monkeypatch.setattr(Suggestions, "candidates", counted)
    vocabulary._SUGGESTIONS.clear()
    problems = [p for p in validate(mini_ledger, use_cache=False) if p.rule == "unknown-unit"]
    assert len(problems) == 300
    assert sorted(compared) == sorted(["第1234科", "宣传部", "工会"])  # once per distinct name
    assert {p.hint for p in problems if "第1234科" in p.message} == {"是不是“第1234科室”？"}


def test_the_likely_meaning_wins_over_an_equally_close_name() -> None:
    """issue 15: shared beginnings and rare characters break ties; a shared rare run is a hint."""
    types = ["读书活动", "志愿服务", "学雷锋志愿服务", "网上创建活动", "文明实践周活动", "支委会"]
    hints = Suggestions(types)
    assert hints.hint("志愿活动") == "是不是“志愿服务”？"
    assert hints.hint("开展学雷锋活动") == "是不是“学雷锋志愿服务”？"
    assert hints.hint("座谈") == ""


def test_a_common_run_is_no_hint() -> None:
    names = [f"{n}号活动室" for n in range(50)] + ["志愿服务"]
    assert Suggestions(names).hint("活动室外的事情很多很多") == ""
