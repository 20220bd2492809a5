"""The status engine on hand-made plans and records: each requirement kind at its boundaries."""

from __future__ import annotations

import json
from datetime import date

from wenming.errors import Source
from wenming.model import (
    CountReq,
    DeadlineReq,
    EachOfReq,
    Evidence,
    EvidenceSetReq,
    Fact,
    FestivalReq,
    FixedDateReq,
    MetricReq,
    Plan,
    Record,
    Requirement,
    Section,
    Task,
    Unit,
)
from wenming.render import todo_command
from wenming.status import (
    RequirementProgress,
    State,
    describe,
    evaluate,
    select,
    timeline,
)

S = Source("test.yaml")


def plan_with(*reqs: Requirement, year: int = 2022, start: date | None = None) -> Plan:
    task = Task("2", "2", "三会一课", "", S, lead=("机关党委",), requirements=tuple(reqs))
    bare = Task("9", "9", "无要求任务", "", S, lead=("创建办",))
    return Plan(
        year=year,
        title="测试",
        organisation="测试局",
        start=start or date(year, 1, 1),
        end=date(year, 12, 31),
        source=S,
        facts={"注册志愿者人数": Fact("注册志愿者人数", 10, S, "人")},
        units={n: Unit(n, S) for n in ("机关党委", "创建办")},
        activity_types=dict.fromkeys(("支委会", "党课", "我们的节日", "志愿服务"), S),
        sections=(Section("2", "队伍建设", S, (task,)), Section("9", "其他", S, (bare,))),
    )


def rec(day: date, type_: str = "支委会", tasks: tuple[str, ...] = ("2",), **kw: object) -> Record:
    return Record(
        id=f"{day:%Y%m%d}-{type_}-{len(kw):04x}",
        year=day.year,
        date=day,
        tasks=tasks,
        type=type_,
        title=type_,
        unit="机关党委",
        source=S,
        **kw,  # type: ignore[arg-type]
    )


def req_of(plan: Plan, records: list[Record], as_of: date, index: int = 0) -> RequirementProgress:
    return evaluate(plan, records, as_of).tasks[0].requirements[index]


QUARTERLY = CountReq(source=S, per="quarter", type="党课")


def test_a_record_on_the_last_day_of_a_quarter_counts_for_that_quarter() -> None:
    plan = plan_with(QUARTERLY)
    r = req_of(plan, [rec(date(2022, 3, 31), "党课")], date(2022, 4, 1))
    assert (r.done, r.total, r.progress, r.state) == (1, 4, "1/4 季度", State.ON_TRACK)
    late = req_of(plan, [rec(date(2022, 4, 1), "党课")], date(2022, 4, 1))
    assert late.state is State.LATE and late.missing == ("第一季度",)


def test_a_period_ending_on_the_as_of_day_is_judged_and_a_later_one_is_open() -> None:
    plan = plan_with(QUARTERLY)
    assert req_of(plan, [], date(2022, 3, 30)).state is State.NOT_STARTED
    assert req_of(plan, [], date(2022, 3, 31)).state is State.LATE


def test_count_only_counts_its_type_and_records_up_to_as_of() -> None:
    plan = plan_with(QUARTERLY)
    records = [rec(date(2022, 2, 1), "支委会"), rec(date(2022, 5, 1), "党课")]
    r = req_of(plan, records, date(2022, 3, 31))
    assert r.done == 0 and r.missing == ("第一季度",)


def test_leap_day_counts_for_february() -> None:
    plan = plan_with(CountReq(source=S, per="month", type="支委会"), year=2024)
    r = req_of(plan, [rec(date(2024, 2, 29))], date(2024, 3, 1))
    assert r.missing == ("1月",)
    assert r.done == 1


def test_count_met_in_every_period_is_done() -> None:
    plan = plan_with(CountReq(source=S, per="half", min=2, type="党课"))
    days = [date(2022, 1, 3), date(2022, 6, 30), date(2022, 7, 1), date(2022, 12, 31)]
    r = req_of(plan, [rec(d, "党课") for d in days], date(2022, 12, 31))
    assert (r.met, r.state, r.progress) == (True, State.DONE, "2/2 半年")


