"""The only module that runs git: repository facts, `git init`, hooks and path-limited commits."""

from __future__ import annotations

import os
import random
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LOCK_WAIT_ENV = "WENMING_GIT_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 30.0  # seconds; parallel commits queue on index.lock while hooks run
_LOCK_SIGNS = ("index.lock", "cannot lock ref", "Unable to create", "unable to lock")


@dataclass(frozen=True)
class CommitOutcome:
    """What happened to a commit: done (with its short hash), or why not and how to finish."""

    ok: bool
    commit: str | None = None
    reason: str = ""
    command: str = ""


class _Failed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def available() -> bool:
    return shutil.which("git") is not None


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # LC_ALL=C keeps git's own messages in English, so lock errors can be recognised.
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C"}
    return subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        check=False,
    )


def is_repository(root: Path) -> bool:
    if not available():
        return False
    done = _run(root, "rev-parse", "--is-inside-work-tree")
    return done.returncode == 0 and done.stdout.strip() == "true"


def detached(root: Path) -> bool:
    """True when HEAD names no branch: new commits would belong to no branch."""
    return available() and _run(root, "symbolic-ref", "-q", "HEAD").returncode == 1


def head_commit(root: Path) -> str | None:
    """The short hash of HEAD, or None outside git (or before the first commit, or without git)."""
    if not available():
        return None
    done = _run(root, "rev-parse", "--short", "HEAD")
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def git_dir(root: Path) -> Path | None:
    """The repository's own folder (`.git`, or a worktree's), or None outside git."""
    if not available():
        return None
    done = _run(root, "rev-parse", "--absolute-git-dir")
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def tracked(root: Path, rel: str) -> bool:
    """True when git tracks the file `rel` (relative to `root`); False outside git."""
    if not available():
        return False
    done = _run(root, "ls-files", "-z", "--", f":(literal){rel}")
    return done.returncode == 0 and bool(done.stdout.strip("\0"))


def identity(root: Path) -> tuple[str | None, str | None]:
    """The author name and email git would use from the environment or config (no guessing)."""
    values: list[str | None] = []
    for env_key, config_key in (
        ("GIT_AUTHOR_NAME", "user.name"),
        ("GIT_AUTHOR_EMAIL", "user.email"),
    ):
        value = os.environ.get(env_key, "").strip()
        if not value and config_key == "user.email":
            value = os.environ.get("EMAIL", "").strip()
        if not value:
            done = _run(root, "config", "--get", config_key)
            value = done.stdout.strip() if done.returncode == 0 else ""
        values.append(value or None)
    return values[0], values[1]


def authored_paths(root: Path, email: str, under: str = "records") -> set[str]:
    """Files under `under` that commits by `email` added: whose records these are."""
    if not available() or not email:
        return set()
    done = _run(
        root, "-c", "core.quotepath=off", "log", "--author", f"<{email}>", "--diff-filter=A",
        "--name-only", "--format=", "--", under,
    )  # fmt: skip
    return {line for line in done.stdout.splitlines() if line} if done.returncode == 0 else set()


def init_repository(root: Path) -> None:
    done = _run(root, "init", "-q")
    if done.returncode != 0:
        raise OSError(f"git init 失败：{_tail(done)}")


def hook_path(root: Path, name: str) -> Path:
    done = _run(root, "rev-parse", "--git-path", f"hooks/{name}")
    return (root / done.stdout.strip()).resolve()


# Git's markers of an operation that stopped half-way, what it is called and how to end it.
_IN_PROGRESS = (
    ("MERGE_HEAD", "合并（merge）", "git merge --continue", "git merge --abort"),
    ("rebase-merge", "变基（rebase）", "git rebase --continue", "git rebase --abort"),
    (
        "rebase-apply",
        "变基（rebase）或 git am",
        "git rebase --continue 或 git am --continue",
        "git rebase --abort 或 git am --abort",
    ),
    (
        "CHERRY_PICK_HEAD",
        "拣选（cherry-pick）",
        "git cherry-pick --continue",
        "git cherry-pick --abort",
    ),
    ("REVERT_HEAD", "还原（revert）", "git revert --continue", "git revert --abort"),
)


