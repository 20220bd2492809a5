"""Responsibility lines (责任单位、牵头单位、责任科室、责任人…) split into lead and cooperating units."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Label -> role. Order matters only for reading; longest labels are tried first.
_LABELS: dict[str, str] = {
    "牵头单位": "lead", "牵头部门": "lead", "牵头科室": "lead", "牵头处室": "lead",
    "主办单位": "lead", "主责单位": "lead", "主责部门": "lead",
    "负责单位": "lead", "负责部门": "lead", "负责科室": "lead",
    "牵头股室": "lead", "牵头机构": "lead",
    "责任单位": "duty", "责任部门": "duty", "责任科室": "duty", "责任处室": "duty",
    "责任股室": "duty", "责任机构": "duty", "责任主体": "duty",
    "配合单位": "coop", "配合部门": "coop", "配合科室": "coop", "协办单位": "coop",
    "参与单位": "coop", "协同单位": "coop", "协助单位": "coop", "配合股室": "coop",
    "参与部门": "coop",
    "责任领导": "person", "分管领导": "person", "责任人": "person", "负责人": "person",
    "联系人": "person",
    "完成时间": "deadline", "完成时限": "deadline", "时间要求": "deadline", "完成期限": "deadline",
    "时间节点": "deadline",
    "牵头": "lead", "配合": "coop",
}  # fmt: skip
_LABEL_RE = re.compile(
    "(" + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)) + r")\s*[:：]\s*"
)
_LINE_START = re.compile(r"^[(（【\[]?\s*(" + "|".join(map(re.escape, _LABELS)) + r")\s*[:：]")
_TRAILING = re.compile(r"[(（]([^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*)[)）]\s*[。；;]?\s*$")
_ROLE_WORDS = re.compile(r"(牵头|负责|主抓|配合|协助|协办|参与|参加)")
_LEAD_WORDS = ("牵头", "负责", "主抓")
_MASK = re.compile(r"^\*{2,}$|^＊{2,}$")
_COLLECTIVE = re.compile(r"各|全体|所有|相关单位|有关单位|有关部门|相关部门")
# Unit names end in these; a bare name without one (张三) is a person, not a unit.
_UNIT_END = re.compile(
    r"(局|委|办|室|科|处|部|中心|会|队|组|站|所|院|校|支部|党委|单位|公司|团|股|馆|总支|机关|班子|团委|工会)$"
)


@dataclass
class Duty:
    """Who answers for an item, as read from its responsibility text."""

    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)  # 责任人/责任领导: people, kept as a comment
    deadline: str = ""  # the text of a 完成时间 label
    deadline_label: str = ""  # the label as the source wrote it: 完成时间, 时间要求…
    notes: list[str] = field(default_factory=list)

    def merge(self, other: Duty) -> None:
        for mine, theirs in (
            (self.lead, other.lead),
            (self.cooperating, other.cooperating),
            (self.people, other.people),
        ):
            _add(mine, theirs)
        if not self.deadline:
            self.deadline, self.deadline_label = other.deadline, other.deadline_label
        self.notes.extend(other.notes)

    @property
    def empty(self) -> bool:
        return not (self.lead or self.cooperating or self.people or self.deadline)


def is_duty_line(text: str) -> bool:
    return bool(_LINE_START.match(text.strip()))


def is_mask(name: str) -> bool:
    return bool(_MASK.match(name))


def is_collective(name: str) -> bool:
    return bool(_COLLECTIVE.search(name))


def looks_like_unit(name: str) -> bool:
    return is_mask(name) or is_collective(name) or bool(_UNIT_END.search(name))


def parse_duty(text: str) -> Duty:
    """Every labelled part of a responsibility line, on one line or run together."""
    text = text.strip().lstrip("（(【[").strip()
    # A closing bracket that closes nothing wrapped the line; 各村（社区） keeps its own.
    while text[-1:] in ("）", ")", "】", "]") and _unbalanced(text):
        text = text[:-1].rstrip()
    matches = list(_LABEL_RE.finditer(text))
    duty = Duty()
    if not matches:
        return duty
    has_lead_label = any(_LABELS[m.group(1)] == "lead" for m in matches)
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip(" ，,；;。")
        role = _LABELS[match.group(1)]
        if role == "duty" and has_lead_label:
            role = "coop"  # 牵头单位：A 责任单位：B — B shares the work
        if role == "deadline":
            duty.deadline, duty.deadline_label = value, match.group(1)
        elif role == "person":
            _people(duty, value)
        elif role in ("lead", "coop"):
            target = duty.lead if role == "lead" else duty.cooperating
            _add(target, split_units(_ROLE_WORDS.sub("", value)))
        else:
            _duty_value(duty, value)
    return duty


def _unbalanced(text: str) -> bool:
    opened = sum(text.count(c) for c in "（(【[")
    return opened < sum(text.count(c) for c in "）)】]")


def _people(duty: Duty, value: str) -> None:
    for name in split_units(value):
        if looks_like_unit(name) and not is_mask(name):
            # 责任人：办公室 — some plans name the office, not the person.
            duty.notes.append(f"“{name}”写在责任人一栏，按单位理解")
            _add(duty.lead, [name])
        else:
            _add(duty.people, [name])


def _duty_value(duty: Duty, value: str) -> None:
    """`A牵头，B、C配合`, `A、B负责`, `由A牵头B配合`, or a bare list of units."""
    marked = _ROLE_WORDS.sub(lambda m: m.group(1) + "，", value)
    parts = [p.strip() for p in re.split(r"[，,；;。]", marked) if p.strip()]
    bare: list[str] = []
    for part in parts:
        part = re.sub(r"^(由|请)", "", part)
        word = _ROLE_WORDS.search(part)
        names = split_units(_ROLE_WORDS.sub("", part))
        if word is None:
            bare.extend(names)
        elif word.group(1) in _LEAD_WORDS:
            _add(duty.lead, bare + names)
            bare = []
        elif bare and not duty.lead and names:
            # 工会；各科室配合: the unit named before the 配合 group leads it.
            _add(duty.lead, bare)
            _add(duty.cooperating, names)
            bare = []
        else:
            _add(duty.cooperating, bare + names)
            bare = []
    if bare:
        if duty.lead or duty.cooperating:
            _add(duty.cooperating if duty.lead else duty.lead, bare)
        else:
            # No 牵头/配合 words: named offices lead, collectives (各科室…) cooperate.
            leads = [n for n in bare if not is_collective(n)] or bare
            _add(duty.lead, leads)
            _add(duty.cooperating, [n for n in bare if n not in leads])
            if len(leads) > 1:
                duty.notes.append("原文未写明牵头与配合，所列单位均作为牵头单位")


def split_units(value: str) -> list[str]:
    names = []
    for raw in re.split(r"[、，,；;/／]|\s+|及(?=各)|和(?=各)", value):
        name = raw.strip(' 　。.:：“”"')
        # 各村（社区）keeps its parentheses; only an unmatched one is stray punctuation.
        if name.count("（") + name.count("(") != name.count("）") + name.count(")"):
            name = name.strip("()（）")
        name = re.sub(r"等$", "", name)
        if name and name not in ("等", "无"):
            names.append(name)
    return names


def _add(target: list[str], names: list[str]) -> None:
    for name in names:
        # Masks repeat (****、****) yet stand for different units, so they are all kept.
        if is_mask(name) or name not in target:
            target.append(name)


# A label inside running text counts only after a sentence or clause ends, or after a space.
_INLINE_BEFORE = "。；;，,！!？?)）】 "


def split_inline(text: str) -> tuple[str, Duty | None]:
    """Labels after the sentence, in the same paragraph: `……活动。责任单位：办公室　完成时间：…`."""
    for match in _LABEL_RE.finditer(text):
        if match.start() == 0:
            continue
        before = text[: match.start()]
        # 责任单位：… run on without punctuation still counts; 牵头：/配合： only after a stop,
        # and 明确责任单位： is prose.
        if before[-1] not in _INLINE_BEFORE and (
            len(match.group(1)) < 4 or before.endswith(("明确", "落实", "确定", "由"))
        ):
            continue
        duty = parse_duty(text[match.start() :])
        if duty.empty:
            continue
        return text[: match.start()].rstrip(), duty
    return text, None


_LEADING = re.compile(r"^\s*[【\[(（]([^】\]()（）]*[:：][^】\]()（）]*)[】\])）]\s*")


def split_leading(text: str) -> tuple[str, Duty | None]:
    """A bracketed responsibility before the item's text: `【责任单位：团委】开展……`."""
    match = _LEADING.match(text)
    if not match or not _LABEL_RE.search(match.group(1)):
        return text, None
    duty = parse_duty(match.group(1))
    return (text[match.end() :], duty) if not duty.empty else (text, None)


def split_trailing(text: str) -> tuple[str, Duty | None]:
    """A responsibility given in parentheses at the end of an item: `……活动。（责任单位：团委）`."""
    match = _TRAILING.search(text)
    if not match:
        return text, None
    inner = match.group(1).strip()
    duty = parse_duty(inner) if _LABEL_RE.search(inner) else None
    if duty is None or duty.empty:
        # `（办公室牵头，各科室配合）` / `（工会负责）`: role words without a label.
        if not _ROLE_WORDS.search(inner):
            return text, None
        duty = Duty()
        _duty_value(duty, inner)
        if not all(looks_like_unit(n) for n in (*duty.lead, *duty.cooperating)):
            return text, None
    return text[: match.start()].rstrip(), duty
