"""Deterministic synthetic ledgers for benchmarks: N records over three plan years."""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from pathlib import Path

import yaml

from wenming import yamlio

REPO = Path(__file__).resolve().parent.parent
YEARS = (2022, 2023, 2024)
REAL_EVIDENCE_SHARE = 0.05

PLACES = ("局机关三楼会议室", "幸福路社区", "新时代文明实践站", "局党员活动室", "市民广场", "城东街道办事处",
          "政务服务大厅", "局机关职工之家", "文化艺术中心", "黄河湿地公园")  # fmt: skip
OPENINGS = ("为深入贯彻落实年度创建工作计划", "按照局党组统一部署", "为进一步营造浓厚的创建氛围",
            "结合本单位工作实际", "根据市文明办有关通知要求")  # fmt: skip
MIDDLES = ("组织干部职工集中学习并开展讨论交流", "邀请专家作专题辅导，参会人员认真做好笔记",
           "志愿者分组深入社区开展服务，群众反响良好", "活动中穿插知识问答，现场气氛热烈",
           "各支部书记结合实际作交流发言")  # fmt: skip
ENDINGS = ("活动取得了预期效果。", "下一步将持续抓好成果转化。", "与会人员纷纷表示要以此为契机，推动工作再上新台阶。",
           "活动照片和签到表已整理归档。")  # fmt: skip
URL_KINDS = ("新闻报道", "截图", "简报")


def _plan_text(year: int) -> str:
    text = (REPO / "plan" / "2022.yaml").read_text(encoding="utf-8")
    return re.sub(r"\b2022(?=[-年])", str(year), text).replace("year: 2022", f"year: {year}")


def _summary(rng: random.Random) -> str:
    return f"{rng.choice(OPENINGS)}，{rng.choice(MIDDLES)}。{rng.choice(MIDDLES)}，{rng.choice(ENDINGS)}\n"


def _tiny_file(rng: random.Random, name: str) -> bytes:
    body = f"{name}\n" + "".join(
        rng.choice("签到表会议记录照片说明文字") for _ in range(rng.randint(50, 600))
    )
    return body.encode("utf-8")


def generate(root: Path, count: int, seed: int = 0) -> Path:
    """Write a ledger of `count` records (spread evenly over YEARS) under `root`."""
    rng = random.Random(seed)
    (root / "plan").mkdir(parents=True, exist_ok=True)
    for year in YEARS:
        (root / "plan" / f"{year}.yaml").write_text(_plan_text(year), encoding="utf-8")
    plan = yaml.load(_plan_text(YEARS[0]), Loader=yaml.CSafeLoader)
    tasks = [task for section in plan["sections"] for task in section["tasks"]]
    units = [unit["name"] for unit in plan["units"] if unit.get("kind") != "collective"]
    types = plan["activity_types"]
    for index in range(count):
        year = YEARS[index % len(YEARS)]
        task = rng.choice(tasks)
        kind = rng.choice(types)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        unit = rng.choice(task["lead"] + units[:3])
        title = f"{unit}{month}月{kind}活动"
        stem = f"{year}{month:02d}{day:02d}-{title}-{index:05x}"
        folder = root / "records" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        evidence: list[dict[str, object]] = []
        if rng.random() < REAL_EVIDENCE_SHARE:
            (folder / stem).mkdir()
            for number, evidence_kind in enumerate(("签到表", "照片")[: rng.randint(1, 2)], 1):
                data = _tiny_file(rng, evidence_kind)
                name = f"{evidence_kind}-{number}.txt"
                (folder / stem / name).write_bytes(data)
                evidence.append({
                    "file": f"records/{year}/{stem}/{name}",
                    "kind": evidence_kind,
                    "caption": f"{year}年{month}月{day}日，{unit}{kind}活动{evidence_kind}",
                    "sha256": hashlib.sha256(data).hexdigest(),
                })  # fmt: skip
        for number in range(rng.randint(1, 3)):
            evidence.append({
                "url": f"https://example.org/{year}/{index}/{number}",
                "kind": rng.choice(URL_KINDS),
                "caption": f"{unit}{kind}活动相关报道",
                "date": f"{year}-{month:02d}-{min(day + number + 1, 28):02d}",  # reported later
            })  # fmt: skip
        record: dict[str, object] = {
            "schema_version": 1,
            "date": f"{year}-{month:02d}-{day:02d}",
            "tasks": [task["id"]],
            "type": kind,
            "title": title,
            "unit": unit,
            "place": rng.choice(PLACES),
            "participants": rng.randint(5, 200),
        }
        if "志愿" in kind:
            record["figures"] = {"志愿服务时长": rng.randint(2, 200)}
        record["summary"] = _summary(rng)
        record["evidence"] = evidence
        (folder / f"{stem}.yaml").write_text(yamlio.dump(record), encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description="生成用于基准测试的合成台账")
    parser.add_argument("root", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.root, args.count, args.seed)


if __name__ == "__main__":
    main()