def operation_in_progress(root: Path) -> str | None:
    """Why no commit of single paths can be made now: a merge, rebase, cherry-pick or revert
    that stopped half-way (git refuses partial commits then, or would fold them into it)."""
    folder = git_dir(root)
    if folder is None:
        return None
    for marker, name, finish, abort in _IN_PROGRESS:
        if (folder / marker).exists():
            return (
                f"git 仓库中有一个未完成的{name}，它结束之前不能单独提交这条记录。"
                f"先完成它（有冲突时先解决冲突，再运行 {finish}），或运行 {abort} 放弃它"
            )
    return None


def shell_quote(text: str, windows: bool = os.name == "nt") -> str:
    """`text` as one word of a command the user pastes: cmd.exe and PowerShell on Windows
    take double quotes, not a POSIX shell's single quotes."""
    return subprocess.list2cmdline([text]) if windows else shlex.quote(text)


def finish_command(root: Path, paths: Sequence[str], message: str) -> str:
    """The exact shell command that commits `paths` the way wenming would have."""
    quoted = " ".join(shell_quote(p) for p in paths)
    where = shell_quote(str(root))
    return (
        f"git -C {where} add -- {quoted} && "
        f"git -C {where} commit -m {shell_quote(message)} -- {quoted}"
    )


def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT)))
    except ValueError:
        return DEFAULT_LOCK_WAIT


def _tail(done: subprocess.CompletedProcess[str], lines: int = 6) -> str:
    text = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return "\n".join(text[-lines:]) or f"退出码 {done.returncode}"


def _retrying(root: Path, args: Sequence[str], deadline: float) -> subprocess.CompletedProcess[str]:
    """Run git, retrying while another git process holds a lock, until `deadline`."""
    while True:
        done = _run(root, *args)
        output = done.stderr + done.stdout
        locked = done.returncode != 0 and any(sign in output for sign in _LOCK_SIGNS)
        if not locked:
            return done
        if time.monotonic() >= deadline:
            raise _Failed(
                "git 的索引被另一个进程锁定（.git/index.lock），等待后仍未释放。"
                "如果确认没有其他 git 程序在运行，可删除该锁文件后再提交"
            )
        time.sleep(random.uniform(0.05, 0.3))


def commit_paths(
    root: Path, paths: Sequence[str], message: str, author: str | None = None
) -> CommitOutcome:
    """Commit exactly `paths` (relative to `root`), leaving the user's other changes untouched.

    `author` ("Name <email>") is whose work the commit records when it is not the committer's
    (a colleague using `wenming serve`); the committer stays git's configured identity.
    """
    command = finish_command(root, paths, message)
    try:
        _commit(root, paths, message, author)
    except _Failed as failure:
        return CommitOutcome(False, reason=failure.reason, command=command)
    return CommitOutcome(True, commit=head_commit(root), command=command)


def _commit(root: Path, paths: Sequence[str], message: str, author: str | None = None) -> None:
    if not available():
        raise _Failed("找不到 git 程序（PATH 中没有 git）")
    if not is_repository(root):
        raise _Failed(f"台账目录 {root} 不是 git 仓库")
    name, email = identity(root)
    if not name or not email:
        raise _Failed(
            "没有设置 git 提交人身份（user.name / user.email）。先运行："
            'git config --global user.name "你的姓名" && '
            'git config --global user.email "你的邮箱"'
        )
    unfinished = operation_in_progress(root)
    if unfinished:
        raise _Failed(unfinished)
    deadline = time.monotonic() + _lock_wait()
    with _serialised(root, deadline):
        added = _retrying(root, ["add", "--", *paths], deadline)
        if added.returncode != 0:
            raise _Failed(f"git add 失败：{_tail(added)}")
        # With pathspecs, `git commit` builds the commit from HEAD plus only these paths, so
        # whatever else the user has staged or modified stays exactly as it was.
        by = ["--author", author] if author else []
        done = _retrying(root, ["commit", "-q", "-m", message, *by, "--", *paths], deadline)
    if done.returncode != 0:
        raise _Failed(f"git commit 未成功（可能是提交钩子 pre-commit 拒绝了提交）：\n{_tail(done)}")