def test_festival_window_crossing_a_month_counts_and_missed_festivals_are_late() -> None:
    plan = plan_with(FestivalReq(source=S, festivals=("春节", "中秋"), window_days=7))
    inside = req_of(plan, [rec(date(2022, 1, 25), "我们的节日")], date(2022, 2, 8))
    assert (inside.done, inside.state) == (1, State.ON_TRACK)
    outside = req_of(plan, [rec(date(2022, 1, 24), "我们的节日")], date(2022, 2, 8))
    assert outside.state is State.LATE and outside.missing == ("春节（2022-02-01）",)
    assert req_of(plan, [], date(2022, 2, 7)).state is State.NOT_STARTED


def test_typed_festival_counts_only_that_type() -> None:
    plan = plan_with(FestivalReq(source=S, festivals=("中秋",), window_days=3, type="我们的节日"))
    r = req_of(plan, [rec(date(2022, 9, 10), "支委会")], date(2022, 12, 31))
    assert r.state is State.LATE


def test_fixed_date_window_edges() -> None:
    plan = plan_with(FixedDateReq(source=S, month=3, day=5, window_days=10, label="学雷锋纪念日"))
    assert req_of(plan, [rec(date(2022, 3, 15))], date(2022, 3, 15)).met
    missed = req_of(plan, [rec(date(2022, 3, 16))], date(2022, 3, 16))
    assert missed.state is State.LATE and missed.missing == ("学雷锋纪念日（2022-03-05）",)


def test_deadline_before_and_after() -> None:
    plan = plan_with(DeadlineReq(source=S, by=date(2022, 3, 31), type="党课"))
    assert req_of(plan, [], date(2022, 3, 30)).state is State.NOT_STARTED
    assert req_of(plan, [], date(2022, 3, 31)).state is State.LATE
    assert req_of(plan, [rec(date(2022, 4, 1), "党课")], date(2022, 5, 1)).state is State.LATE
    assert req_of(plan, [rec(date(2022, 3, 31), "党课")], date(2022, 5, 1)).met


def test_metric_per_fact_with_a_strict_target() -> None:
    req = MetricReq(
        source=S, field="志愿服务时长", aggregate="sum", op=">", target=25, unit="小时",
        per_fact="注册志愿者人数",
    )  # fmt: skip
    plan = plan_with(req)
    records = [rec(date(2022, 3, 5), "志愿服务", figures={"志愿服务时长": 100.0})]
    r = req_of(plan, records, date(2022, 6, 30))
    assert (r.actual, r.target, r.op, r.unit, r.progress) == (10, 25, ">", "小时", "10/25 小时")
    assert r.state is State.ON_TRACK
    exact = [*records, rec(date(2022, 7, 1), "志愿服务", figures={"志愿服务时长": 150.0})]
    assert req_of(plan, exact, date(2022, 12, 31)).state is State.LATE  # 25 is not > 25
    todo = req_of(plan, records, date(2022, 6, 30)).todo[0]
    assert (todo.figure, todo.amount) == ("志愿服务时长", 151)


def test_metric_builtin_fields_records_and_participants() -> None:
    count = MetricReq(source=S, field="records", aggregate="sum", op=">=", target=2)
    people = MetricReq(source=S, field="participants", aggregate="sum", op=">=", target=50)
    plan = plan_with(count, people)
    records = [rec(date(2022, 1, 5), participants=30), rec(date(2022, 2, 5), participants=25)]
    progress = evaluate(plan, records, date(2022, 12, 31)).tasks[0]
    assert [r.actual for r in progress.requirements] == [2, 55]
    assert progress.state is State.DONE


def test_evidence_set_lists_records_lacking_kinds_and_urls_count() -> None:
    plan = plan_with(EvidenceSetReq(source=S, kinds=("签到表", "新闻报道"), type="支委会"))
    full = rec(
        date(2022, 1, 5),
        evidence=(
            Evidence("签到表", S, file="records/2022/x/签到表.jpg"),
            Evidence("新闻报道", S, url="https://example.org/1"),
        ),
    )
    bare = rec(date(2022, 2, 5), participants=3)
    r = req_of(plan, [full, bare], date(2022, 6, 30))
    assert (r.done, r.total, r.met) == (1, 2, False)
    assert r.missing == (f"{bare.id}：缺 签到表、新闻报道",)
    assert r.todo[0].record_id == bare.id and r.todo[0].kinds == ("签到表", "新闻报道")


