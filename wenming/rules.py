"""Every rule `wenming check` can report, each with its one-line description.

A Problem's `rule` is always one of these names (tests/test_check_rules.py reads the source to
make sure), each has an example file under tests/cases/ or a test of its own, and
docs/manual/check.md lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

RULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "yaml-syntax": "YAML 语法错误（缩进、冒号、引号）",
        "duplicate-key": "同一映射中键重复",
        "unknown-key": "未知的键（拼写错误时提示“是不是……”，中文键名也会提示对应的英文键）",
        "missing-field": "缺少必填项，或必填项为空（如 `tasks: []`、`date:` 后没有值）",
        "empty-record": "记录文件是空的（没有内容、只有注释或 `~`），常见于程序崩溃或编辑器保存失败",
        "empty-plan": "计划文件或测评体系文件是空的（没有内容、只有注释或 `~`），常见于程序崩溃或编辑器保存失败",
        "wrong-type": "类型不对（例如人数写成文字）",
        "bad-value": "取值不在可选范围内（例如 `per: week`）",
        "invalid-date": "日期格式不对或不存在（如 `2022-02-30`）",
        "date-outside-period": "活动日期或截止日期不在计划期间内",
        "bad-period": "计划期间的结束早于开始，或超过 3 年",
        "unknown-task": "记录引用了计划中没有的任务编号",
        "unknown-unit": "单位不在计划的 `units` 中",
        "unknown-activity-type": "活动类型不在计划的 `activity_types` 中（记录和要求都检查）",
        "unknown-figure": "数值项不在计划的 `figures` 中",
        "unknown-fact": "指标引用了 `facts` 中没有的事实",
        "unknown-evidence-kind": "佐证材料类型不在 `evidence_kinds` 中",
        "unknown-festival": "节日名称无效",
        "bad-number": "负数或不合理的大数（包括大于 2⁶³ 的长整数，如几千位的数字）",
        "evidence-missing": "佐证材料文件不存在",
        "evidence-path": "佐证材料路径是绝对路径、含 `..` 或控制字符、在 `.git/` 内、经链接指向台账之外或 `.git/` 内，或不是普通文件（含循环链接）",
        "evidence-source": "佐证材料没有或同时有 `file` 与 `url`",
        "evidence-unreadable": "佐证材料文件无法读取",
        "evidence-date": "佐证材料的形成日期与活动日期相差 90 天以上（多半是年份写错了）",
        "sha256-mismatch": "文件内容与记录的 sha256 不符",
        "sha256-format": "sha256 不是 64 位十六进制",
        "bad-url": "网址不以 http(s):// 开头",
        "duplicate-id": "记录编号（文件名）、任务编号或章节编号重复",
        "duplicate-unit": "单位重复定义",
        "duplicate-type": "活动类型重复定义",
        "task-id": "任务编号与所在章节不符",
        "encoding": "文件不是 UTF-8（识别出 GBK/GB18030 时给出转换命令；带 BOM 的 UTF-8 可以）",
        "control-character": "文件含不可见的控制字符（含 U+FFFE、U+FFFF），或双引号中的转义符写出了这样的字符",
        "yaml-tag": "使用了 `!!python/object` 等非标准标签，或标签与值不符（整个文件被拒绝）",
        "yaml-too-complex": "嵌套过深或锚点/别名展开过大",
        "file-too-large": "记录文件超过 1 MB，计划文件超过 10 MB",
        "unreadable": "记录或计划文件无法打开读取",
        "not-a-file": "记录或计划文件不是普通文件（命名管道、设备、套接字）：不打开、不读取",
        "symlink": "记录文件、计划文件或 `records/`、`plan/` 下的文件夹是符号链接：不跟随、不读取",
        "schema-version": "不支持的 `schema_version`",
        "no-plan": "有某年的记录却没有该年的计划",
        "plan-name": "计划文件没有命名为 `<年份>.yaml`",
        "plan-year": "计划文件名的年份与其中的 `year` 不一致",
        "record-name": "记录文件的扩展名不是 `.yaml`",
        "record-location": "记录没有放在 `records/<年份>/` 下",
        "placeholder-unit": "导入计划时生成的占位单位尚未改成真实名称（警告）",
        "placeholder-fact": "导入计划时生成的占位事实数值（如注册志愿者人数），或 `plan new` 沿用上一年的数值，尚未核实（警告）",
        "leftover": "`records/<年份>/` 下没有记录引用的文件或文件夹、`wenming add` 被中断时留下的临时文件（警告）",
        "duplicate-evidence": "同一份佐证材料（sha256 相同）出现在几条记录中（警告）",
        "duplicate-activity": "日期、活动类型、组织单位相同且标题几乎一样的记录，可能是同一活动记了两次（警告）",
        "file-name-date": "记录文件名中的日期与 `date` 不一致（多半是手工改过日期）；提示中给出改名命令（警告）",
        "placeholder-points": "测评体系中测评项目或测评内容的分值尚未填写（随附的起步测评体系只核实了部分分值）（警告）",
        "points-sum": "测评内容的分值合计与所属测评项目不符，或各测评项目合计与总分 `total` 不符",
        "unknown-link": "测评内容的 `links` 指向任何一年的计划中都没有的任务，或该任务没有这个名称的要求",
        "unknown-negative": "负面事件记录的 `negative` 不在测评体系的负面清单中",
        "photo-date": "照片的拍摄日期（EXIF DateTimeOriginal）与活动日期相差 30 天以上（警告）",
    }
)

# Rules no single example file under tests/cases/ can show (a case is one record or plan file
# copied into a clean ledger), and why. Each has a test of its own instead.
NOT_FROM_ONE_FILE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "file-too-large": "the example would be a file of more than 1 MB",
        "unreadable": "the file must exist in the listing yet fail to open, which needs the disk",
        "not-a-file": "a FIFO, device or socket cannot be kept as a case file",
        "symlink": "a symbolic link cannot be kept as a case file",
        "no-plan": "about the ledger's layout: records of a year without a plan file",
        "plan-name": "about a plan file's name, and cases are copied to plan/2022.yaml",
        "record-name": "about a record file's name, and cases are copied as *.yaml",
        "record-location": "about where a record file lies, and cases go to records/2022/",
        "leftover": "about files beside the records, not about a record or plan file",
        "photo-date": "needs a photo with EXIF data, which the tests make with Pillow",
    }
)