@contextmanager
def _serialised(root: Path, deadline: float) -> Iterator[None]:
    """One wenming commit at a time per repository, on every system (filelock: flock on POSIX,
    msvcrt on Windows).

    `git add` then `git commit -- paths` is two steps; a concurrent `commit --only` can rewrite
    the index between them and drop the other process's freshly added paths.
    """
    from filelock import FileLock, Timeout  # only `add` commits: keep it out of start-up

    folder = git_dir(root)
    if folder is None:  # pragma: no cover - _commit checked that this is a repository
        yield
        return
    lock = FileLock(folder / "wenming-commit.lock")
    try:
        lock.acquire(timeout=max(0.0, deadline - time.monotonic()), poll_interval=0.05)
    except Timeout:
        raise _Failed(
            "另一个 wenming 进程正在提交，等待后仍未结束；稍后再运行完成提交的命令"
        ) from None
    try:
        yield
    finally:
        lock.release()


# --- Fetching other units' ledgers for `wenming roll-up` ------------------------------------

# What a roll-up reads of a unit's ledger: its plans and record files, never the evidence
# (photos, scans), which is most of a ledger's bytes. Non-cone patterns, so records/<year>/
# folders of evidence stay out of the work tree.
LEDGER_SPARSE = ("/plan/", "/records/*/*.yaml")


@dataclass(frozen=True)
class SyncOutcome:
    """One clone or fetch: the commit before and after, or why it failed (git's own words)."""

    ok: bool
    before: str | None = None
    after: str | None = None
    branch: str = ""
    added: int = 0  # record files the new commit adds
    reason: str = ""


def _quiet_env() -> dict[str, str]:
    """Never wait for a person: no password prompt, SSH only with keys or an agent."""
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0"}
    if "GIT_SSH_COMMAND" not in env and "GIT_SSH" not in env:
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    return env


def _bounded(cwd: Path, args: Sequence[str], deadline: float) -> subprocess.CompletedProcess[str]:
    """Run git until `deadline` (monotonic); past it, git and its helpers (ssh, remote-http)
    are stopped as a group and the run counts as failed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Failed("超时")
    process = subprocess.Popen(
        ["git", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=_quiet_env(),
        start_new_session=True,  # its own process group, so a timeout stops its helpers too
    )
    try:
        out, err = process.communicate(timeout=left)
    except subprocess.TimeoutExpired:
        _stop_group(process)
        raise _Failed("超时") from None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _stop_group(process: subprocess.Popen[str]) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):  # pragma: no cover - raced
        process.kill()
    process.communicate()


def _must(done: subprocess.CompletedProcess[str], what: str) -> str:
    if done.returncode != 0:
        raise _Failed(f"{what}：{_reason(done)}")
    return done.stdout.strip()


def _reason(done: subprocess.CompletedProcess[str]) -> str:
    """Git's own reason on one line: its fatal/error lines, else its last line."""
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    chosen = [line for line in lines if line.startswith(("fatal:", "error:"))] or lines[-1:]
    return " ".join(chosen) or f"退出码 {done.returncode}"


def sync_clone(
    url: str, folder: Path, branch: str | None, timeout: float, known_url: str | None = None
) -> SyncOutcome:
    """Clone `url` into `folder`, or fetch into the clone already there, and move its work tree
    to the remote branch exactly (a force-pushed history replaces the old one, never merged).

    Shallow and, where the server allows it, without blobs until checkout: only the plans and
    record files are checked out (LEDGER_SPARSE). `known_url`: the URL the clone was last
    fetched from, so its remote is only rewritten when units.yaml changed it. Never raises for
    git's failures.
    """
    deadline = time.monotonic() + timeout
    try:
        if (folder / ".git").is_dir():
            return _fetch(url, folder, branch, deadline, known_url)
        return _clone(url, folder, branch, deadline)
    except _Failed as failure:
        return SyncOutcome(False, branch=branch or "", reason=failure.reason)
    except OSError as exc:  # the clones folder itself: full disk, no permission, in the way
        where = f"：{exc.filename}" if exc.filename else ""
        return SyncOutcome(
            False, branch=branch or "", reason=f"文件操作失败（{exc.strerror}）{where}"
        )