def test_each_of_is_late_only_once_the_plan_has_ended() -> None:
    plan = plan_with(EachOfReq(source=S, types=("支委会", "党课")))
    mid = req_of(plan, [rec(date(2022, 1, 5))], date(2022, 6, 30))
    assert (mid.state, mid.missing) == (State.ON_TRACK, ("党课",))
    assert req_of(plan, [rec(date(2022, 1, 5))], date(2023, 3, 1)).state is State.LATE


def test_task_without_requirements() -> None:
    plan = plan_with()

    def bare(records: list[Record], day: date) -> State:
        return evaluate(plan, records, day).tasks[1].state

    assert bare([], date(2022, 6, 1)) is State.NOT_STARTED
    assert bare([rec(date(2022, 5, 1), tasks=("9",))], date(2022, 6, 1)) is State.DONE
    assert bare([], date(2023, 1, 1)) is State.LATE


def test_as_of_is_clamped_into_the_plan_period() -> None:
    plan = plan_with(QUARTERLY)
    assert evaluate(plan, [], date(2021, 5, 1)).as_of == date(2022, 1, 1)
    assert evaluate(plan, [], date(2030, 5, 1)).as_of == date(2022, 12, 31)
    before = req_of(plan, [], date(2021, 5, 1))
    assert before.state is State.NOT_STARTED and before.missing == ()


def test_a_record_counts_for_every_task_it_lists() -> None:
    plan = plan_with(QUARTERLY)
    progress = evaluate(plan, [rec(date(2022, 1, 5), "党课", tasks=("2", "9"))], date(2022, 3, 1))
    assert [len(t.record_ids) for t in progress.tasks] == [1, 1]
    assert progress.tasks[1].state is State.DONE


def test_task_state_and_counts() -> None:
    plan = plan_with(QUARTERLY, CountReq(source=S, per="month", type="支委会"))
    progress = evaluate(plan, [rec(date(2022, 1, 5), "党课")], date(2022, 2, 1))
    task = progress.tasks[0]
    assert task.state is State.LATE and task.progress == "0/2 项"
    assert "1月" in task.reason
    assert progress.counts == {
        State.DONE: 0, State.ON_TRACK: 0, State.LATE: 1, State.NOT_STARTED: 1,
    }  # fmt: skip
    assert select(progress, plan, state=State.LATE).tasks == (task,)
    assert select(progress, plan, unit="创建办").tasks == (progress.tasks[1],)


def test_to_dict_is_json_ready() -> None:
    plan = plan_with(QUARTERLY)
    data = evaluate(plan, [rec(date(2022, 4, 5), "党课")], date(2022, 5, 1)).to_dict()
    again = json.loads(json.dumps(data, ensure_ascii=False))
    assert again == data
    assert data["counts"]["滞后"] == 1 and data["tasks"][0]["requirements"][0]["state"] == "滞后"


def test_describe_in_words() -> None:
    plan = plan_with()
    assert describe(CountReq(source=S, per="month", type="支委会"), plan) == "支委会每月至少1次"
    assert describe(EachOfReq(source=S, types=("征文", "演讲比赛")), plan).startswith(
        "开展征文、演讲比赛"
    )
    metric = MetricReq(source=S, name="普及率", field="普及率", aggregate="latest", op=">=", target=95,
                       unit="%")  # fmt: skip
    assert describe(metric, plan) == "普及率不低于95%"


def test_todo_command_for_a_missed_month() -> None:
    plan = plan_with(CountReq(source=S, per="month", type="支委会"))
    progress = evaluate(plan, [], date(2022, 2, 10))
    task = progress.tasks[0]
    req = task.requirements[0]
    lines = [todo_command(plan, task, req, t, None) for t in req.todo]
    assert lines == [
        "wenming add --task 2 --type 支委会 --unit 机关党委 --date 2022-01-15 --title 1月支委会",
        "wenming add --task 2 --type 支委会 --unit 机关党委 --date 2022-02-10 --title 2月支委会",
    ]


