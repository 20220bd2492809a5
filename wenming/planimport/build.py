"""Assembling the imported plan: parts, sections, tasks, units and requirements, with a report."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..errors import WenmingError
from .duties import (
    Duty,
    is_collective,
    is_duty_line,
    is_mask,
    parse_duty,
    split_inline,
    split_leading,
    split_trailing,
)
from .outline import Marker, Node, build_outline, parse_marker
from .reader import Line
from .requirements import Found, read_requirements

WORK_WORDS = re.compile(
    r"创建内容|工作任务|主要任务|重点任务|重点工作|工作内容|具体任务|主要内容|任务分解|主要工作|"
    r"工作措施|具体措施|工作安排|创建任务|实施内容|主要措施|活动内容|活动安排|活动项目|任务分工|"
    r"创建措施|创建举措|工作重点|重点内容|任务清单|具体安排|主要活动|活动形式"
)
# An unknown heading that ends like a task part (…内容, …任务, …措施) is one too.
_WORK_END = re.compile(r"(内容|任务|措施|举措|安排|分工|清单|项目|做法)$")
GUIDANCE_WORDS = re.compile(
    r"指导思想|目标|组织保障|保障措施|工作要求|组织领导|基本原则|工作原则|总体要求|实施步骤|工作步骤|"
    r"目的|意义|背景|依据|原则|保障|要求$|活动时间|时间安排|实施时间|活动范围|参加对象|参与对象|"
    r"活动对象|实施范围|领导小组|组织机构|工作机构|有关事项|^活动(主题|口号|地点|名称)$|参加人员|"
    r"参与人员|总体思路|工作思路"
)
# Parts that are guidance even when they name someone responsible.
_STRICT_GUIDANCE = re.compile(
    r"目的|意义|背景|依据|指导思想|目标|原则|要求|时间|范围|对象|^活动(主题|口号|地点|名称)$|思路"
)
# A part with no responsibility whose heading names a description (测评体系, 评分标准…).
_DESCRIPTION_WORDS = re.compile(
    r"体系|测评|标准|细则|评分|分值|说明|概况|基本情况|简介|评价|考核办法"
)
_NOTICE = re.compile(r"^(.{0,40}?)关于(?:印发|转发|下发|制定)?(.+?)的通知$")
_NOTICE_BODY = re.compile(r"印发给你们|现印发|现将|请认真|请结合|遵照执行|贯彻执行|抓好落实")
# Clauses that only say when (中秋节前、3月底前、每年): never a task's title.
_TIME_CLAUSE = re.compile(r"(前|后|期间|当天|当日|之际|以来|起|时|年|月|日|初|底|末|旬|节)$")
_TITLE_WORDS = re.compile(r"计划|方案|要点|安排|规划|实施意见|工作意见|任务分解|任务清单|任务书")
_YEAR = re.compile(r"(20\d\d)\s*年")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_ORG_LINE = re.compile(
    r"^[\u4e00-\u9fff*＊]{2,20}(局|委员会|委|办公室|办事处|中心|院|校|学校|中学|小学|大学|幼儿园|医院|公司|集团|政府|党委|党组|厅|所|社区|街道|站|馆|部|处|工会|妇联|协会)$"
)
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[:：]?\s*")
_TITLE_ORG = re.compile(r"[（(]([^（）()]{2,20})[)）]\s*$")
_TITLE_ISSUER = re.compile(r"^(.{2,20}?)(?:20\d\d)\s*年")
TITLE_MAX = 40


@dataclass
class UnitOut:
    name: str
    collective: bool = False
    placeholder: bool = False
    comment: str = ""


@dataclass
class ReqOut:
    fields: dict[str, object]
    comment: str


@dataclass
class TaskOut:
    id: str
    title: str
    text: str
    lead: list[str]
    cooperating: list[str]
    requirements: list[ReqOut] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    where: str = ""


@dataclass
class SectionOut:
    id: str
    title: str
    tasks: list[TaskOut] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass
class Unplaced:
    line: Line
    reason: str
    phrase: str = ""  # the words concerned, when not the whole line


@dataclass
class PlanOut:
    year: int
    title: str
    organisation: str
    preamble: str = ""
    guidance: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)  # name -> unit
    figures: dict[str, str] = field(default_factory=dict)  # name -> unit
    units: list[UnitOut] = field(default_factory=list)
    activity_types: list[str] = field(default_factory=list)
    sections: list[SectionOut] = field(default_factory=list)
    header_comments: list[str] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    title_guessed: bool = False
    organisation_guessed: bool = False

    @property
    def tasks(self) -> list[TaskOut]:
        return [t for s in self.sections for t in s.tasks]

    def requirement_counts(self) -> Counter[str]:
        return Counter(str(r.fields["kind"]) for t in self.tasks for r in t.requirements)


class _Units:
    """The unit vocabulary in order of first mention; each mask becomes its own placeholder."""

    def __init__(self) -> None:
        self.units: dict[str, UnitOut] = {}
        self.placeholders = 0

    def use(self, name: str, why: str) -> str:
        if is_mask(name):
            self.placeholders += 1
            placeholder = f"待定单位{self.placeholders}"
            self.units[placeholder] = UnitOut(
                placeholder, placeholder=True, comment=f"原文为“{name}”（{why}），请填写真实名称"
            )
            return placeholder
        if name not in self.units:
            self.units[name] = UnitOut(name, collective=is_collective(name))
        return name

    def missing(self, why: str) -> str:
        self.placeholders += 1
        placeholder = f"待定单位{self.placeholders}"
        self.units[placeholder] = UnitOut(placeholder, placeholder=True, comment=why)
        return placeholder


def first_sentence(text: str) -> str:
    return re.split(r"[。；;！!？?]", text.lstrip("。；;！!？?，,、 "), maxsplit=1)[0].strip()


def short_title(text: str) -> tuple[str, bool]:
    """A task title from its text, and whether it had to be cut."""
    sentence = first_sentence(text)
    if len(sentence) <= TITLE_MAX:
        return sentence, False
    for clause in re.split(r"[，,：:]", sentence):
        clause = clause.strip()
        if len(clause) <= 8 and _TIME_CLAUSE.search(clause):
            continue  # 中秋节前，组织…: the title is what is done, not when
        if 4 <= len(clause) <= TITLE_MAX:
            return clause, True
        break
    return sentence[:30] + "…", True


def find_year(lines: list[Line], explicit: int | None) -> int:
    if explicit is not None:
        return explicit
    head = " ".join(ln.text for ln in lines[:5])
    match = _YEAR.search(head)
    if match:
        return int(match.group(1))
    counts = Counter(m.group(1) for ln in lines for m in _YEAR.finditer(ln.text))
    if counts:
        return int(counts.most_common(1)[0][0])
    raise WenmingError("无法从文件中确定计划年份", "用 --year 指定，例如 --year 2022")


def build(lines: list[Line], year: int | None = None) -> PlanOut:
    if not lines:
        raise WenmingError("文件中没有文字", "确认选对了文件；扫描件（图片）需要先识别成文字")
    plan_year = find_year(lines, year)
    plan = PlanOut(plan_year, "", "")
    lines = _attachments(plan, lines)
    lines = _signature(plan, lines)
    root = build_outline(lines)
    _front(plan, root.body)
    section_nodes, guidance_nodes = _parts(plan, root)
    if not section_nodes:
        raise WenmingError(
            "没有找到编号的工作条目（如“（一）……”“1、……”）",
            "计划的工作任务应按“一、（一）1、”等编号分条书写；请检查文件内容",
        )
    for node in guidance_nodes:
        if node.marker and node.line:
            text = "\n".join(ln.text for ln in node.all_lines()[1:])
            plan.guidance.append((_heading(node), text))
    units = _Units()
    seen: set[str] = set()
    for node in section_nodes:
        section = _section(plan, node, units, seen)
        plan.sections.append(section)
    plan.units = list(units.units.values())
    plan.activity_types = list(dict.fromkeys(
        t for task in plan.tasks for r in task.requirements
        for t in ([r.fields["type"]] if "type" in r.fields else []) + list(r.fields.get("types", []))  # type: ignore[call-overload]
    ))  # fmt: skip
    return plan


def _heading(node: Node) -> str:
    return first_sentence(node.marker.rest) if node.marker else ""


def _work_parts(nodes: list[Node]) -> list[Node]:
    """The top-level parts that hold the tasks: 工作任务, 活动内容, or one unknown …任务/…措施."""

    def plain(node: Node) -> bool:
        heading = _heading(node)
        return not (GUIDANCE_WORDS.search(heading) or _DESCRIPTION_WORDS.search(heading))

    known = [n for n in nodes if plain(n) and WORK_WORDS.search(_heading(n))]
    if known:
        return known
    # Several headings ending in 任务 (思想建设任务、文化建设任务) are the sections themselves.
    guessed = [n for n in nodes if plain(n) and _WORK_END.search(_heading(n))]
    return guessed if len(guessed) == 1 else []


def _has_duty(node: Node) -> bool:
    for index, line in enumerate(node.all_lines()):
        text = node.marker.rest if index == 0 and node.marker else line.text
        if is_duty_line(text) or any(
            split(text)[1] for split in (split_leading, split_trailing, split_inline)
        ):
            return True
    return False


def _is_table(node: Node) -> bool:
    """A row of a task table: a numbered item from a table, with no items under it."""
    return bool(node.line and node.line.table and not node.children)


def _parts(plan: PlanOut, root: Node) -> tuple[list[Node], list[Node]]:
    """The nodes that are sections, and the top-level parts that are guidance.

    Purpose, goals, safeguards and the like are guidance wherever they stand. Under a task
    heading (工作任务, 活动内容…) the next level are the sections; the rows of one task table
    there make one section, the heading's own. Without a task heading the top-level parts
    are the sections, except a part with no responsibility that describes (测评体系…).
    """
    work = _work_parts(root.children)
    if work:
        sections: list[Node] = []
        for node in work:
            if node.children and all(_is_table(c) for c in node.children):
                sections.append(node)
                continue
            sections.extend(node.children)
            for line in node.body:
                plan.unplaced.append(Unplaced(line, f"“{_heading(node)}”的导语，未归入任何任务"))
        guidance = [n for n in root.children if n not in work]
        for node in guidance:
            heading = _heading(node)
            if node.line and not GUIDANCE_WORDS.search(heading) and _has_duty(node):
                plan.unplaced.append(
                    Unplaced(
                        node.line, "写有责任单位，但不在工作任务部分，已归入 guidance", heading
                    )
                )
        return sections, guidance
    sections = []
    guidance = []
    for node in _table_sections(root.children):
        heading = _heading(node)
        if GUIDANCE_WORDS.search(heading) and not (
            # 加强组织领导 with a 责任单位 is work; 活动目的 is guidance whatever it says.
            _has_duty(node) and not _STRICT_GUIDANCE.search(heading)
        ):
            guidance.append(node)
        elif _DESCRIPTION_WORDS.search(heading) and not _has_duty(node):
            guidance.append(node)
            if node.line:
                plan.unplaced.append(
                    Unplaced(
                        node.line,
                        "没有责任单位，读作说明，已归入 guidance",
                        heading,
                    )
                )
        else:
            sections.append(node)
    return sections, guidance


def _table_sections(nodes: list[Node]) -> list[Node]:
    """Top-level rows of a task table, each run gathered into one section of its own."""
    out: list[Node] = []
    for node in nodes:
        if not _is_table(node):
            out.append(node)
            continue
        previous = out[-1] if out else None
        if not (previous and previous.marker and previous.marker.label == "" and previous.children):
            # A section the source never numbered: label "" marks it as made up here.
            marker = Marker("一、", sum(1 for n in out if n.marker) + 1, "", "工作任务")
            out.append(Node(marker, node.line))
        out[-1].children.append(node)
    return out


def _attachments(plan: PlanOut, lines: list[Line]) -> list[Line]:
    for index, line in enumerate(lines):
        # A notice's 附件 that is the plan itself comes before any numbered item.
        if (
            _ATTACHMENT.match(line.text)
            and index > len(lines) // 2
            and any(parse_marker(ln.text) for ln in lines[:index])
        ):
            rest = _ATTACHMENT.sub("", line.text)
            items = [i.strip() for i in re.split(r"\s*\d+[.．、]\s*", rest) if i.strip()]
            plan.attachments = items or ([rest] if rest else [])
            for later in lines[index + 1 :]:
                plan.unplaced.append(Unplaced(later, "附件的内容，未导入"))
            return lines[:index]
    return lines


def _signature(plan: PlanOut, lines: list[Line]) -> list[Line]:
    end = len(lines)
    while end and len(lines) - end < 3:
        text = lines[end - 1].text
        if _DATE_LINE.match(text):
            end -= 1
        elif _ORG_LINE.match(text):
            plan.organisation = plan.organisation or text
            end -= 1
        else:
            break
    return lines[:end]


def _front(plan: PlanOut, body: list[Line]) -> None:
    rest = list(body)
    notice = None
    for size in (1, 2, 3):  # a long notice title is often broken over two or three lines
        if len(rest) >= size and "关于" in rest[0].text:
            notice = _NOTICE.match("".join(ln.text for ln in rest[:size]))
            if notice:
                del rest[:size]
                break
    if notice:
        # 某某局关于印发《…》的通知: the issuer, the plan's title, then the notice's own text.
        if re.fullmatch(r"[\u4e00-\u9fff*＊（）() 、]{2,40}", notice.group(1)):
            plan.organisation = plan.organisation or notice.group(1)
        quoted = re.search(r"《([^《》]+)》", notice.group(2))
        plan.title = quoted.group(1) if quoted else notice.group(2)
        while rest and (
            rest[0].text.rstrip().endswith(("：", ":"))
            or _NOTICE_BODY.search(rest[0].text)
            or _DATE_LINE.match(rest[0].text)
            or _ORG_LINE.match(rest[0].text)
            or re.fullmatch(r"附\s*件\s*\d*\s*[:：]?", rest[0].text)
        ):
            plan.header_comments.append(f"通知原文：{rest.pop(0).text}")
        if rest and rest[0].text.strip("《》 ") == plan.title:
            rest.pop(0)
    elif (
        rest
        and len(rest[0].text) <= 60
        and _TITLE_WORDS.search(rest[0].text)
        and not rest[0].text.endswith("。")
    ):
        plan.title = rest.pop(0).text
        org = _TITLE_ORG.search(plan.title)
        if org:
            plan.organisation = plan.organisation or org.group(1)
            plan.title = plan.title[: org.start()].strip()
    while rest and _ORG_LINE.match(rest[0].text):
        plan.organisation = plan.organisation or rest.pop(0).text
    issuer = _TITLE_ISSUER.match(plan.title)
    if not plan.organisation and issuer and _ORG_LINE.match(issuer.group(1)):
        plan.organisation = issuer.group(1)  # 某某区司法局2024年…要点
    if not plan.title:
        plan.title = f"{plan.year}年文明单位创建工作计划"
        plan.title_guessed = True
    if not plan.organisation:
        plan.organisation = "待填写"
        plan.organisation_guessed = True
    plan.preamble = "\n".join(ln.text for ln in rest)


def _section(plan: PlanOut, node: Node, units: _Units, seen: set[str]) -> SectionOut:
    assert node.marker is not None and node.line is not None
    section_id = str(node.marker.number)
    if section_id in seen:
        new_id = str(max(int(s) for s in seen if s.isdigit()) + 1)
        plan.unplaced.append(Unplaced(node.line, f"编号“{node.marker.label}”重复，改为 {new_id}"))
        section_id = new_id
    seen.add(section_id)
    heading, heading_duty = split_leading(node.marker.rest)
    if heading_duty is None:
        heading, heading_duty = split_trailing(heading)
    if heading_duty is None:
        heading, heading_duty = split_inline(heading)
    section = SectionOut(section_id, first_sentence(heading).rstrip("，,") or f"章节 {section_id}")
    if not node.children:
        title = section.title if len(section.title) <= TITLE_MAX else short_title(section.title)[0]
        section.tasks.append(_task(plan, section_id, node, title, node.all_lines(), Duty(), units))
        return section
    default = Duty()
    if heading_duty is not None:  # （一）思想道德建设（宣传科牵头）: for every task below
        default.merge(heading_duty)
    for line in node.body:
        if is_duty_line(line.text):
            default.merge(parse_duty(line.text))
        else:
            section.comments.append(f"原文：{line.text}")
            plan.unplaced.append(Unplaced(line, f"章节 {section_id} 的说明文字，已作为注释保留"))
    task_ids: set[str] = set()
    for child in node.children:
        assert child.marker is not None
        task_id = f"{section_id}.{child.marker.number}"
        if task_id in task_ids:
            new_id = f"{section_id}.{len(task_ids) + 1}"
            while new_id in task_ids:
                new_id += "0"
            if child.line:
                plan.unplaced.append(
                    Unplaced(child.line, f"编号“{child.marker.label}”重复，改为 {new_id}")
                )
            task_id = new_id
        task_ids.add(task_id)
        # The title is what is done: a responsibility before or after it is not part of it.
        title, cut = short_title(split_trailing(split_leading(child.marker.rest)[0])[0])
        task = _task(plan, task_id, child, title, child.all_lines(), default, units)
        if cut:
            task.comments.append("标题取自原文开头，可改短")
        section.tasks.append(task)
    return section


def _task(
    plan: PlanOut,
    task_id: str,
    node: Node,
    title: str,
    lines: list[Line],
    default: Duty,
    units: _Units,
) -> TaskOut:
    assert node.marker is not None
    duty = Duty()
    text_lines: list[str] = []
    for index, line in enumerate(lines):
        text = node.marker.rest if index == 0 else line.text
        text, inline = split_leading(text)
        if inline is not None and not text.strip():
            duty.merge(inline)  # （责任单位：团委） on a line of its own
            continue
        if inline is None and is_duty_line(text):
            duty.merge(parse_duty(text))
            continue
        if inline is None:
            inline = split_trailing(text)[1]
        if inline is None:
            text, inline = split_inline(text)
        if inline is not None:
            duty.merge(inline)
        text_lines.append(text)
    if duty.empty or not (duty.lead or duty.cooperating):
        duty.merge(default)
    where = lines[0].where if lines else ""
    if not "".join(text_lines).strip():  # the item was only a responsibility line
        text_lines = [node.marker.rest]
    title = title.rstrip("。") or f"任务 {task_id}"
    task = TaskOut(task_id, title, "\n".join(text_lines), [], [], where=where)
    why = f"任务 {task_id}"
    task.lead = [units.use(n, why + " 牵头") for n in duty.lead]
    task.cooperating = [units.use(n, why + " 配合") for n in duty.cooperating if n not in duty.lead]
    if not task.lead:
        task.lead = [units.missing(f"原文未写明任务 {task_id} 的牵头单位，请填写")]
        plan.unplaced.append(
            Unplaced(lines[0], f"任务 {task_id} 没有找到责任单位，牵头单位暂记为“{task.lead[0]}”")
        )
    for note in duty.notes:
        task.comments.append(note)
    if duty.people:
        task.comments.append(f"责任人：{'、'.join(duty.people)}")
    found, doubts = read_requirements(
        task.text, plan.year, duty.deadline, duty.deadline_label or "完成时间"
    )
    for item in found:
        task.requirements.append(ReqOut(item.fields, _req_comment(item)))
        if item.figure:
            plan.figures.setdefault(*item.figure)
        if item.fact:
            plan.facts.setdefault(*item.fact)
    for doubt in doubts:
        task.comments.append(f"未定：“{doubt.phrase}”——{doubt.comment}")
        said = next((ln for ln in lines if doubt.phrase in ln.text), lines[0] if lines else None)
        if said is not None:
            plan.unplaced.append(Unplaced(said, f"任务 {task_id}：{doubt.comment}", doubt.phrase))
    return task


def _req_comment(item: Found) -> str:
    said = f"原文“{item.phrase}”"
    return f"{said}；{item.comment}" if item.comment else said