def _clone(url: str, folder: Path, branch: str | None, deadline: float) -> SyncOutcome:
    import tempfile

    # Cloned beside its place and renamed when complete: an interrupted clone leaves no
    # half-made folder that the next run would take for a clone.
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        args = ["clone", "--quiet", "--no-checkout", "--depth", "1", "--no-tags"]
        args += ["--single-branch", "--filter=blob:none"]
        args += ["--branch", branch] if branch else []
        _must(_bounded(folder.parent, [*args, "--", url, str(temp)], deadline), "git clone 失败")
        _must(
            _bounded(temp, ["config", "core.sparseCheckout", "true"], deadline), "git config 失败"
        )
        sparse = _must(
            _bounded(temp, ["rev-parse", "--git-path", "info/sparse-checkout"], deadline),
            "git rev-parse 失败",
        )
        sparse_path = temp / sparse
        sparse_path.parent.mkdir(parents=True, exist_ok=True)
        sparse_path.write_text("\n".join(LEDGER_SPARSE) + "\n", encoding="utf-8")
        name = _must(
            _bounded(temp, ["symbolic-ref", "--short", "HEAD"], deadline), "远程仓库没有默认分支"
        )
        _must(_bounded(temp, ["reset", "--hard", "--quiet", "HEAD"], deadline), "git checkout 失败")
        after = _must(_bounded(temp, ["rev-parse", "HEAD"], deadline), "git rev-parse 失败")
        listing = _must(
            _bounded(
                temp, ["ls-tree", "-r", "-z", "--name-only", "HEAD", "--", "records"], deadline
            ),
            "git ls-tree 失败",
        )
        temp.replace(folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    added = sum(1 for name in listing.split("\0") if name.endswith(".yaml"))
    return SyncOutcome(True, None, after, name, added)


def _fetch(
    url: str, folder: Path, branch: str | None, deadline: float, known_url: str | None
) -> SyncOutcome:
    # Two git processes when nothing is new (the common case, for hundreds of units): HEAD
    # and its branch in one, the fetch; the fetched commit is read from FETCH_HEAD.
    head = _must(
        _bounded(folder, ["rev-parse", "HEAD", "--abbrev-ref", "HEAD"], deadline), "克隆已损坏"
    ).split()
    if len(head) != 2 or head[1] == "HEAD":
        raise _Failed("克隆已损坏或不在分支上；删除它（clones/ 下该单位的文件夹）后重新同步")
    before = head[0]
    branch = branch or head[1]
    if known_url != url:
        _must(_bounded(folder, ["remote", "set-url", "origin", url], deadline), "git remote 失败")
    tracking = f"refs/remotes/origin/{branch}"
    # The clone remembers its filter (remote.origin.partialclonefilter): no blobs come until
    # a checkout asks for them. No --depth: the shallow clone's boundary already stops the
    # fetch at what it has, and a depth costs the server a second negotiation on every fetch
    # (most fetches bring nothing); a force-pushed history comes back to its common ancestor.
    fetch = ["fetch", "--quiet", "--no-tags", "origin"]
    _must(
        _bounded(folder, [*fetch, f"+refs/heads/{branch}:{tracking}"], deadline), "git fetch 失败"
    )
    try:
        after = (folder / ".git" / "FETCH_HEAD").read_text(encoding="ascii").split()[0]
    except (OSError, ValueError, IndexError):
        raise _Failed("git fetch 没有取回分支的提交") from None
    if after == before:
        return SyncOutcome(True, before, after, branch)
    # Checked out by force at the remote's commit: the clone is a mirror, never merged into.
    _must(
        _bounded(folder, ["checkout", "--quiet", "--force", "-B", branch, tracking], deadline),
        "git checkout 失败",
    )
    diff = _must(
        _bounded(folder, ["diff", "-z", "--name-only", "--no-renames", "--diff-filter=A", before, after, "--", "records"], deadline),
        "git diff 失败",
    )  # fmt: skip
    added = sum(1 for name in diff.split("\0") if name.endswith(".yaml"))
    return SyncOutcome(True, before, after, branch, added)
