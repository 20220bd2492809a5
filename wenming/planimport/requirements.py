"""Requirements a plan states plainly: deadlines, frequencies, numeric targets, activity lists, festivals."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from ..numbers import parse_chinese_numeral

FESTIVALS = ("春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳")
_FESTIVAL_RE = re.compile(r"(春节|元宵|清明|端午|七夕|中秋|重阳)节?")
_ALL_FESTIVALS = re.compile(r"传统节日|我们的节日|传统佳节|重要节日")
_NUMBER = r"(\d+|[一二两三四五六七八九十]{1,3})"


@dataclass
class Found:
    """One requirement read from the text, as plan YAML fields, with the phrase it came from."""

    fields: dict[str, object]
    phrase: str
    comment: str = ""
    activity_types: list[str] = field(default_factory=list)
    figure: tuple[str, str] | None = None  # (name, unit) to declare in `figures`
    fact: tuple[str, str] | None = None  # (name, unit) to declare in `facts`


@dataclass
class Doubt:
    """Something that looks like a requirement but is not plain enough to enforce."""

    phrase: str
    comment: str


def _int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return parse_chinese_numeral(text.replace("两", "二"))


# ---------------------------------------------------------------- deadlines

_DEADLINE = re.compile(
    r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})[日号]|(底|末|上旬|中旬|下旬))?(?:之前|以前|前|完成|结束)"
)
_YEAR_END = re.compile(r"(?:(\d{4})年)?(年底|年末|年内|年终)(?:前|之前|完成)?")
_PERIOD_END = re.compile(r"(上半年|下半年|[第]?[一二三四1-4]季度)(?:末|底)?(?:前|之前|完成|内)")
_LOOSE_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})[日号]|(底|末|上旬|中旬|下旬))?")
_QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def _month_date(year: int, month: int, day: str | None, part: str | None) -> date | None:
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day:
        return date(year, month, int(day)) if 1 <= int(day) <= last else None
    return date(year, month, {"上旬": 10, "中旬": 20}.get(part or "", last))


def deadline_of(text: str, year: int) -> tuple[date | None, str]:
    """The first deadline in text and the phrase it was read from; (None, "") if there is none."""
    for pattern, loose in (
        (_DEADLINE, False),
        (_YEAR_END, False),
        (_PERIOD_END, False),
        (_LOOSE_DATE, True),
    ):
        if loose and not text:
            break
        match = pattern.search(text)
        if not match:
            continue
        if pattern is _YEAR_END:
            y = int(match.group(1)) if match.group(1) else year
            return date(y, 12, 31), match.group(0)
        if pattern is _PERIOD_END:
            word = match.group(1)
            month = (
                6
                if word == "上半年"
                else 12
                if word == "下半年"
                else _QUARTER_END[word.strip("第")[0]]
            )
            return date(year, month, calendar.monthrange(year, month)[1]), match.group(0)
        y = int(match.group(1)) if match.group(1) else year
        return _month_date(y, int(match.group(2)), match.group(3), match.group(4)), match.group(0)
    return None, ""


def deadlines(
    text: str, year: int, labelled: str = "", label: str = "完成时间"
) -> tuple[list[Found], list[Doubt]]:
    found: list[Found] = []
    doubts: list[Doubt] = []
    candidates: list[tuple[date | None, str]] = []
    if labelled:
        by, phrase = deadline_of(labelled, year)
        candidates.append((by, phrase or labelled))
        if by is None:
            doubts.append(Doubt(f"{label}：{labelled}", f"{label}不是具体日期，未设截止要求"))
    for match in _DEADLINE.finditer(text):
        candidates.append(deadline_of(match.group(0), year))
    for match in _YEAR_END.finditer(text):
        if match.group(0).endswith(("前", "完成")):
            candidates.append(deadline_of(match.group(0), year))
    seen: set[date] = set()
    for by, phrase in candidates:
        if by is None or by in seen:
            continue
        seen.add(by)
        if by.year != year:
            doubts.append(Doubt(phrase, f"截止日期 {by} 不在 {year} 年内，未设截止要求"))
            continue
        found.append(Found({"kind": "deadline", "by": by}, phrase))
    return found, doubts


# ---------------------------------------------------------------- frequencies and counts

# 每周/每学期/每两个月… and 全年; the group names the period, None where the plan model
# cannot hold it (it counts per month, quarter, half or year only).
_CADENCE = re.compile(
    r"每(?:一|个)?(周|星期|双周|两周|旬|学期|学年|半年|两个?月|双月|季度?|月|年度?)"
    r"|(全年|年内|年度内)|((?:上、?)?下半年各)"  # 上、下半年各: the 、 splits clauses
)
_PERIODS: dict[str, str | None] = {
    "周": None, "星期": None, "双周": None, "两周": None, "旬": None, "学期": None,
    "学年": None, "两个月": None, "两月": None, "双月": None,
    "半年": "half", "上下半年各": "half", "上、下半年各": "half", "下半年各": "half",
    "季": "quarter", "季度": "quarter", "月": "month",
    "年": "year", "年度": "year", "全年": "year", "年内": "year", "年度内": "year",
}  # fmt: skip
_PERIOD_WORDS = {"周": "每周", "星期": "每周", "双周": "每两周", "两周": "每两周", "旬": "每旬",
                 "学期": "每学期", "学年": "每学年"}  # fmt: skip
_COUNT = re.compile(
    r"(?:(至少|不少于|不低于|超过|多于)[\u4e00-\u9fff]{0,4}?)?\s*"
    + _NUMBER
    + r"\s*(次|场|期|篇|名|人)(?!性|次|民|员|均)"
)
# 每个节日、每次、每人: a count per something that is not a period of time.
_PER_OTHER = re.compile(r"每(?:个|一|位|名|项)?[\u4e00-\u9fff]")
_OCCASIONS = ("次", "场", "期")  # held as count requirements
_CLAUSE = re.compile(r"[^，,。；;！!？?、\n]+")
_NOUN_VERBS = re.compile(
    r"^.*?(?:发布|报送|上报|刊发|刊登|撰写|编发|推送|评选表彰|评选|表彰|选树|推荐|培训|招募|"
    r"发展|吸纳|培养|征集|慰问|走访|帮扶|结对|资助|新增|注册)"
)
_MEASURES = {"篇": "篇数", "名": "人数", "人": "人数"}


def frequencies(text: str) -> tuple[list[Found], list[Doubt]]:
    """Cadences (每月…一次) and counts (不少于6期, 不少于5篇), clause by clause.

    Whatever looks like one yet cannot become a requirement is returned as a doubt, so the
    report can name it: nothing of this kind is dropped without a word.
    """
    found: list[Found] = []
    doubts: list[Doubt] = []
    seen: set[tuple[str, int]] = set()
    for clause_match in _CLAUSE.finditer(text):
        clause = clause_match.group(0).strip()
        cadence = _CADENCE.search(clause)
        count = _COUNT.search(clause, cadence.end() if cadence else 0)
        if cadence is None and (count is None or count.group(1) is None):
            continue  # 举办一次: a number of times, but no cadence and no minimum
        if cadence is None and _PER_OTHER.search(clause[: count.start() if count else None]):
            assert count is not None
            doubts.append(Doubt(clause[: count.end()], "按“每……”计的数量无法写入计划，未生成要求"))
            continue
        end = count.end() if count else min(len(clause), cadence.end() + 8) if cadence else 0
        phrase = clause[cadence.start() if cadence else count.start() if count else 0 : end]
        word = (cadence.group(1) or cadence.group(2) or cadence.group(3)) if cadence else "全年"
        per = _PERIODS.get(word)
        if cadence is not None and cadence.group(2) and count is None:
            continue  # 全年 alone is a time span, not a frequency
        if per is None:
            said = _PERIOD_WORDS.get(word, f"每{word}")
            doubts.append(Doubt(phrase, f"按“{said}”计的频次无法写入计划，未生成要求"))
            continue
        measure = count.group(3) if count else "次"
        minimum = _int(count.group(2)) if count else 1
        if not minimum:
            continue
        if measure in _OCCASIONS:
            if (per, minimum) in seen:
                continue
            seen.add((per, minimum))
            comment = "" if count else "原文未写次数，按至少 1 次"
            if cadence is None:
                comment = "原文未写周期，按全年计"
            found.append(Found({"kind": "count", "per": per, "min": minimum}, phrase, comment))
            continue
        assert count is not None
        metric = _counted_metric(clause, count, per, minimum, phrase)
        if isinstance(metric, Found):
            found.append(metric)
        else:
            doubts.append(metric)
    return found, doubts


def _counted_metric(
    clause: str, count: re.Match[str], per: str, target: int, phrase: str
) -> Found | Doubt:
    """`发布宣传稿件不少于5篇` as a yearly sum of a figure the records fill in (宣传稿件篇数)."""
    before = clause[: count.start()]
    noun = _CADENCE.sub("", _NOUN_VERBS.sub("", before)) if _NOUN_VERBS.search(before) else ""
    measure = count.group(3)
    if per != "year" or not re.fullmatch(r"[\u4e00-\u9fff]{2,8}", noun):
        return Doubt(phrase, "数量目标，未能确定要统计的数值项，未生成要求")
    field_name = noun + _MEASURES[measure]
    op = ">" if count.group(1) in ("超过", "多于") else ">="
    return Found(
        {"kind": "metric", "name": field_name, "field": field_name, "aggregate": "sum",
         "op": op, "target": target, "unit": measure},
        phrase,
        f"记录中填写“{field_name}”，全年合计",
        figure=(field_name, measure),
    )  # fmt: skip


# ---------------------------------------------------------------- numeric targets

_OPS = {"≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "达到": ">=", "达": ">=",
        "超过": ">", ">": ">", "高于": ">", "以上": ">="}  # fmt: skip
_RATE = re.compile(
    r"([\u4e00-\u9fff]{0,12}?([\u4e00-\u9fff]{1,4}率))\s*(≥|>=|>|不低于|不少于|达到|达|超过|高于)\s*(\d+(?:\.\d+)?)\s*[%％]"
)
# Any other stated percentage (比例达到15%): reported rather than dropped.
_PERCENT = re.compile(
    r"[^，,。；;\n]{0,16}(?:≥|>=|>|不低于|不少于|达到|达|超过|高于)\s*\d+(?:\.\d+)?\s*[%％]"
)
_HOURS = re.compile(
    r"((?:年|人均|年均|年平均|每年|全年)[\u4e00-\u9fff]{0,10}?)(超过|不少于|不低于|达到|达|≥|>)\s*(\d+(?:\.\d+)?)\s*(?:个)?小时"
)


def targets(text: str) -> tuple[list[Found], list[Doubt]]:
    found: list[Found] = []
    doubts: list[Doubt] = []
    for match in _RATE.finditer(text):
        name = re.sub(
            r"^.*(?:使|让|确保|力争|实现|保证|保持|达到)", "", match.group(1)
        ) or match.group(2)
        figure = match.group(2)[-3:]  # 普及率、满意率…: the measure, not whose it is
        found.append(
            Found(
                {"kind": "metric", "name": name, "field": figure, "aggregate": "latest",
                 "op": _OPS[match.group(3)], "target": _number(match.group(4)), "unit": "%"},
                match.group(0),
                f"记录中填写“{figure}”，取最近一次的数值",
                figure=(figure, "%"),
            )
        )  # fmt: skip
    read = [m.span() for m in _RATE.finditer(text)]
    for match in _PERCENT.finditer(text):
        if not any(start < match.end() <= end for start, end in read):
            doubts.append(Doubt(match.group(0), "百分比目标，未能确定是哪个比率，未生成要求"))
    for match in _HOURS.finditer(text):
        volunteer = "志愿" in text[max(0, match.start() - 40) : match.end()]
        if not volunteer:
            doubts.append(
                Doubt(
                    match.group(0), "看起来是时长目标，但不是志愿服务时长，请手工添加 metric 要求"
                )
            )
            continue
        if not re.search(r"人均|年均|平均", match.group(1)):
            # 全年志愿服务时长不少于500小时: the unit's total, not each volunteer's.
            found.append(
                Found(
                    {"kind": "metric", "name": "年志愿服务总时长", "field": "志愿服务时长",
                     "aggregate": "sum", "op": _OPS[match.group(2)],
                     "target": _number(match.group(3)), "unit": "小时"},
                    match.group(0),
                    "各条记录的志愿服务时长之和",
                    figure=("志愿服务时长", "小时"),
                )
            )  # fmt: skip
            continue
        found.append(
            Found(
                {"kind": "metric", "name": "注册志愿者年人均服务时长", "field": "志愿服务时长",
                 "aggregate": "sum", "per_fact": "注册志愿者人数", "op": _OPS[match.group(2)],
                 "target": _number(match.group(3)), "unit": "小时"},
                match.group(0),
                "志愿服务时长之和除以 facts 中的注册志愿者人数",
                figure=("志愿服务时长", "小时"),
                fact=("注册志愿者人数", "人"),
            )
        )  # fmt: skip
    return found, doubts


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- activity-type lists

_COUNTED_LIST = re.compile(
    r"((?:[^、，。；：:“”\"\s（）()]{1,16}、){1,11}[^、，。；：:“”\"\s（）()]{1,16}?)(等)?"
    + _NUMBER
    + r"(?:类|项|种|大)(?:活动|比赛|赛事|主题活动|系列活动)"
)
_VERBS = re.compile(
    r"^.*?(?:深入开展|广泛开展|积极开展|组织开展|开展|举办|举行|组织|进行|包括|即|如|参加|参与)"
)


def activity_lists(text: str) -> tuple[list[Found], list[Doubt]]:
    found: list[Found] = []
    doubts: list[Doubt] = []
    for match in _COUNTED_LIST.finditer(text):
        items = match.group(1).split("、")
        items[0] = _VERBS.sub("", items[0])
        items = [i.strip() for i in items if i.strip()]
        count = _int(match.group(3))
        if count != len(items) or any(len(i) < 2 for i in items):
            doubts.append(
                Doubt(
                    match.group(0),
                    f"列出了 {len(items)} 项，与“{match.group(3)}”对不上，未生成要求",
                )
            )
            continue
        found.append(
            Found({"kind": "each_of", "types": items}, match.group(0), activity_types=items)
        )
    return found, doubts


# ---------------------------------------------------------------- festivals


def festivals(text: str) -> list[Found]:
    named = list(dict.fromkeys(m.group(1) for m in _FESTIVAL_RE.finditer(text)))
    general = _ALL_FESTIVALS.search(text)
    if not named and not general:
        return []
    etc = bool(re.search(r"(春节|元宵|清明|端午|七夕|中秋|重阳)节?等", text))
    # A list as written is kept; only 等 or a bare 传统节日/我们的节日 means every festival.
    if etc or not named:
        chosen = list(FESTIVALS)
        said = (
            "、".join(named) + ("等" if etc else "")
            if named
            else general.group(0)
            if general
            else ""
        )
        comment = f"原文为“{said}”，按七个传统节日理解；可删去不需要的" if said else ""
    else:
        chosen = [f for f in FESTIVALS if f in named]
        comment = ""
    widened = etc or not named
    phrase = general.group(0) if general and widened else "、".join(named)
    fields: dict[str, object] = {
        "kind": "festival",
        "name": "我们的节日",
        "festivals": chosen,
        "window_days": 7,
    }
    return [Found(fields, phrase, comment)]


def read_requirements(
    text: str, year: int, deadline: str = "", label: str = "完成时间"
) -> tuple[list[Found], list[Doubt]]:
    """Every plainly stated requirement in an item's text, and the doubtful ones as comments."""
    found: list[Found] = []
    doubts: list[Doubt] = []
    for more, unsure in (
        deadlines(text, year, deadline, label),
        targets(text),
        activity_lists(text),
    ):
        found += more
        doubts += unsure
    more, unsure = frequencies(text)
    found += more
    doubts += unsure
    found += festivals(text)
    if re.search(r"定期|经常性|常态化开展", text) and not any(
        f.fields["kind"] == "count" for f in found
    ):
        doubts.append(Doubt("定期", "原文写“定期”等，未写明频次；如需检查频次，请添加 count 要求"))
    return found, doubts