def test_timeline_counts_each_section_once_per_record() -> None:
    plan = plan_with()
    records = [
        rec(date(2022, 1, 5), tasks=("2", "9")),
        rec(date(2022, 3, 1)),
        rec(date(2022, 9, 1)),
    ]
    months, rows = timeline(plan, records, date(2022, 6, 30))
    assert len(months) == 12
    assert dict(rows)["2"][:3] == (1, 0, 1) and sum(dict(rows)["2"]) == 2
    assert dict(rows)["9"][0] == 1


# Parts: every piece of a requirement with the records meeting it (what `status TASK` lists).


def parts(r: RequirementProgress) -> list[tuple[str, str, tuple[str, ...], str]]:
    return [(p.label, p.state, p.record_ids, p.note) for p in r.parts]


def test_count_parts_are_every_period_with_its_records() -> None:
    plan = plan_with(CountReq(source=S, per="quarter", min=2, type="党课"))
    a, b, c = (
        rec(date(2022, 1, 5), "党课"),
        rec(date(2022, 2, 5), "党课"),
        rec(date(2022, 4, 1), "党课"),
    )
    r = req_of(plan, [c, a, b], date(2022, 5, 1))
    assert parts(r) == [
        ("第一季度", "met", (a.id, b.id), "2/2 次"),
        ("第二季度", "open", (c.id,), "1/2 次"),
        ("第三季度", "later", (), "0/2 次"),
        ("第四季度", "later", (), "0/2 次"),
    ]


def test_festival_parts_name_every_festival_with_its_date_and_covering_record() -> None:
    every = ("春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳")
    plan = plan_with(FestivalReq(source=S, festivals=every, window_days=7))
    spring = rec(date(2022, 2, 1), "我们的节日")
    r = req_of(plan, [spring], date(2022, 12, 31))
    assert [p.label for p in r.parts] == [
        "春节（2022-02-01）", "元宵（2022-02-15）", "清明（2022-04-05）", "端午（2022-06-03）",
        "七夕（2022-08-04）", "中秋（2022-09-10）", "重阳（2022-10-04）",
    ]  # fmt: skip
    assert r.parts[0].record_ids == (spring.id,) and r.parts[0].state == "met"
    assert all(p.state == "missed" and not p.record_ids for p in r.parts[1:])
    # The one-line reason names six and counts them all in festivals, not “项”.
    assert "、重阳" not in (none := req_of(plan, [], date(2022, 12, 31))).reason
    assert none.reason.endswith("等 7 个节日 前后没有活动")


def test_each_of_deadline_evidence_set_and_metric_parts() -> None:
    each = EachOfReq(source=S, types=("支委会", "党课"))
    by = DeadlineReq(source=S, by=date(2022, 3, 31), type="党课")
    full = rec(date(2022, 1, 5), evidence=(Evidence("签到表", S, file="records/2022/x/a.jpg"),))
    bare = rec(date(2022, 2, 5), participants=3)
    complete = EvidenceSetReq(source=S, kinds=("签到表",), type="支委会")
    people = MetricReq(source=S, field="participants", aggregate="sum", op=">=", target=50)
    plan = plan_with(each, by, complete, people)
    task = evaluate(plan, [full, bare], date(2022, 6, 30)).tasks[0]
    each_p, by_p, complete_p, people_p = task.requirements
    assert parts(each_p) == [("支委会", "met", (full.id, bare.id), ""), ("党课", "open", (), "")]
    assert parts(by_p) == [("2022-03-31 前", "missed", (), "")]
    assert parts(complete_p) == [
        (bare.id, "open", (bare.id,), "缺 签到表"),
        ("佐证齐全的 1 条记录", "met", (full.id,), ""),
    ]
    assert parts(people_p) == [(bare.id, "met", (bare.id,), "3")]
    assert json.loads(json.dumps(each_p.to_dict()))["parts"][1]["state"] == "open"


def test_a_task_reason_names_its_first_gap_and_counts_the_others_apart() -> None:
    plan = plan_with(QUARTERLY, EachOfReq(source=S, types=("支委会",)))
    task = evaluate(plan, [], date(2022, 12, 31)).tasks[0]
    assert task.reason.startswith("党课每季度至少1次：")
    assert task.reason.endswith("（另有 1 项要求滞后）")
