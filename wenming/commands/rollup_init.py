"""`roll-up init`: a new roll-up folder with an example units.yaml, as a git repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..atomic import publish
from ..errors import WenmingError
from ..rollup import CLONES_DIR, UNITS_FILE
from .commit import commit

UNITS_EXAMPLE = """\
# 汇总的单位：每个单位的台账是它自己的 git 仓库。
# 每项：name 单位名称（也是 clones/ 下的文件夹名）；url 台账仓库的 git 地址；
# group 分组（区县、系统等，可省略）；branch 分支（省略时用远程仓库的默认分支）；
# year 统计哪一年的计划（省略时用覆盖今天的计划）。
# 访问权限由 git 自己管理（SSH 密钥、凭据助手），这里不写密码。
schema_version: 1
units: []
#  - name: 市教育局
#    url: https://git.example.cn/jyj/taizhang.git
#    group: 市直机关
#  - name: 城东区卫健局
#    url: git@git.example.cn:cdq/wjj.git
#    group: 城东区
#    branch: main
#    year: 2022
"""
GITIGNORE = f"# 各单位台账的克隆：它们各有自己的仓库，不提交到汇总仓库\n/{CLONES_DIR}/\n"


@dataclass(frozen=True)
class RollupInit:
    root: Path
    paths: tuple[str, ...]
    outcome: git.CommitOutcome


def rollup_init(folder: Path) -> RollupInit:
    """Write units.yaml and .gitignore (never over existing files) and commit them."""
    root = folder.expanduser().resolve()
    if (root / UNITS_FILE).exists():
        raise WenmingError(
            f"{root} 中已有 {UNITS_FILE}，这里已经是汇总目录",
            "直接编辑 units.yaml，再运行 wenming roll-up sync",
        )
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((UNITS_FILE, UNITS_EXAMPLE), (".gitignore", GITIGNORE)):
        if publish(root / name, text):
            written.append(name)
    message = "Start a roll-up of units' ledgers"
    if not git.available():
        outcome = git.CommitOutcome(
            False, reason="找不到 git 程序（PATH 中没有 git）", command=f"git init {root}"
        )
        return RollupInit(root, tuple(written), outcome)
    if not git.is_repository(root):
        git.init_repository(root)
    return RollupInit(root, tuple(written), commit(root, written, message).outcome)
