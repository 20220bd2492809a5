"""The Flask application of `wenming serve`: routes over the same use cases as the CLI."""

from __future__ import annotations

import hmac
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from flask import Flask, abort, redirect, render_template, request, send_file, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..commands.add import add
from ..commands.check import validate
from ..commands.edit import apply_edit, plan_edit
from ..commands.export import export
from ..commands.records import locate
from ..commands.records_list import list_records
from ..commands.remove import plan_removal, remove
from ..commands.show import EVIDENCE_STATES, show
from ..commands.status import status
from ..dates import DateError, parse_loose
from ..errors import Severity, WenmingError
from ..export.rows import section_banner
from ..files import inspect, unsafe_reason
from ..ledger import RECORDS_DIR, load, load_plans, select_plan
from ..model import HOURS_FIGURE, Record
from ..numbers import plain_number
from ..record import prepare
from ..status import STATE_ORDER, RequirementProgress, State, TaskProgress, Todo, role
from . import views

AUTHOR_COOKIE = "wenming_author"
EMAIL_COOKIE = "wenming_email"
DEFAULT_UPLOAD_LIMIT = 50 * 1024 * 1024
MAX_FILES = 20
LIST_LIMIT = 200
STAGE_HOURS = 24  # how long uploads wait for their form to be saved
STATE_CLASS = {
    State.DONE: "done", State.ON_TRACK: "on-track", State.LATE: "late",
    State.NOT_STARTED: "not-started",
}  # fmt: skip
# No inline script or style anywhere: everything the pages load ships in the package.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOWNLOADS = {
    "xlsx": ("台账工作簿（Excel）", {"fmt": "xlsx"}),
    "html": ("网页台账（可打印）", {"fmt": "html"}),
    "summary": ("年度创建工作总结（网页）", {"fmt": "html", "template": "summary"}),
    "bundle": ("移交压缩包（工作簿、网页和全部佐证材料）", {}),
}


@dataclass(frozen=True)
class Settings:
    """How the server was started: the ledger, the access password and the upload limit."""

    root: Path
    password: str | None = None
    upload_limit: int = DEFAULT_UPLOAD_LIMIT
    today: Callable[[], date] = date.today
    use_cache: bool = True  # the global --no-cache


def create_app(settings: Settings) -> Flask:
    """The application over one ledger folder."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        # Werkzeug streams any larger part to a temporary file; the whole request is bounded
        # by the per-file limit times the number of files a form may carry.
        MAX_CONTENT_LENGTH=settings.upload_limit * MAX_FILES + 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
    )
    # A doubled slash is not tidied into a redirect: every path is judged as sent.
    app.url_map.merge_slashes = False
    staging = Path(tempfile.mkdtemp(prefix="wenming-serve-"))
    app.extensions["wenming"] = settings
    app.extensions["wenming-staging"] = staging
    root = settings.root
    cache = settings.use_cache
    # Reading the ledger while another request writes is safe (records are published
    # atomically); the lock only keeps two exports from writing the same temporary folder.
    export_lock = threading.Lock()

    # ------------------------------------------------------------ every request

    @app.before_request
    def guard() -> ResponseReturnValue | None:
        if settings.password and not session.get("authed"):
            token = request.args.get("token", "")
            if token and _same(token, settings.password):
                session["authed"] = True
                return redirect(request.path)
            if request.endpoint not in ("login", "static"):
                return redirect(url_for("login", next=request.path))
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            if not _same(sent, session["csrf"]):
                return page(
                    "message.html",
                    400,
                    title="请求被拒绝",
                    text="表单缺少有效的安全令牌（可能是页面打开太久或来自别的网站），未做任何修改。",
                    hint="返回上一页，刷新后重新提交。",
                )
        return None

    @app.after_request
    def headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.context_processor
    def common() -> dict[str, Any]:
        return {
            "csrf": session.get("csrf", ""),
            "author": unquote(request.cookies.get(AUTHOR_COOKIE, "")),
            "email": unquote(request.cookies.get(EMAIL_COOKIE, "")),
            "state_class": STATE_CLASS,
            "nav": request.endpoint,
        }

    def page(template: str, code: int = 200, **values: Any) -> ResponseReturnValue:
        return render_template(template, **values), code

    @app.errorhandler(WenmingError)
    def refused(exc: WenmingError) -> ResponseReturnValue:
        return page("message.html", 400, title="无法完成", text=exc.message, hint=exc.hint)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
        limit = settings.upload_limit // (1024 * 1024)
        return page(
            "message.html",
            413,
            title="上传的文件太大",
            text=f"每个文件最大 {limit} MB，一次最多 {MAX_FILES} 个文件，未写入任何内容。",
            hint="压缩照片或分几次登记；管理员可用 wenming serve --upload-limit 调整上限。",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        words = {404: "找不到这个页面或文件", 405: "不支持这种请求方式", 400: "请求有误"}
        code = exc.code or 500
        return page("message.html", code, title=words.get(code, "请求有误"), text="", hint="")

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> ResponseReturnValue:
        # A bug: logged in full for whoever runs the server, one Chinese line for the page.
        app.logger.exception("wenming serve: unexpected error")
        return page(
            "message.html",
            500,
            title="程序出错了",
            text="这是 wenming 的缺陷，不是你的操作问题；台账中已写入的内容不受影响。",
            hint="请把运行 wenming serve 的窗口中显示的报错发给台账管理员。",
        )

    # ------------------------------------------------------------ access and who is working

    @app.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        wrong = False
        if request.method == "POST" and settings.password:
            given = request.form.get("password", "")
            if _same(given, settings.password):
                session["authed"] = True
                target = request.form.get("next", "/")
                return redirect(target if target.startswith("/") and "//" not in target else "/")
            wrong = True
        return page(
            "login.html", 401 if wrong else 200, wrong=wrong, next=request.args.get("next", "/")
        )

    @app.post("/me")
    def me() -> ResponseReturnValue:
        target = request.form.get("next", "/")
        response = redirect(target if target.startswith("/") and "//" not in target else "/")
        year = 365 * 24 * 3600
        for cookie, key in ((AUTHOR_COOKIE, "author"), (EMAIL_COOKIE, "email")):
            value = request.form.get(key, "").strip()[:120]
            response.set_cookie(
                cookie, quote(value), max_age=year, samesite="Strict", httponly=True
            )
        return response

    def current_author() -> str | None:
        return views.author_line(
            unquote(request.cookies.get(AUTHOR_COOKIE, "")),
            unquote(request.cookies.get(EMAIL_COOKIE, "")),
        )

    # ------------------------------------------------------------ dashboard and tasks

    def as_of_arg() -> date | None:
        text = request.args.get("as_of", "").strip()
        if not text:
            return None
        try:
            return parse_loose(text, settings.today().year)
        except DateError as exc:
            raise WenmingError(str(exc), "统计日期写成 2022-06-30 这样") from None

    def year_arg() -> int | None:
        text = request.args.get("year", "").strip()
        return int(text) if text.isdigit() else None

    @app.get("/")
    def dashboard() -> ResponseReturnValue:
        result = status(
            root,
            year=year_arg(),
            as_of=as_of_arg(),
            with_timeline=True,
            today=settings.today(),
            use_cache=cache,
        )
        plan = result.plan
        assert result.timeline is not None
        months, rows = result.timeline
        sections = [
            (s, [t for t in result.progress.tasks if t.section == s.id]) for s in plan.sections
        ]
        todo: list[tuple[TaskProgress, RequirementProgress | None, Todo]] = [
            (t, req, item)
            for t in result.progress.tasks
            for req in t.requirements
            for item in req.todo
        ]
        todo += [(t, None, item) for t in result.progress.tasks for item in t.todo]
        order = {state: i for i, state in enumerate(STATE_ORDER)}
        todo.sort(key=lambda row: (order[row[0].state], row[2].date or plan.end))
        return page(
            "dashboard.html",
            result=result,
            plan=plan,
            progress=result.progress,
            counts=result.progress.counts,
            sections=sections,
            charts=views.charts(plan, months, rows, result.progress.as_of),
            months=months,
            todo=todo,
            states=list(State),
            years=sorted(load_plans(root, cache).plans),
        )

    @app.get("/tasks/<task_id>")
    def task_page(task_id: str) -> ResponseReturnValue:
        plan = select_plan(load_plans(root, cache), year_arg(), settings.today())
        if task_id not in plan.tasks:
            abort(404)
        result = status(
            root,
            year=plan.year,
            as_of=as_of_arg(),
            task=task_id,
            today=settings.today(),
            use_cache=cache,
        )
        progress = result.shown.tasks[0]
        records = result.records or {}
        mine = [records[i] for i in progress.record_ids if i in records]
        return page(
            "task.html",
            plan=plan,
            task=plan.tasks[task_id],
            progress=progress,
            records=sorted(mine, key=lambda r: (r.date, r.id), reverse=True),
            as_of=result.progress.as_of,
        )

    # ------------------------------------------------------------ records

    @app.get("/records")
    def records() -> ResponseReturnValue:
        args = {
            k: request.args.get(k, "").strip() for k in ("task", "unit", "type", "from", "to", "q")
        }
        ledger = load_plans(root, cache)
        error = ""
        listed = None
        try:
            year = settings.today().year
            start = parse_loose(args["from"], year) if args["from"] else None
            end = parse_loose(args["to"], year) if args["to"] else None
            listed = list_records(
                root,
                task=args["task"] or None,
                unit=args["unit"] or None,
                activity_type=args["type"] or None,
                start=start,
                end=end,
                text=args["q"] or None,
                all_years=True,
                today=settings.today(),
                use_cache=cache,
            )
        except (WenmingError, DateError) as exc:
            error = views.message(exc) if isinstance(exc, WenmingError) else str(exc)
        plans = [ledger.plans[y] for y in sorted(ledger.plans)]
        return page(
            "records.html",
            args=args,
            listed=listed,
            shown=listed.records[:LIST_LIMIT] if listed else (),
            limit=LIST_LIMIT,
            error=error,
            tasks={t.id: t.title for p in plans for t in p.tasks.values()},
            units=list(dict.fromkeys(u for p in plans for u in p.units)),
            types=list(dict.fromkeys(a for p in plans for a in p.activity_types)),
        )

    @app.get("/records/<record_id>")
    def record_page(record_id: str) -> ResponseReturnValue:
        shown = _exact(
            record_id, lambda: show(root, record_id, today=settings.today(), use_cache=cache)
        )
        photos = {
            e.file
            for e in shown.evidence
            if e.file and Path(e.file).suffix.lower() in views.PHOTO_SUFFIXES
        }
        return page(
            "record.html",
            shown=shown,
            record=shown.record,
            photos=photos,
            states=EVIDENCE_STATES,
            saved=request.args.get("saved", ""),
            can_edit=True,
        )

    def _exact(record_id: str, fetch: Callable[[], Any]) -> Any:
        """A record page answers to its whole id only (a fragment would make URLs ambiguous)."""
        try:
            found = fetch()
        except WenmingError:
            abort(404)
        record = found.record
        if record.id != record_id:
            abort(404)
        return found

    @app.route("/records/<record_id>/remove", methods=["GET", "POST"])
    def remove_page(record_id: str) -> ResponseReturnValue:
        removal = _exact(record_id, lambda: plan_removal(root, record_id))
        if request.method == "GET":
            return page("remove.html", removal=removal, record=removal.record)
        result = remove(root, removal, author=current_author())
        committed = result.committed
        return page(
            "removed.html",
            removal=removal,
            committed=committed,
        )

    @app.get("/files/<path:rel>")
    def evidence_file(rel: str) -> ResponseReturnValue:
        # Only a file some record names as its evidence, checked as `check` checks it.
        if unsafe_reason(rel) is not None:
            abort(404)
        if rel not in named_files(rel):
            abort(404)
        fact = inspect(root, rel, want_hash=False)
        if fact.state != "ok":
            abort(404)
        return send_file(root / rel, as_attachment=request.args.get("download") == "1")

    def named_files(rel: str) -> set[str]:
        """The evidence files of the record whose folder `rel` is in (read alone), else of all."""
        parts = rel.split("/")
        if len(parts) >= 4 and parts[0] == RECORDS_DIR and parts[1].isdigit():
            try:
                record = locate(root, parts[2])
            except WenmingError:
                record = None
            if record is not None and record.id == parts[2]:
                return {e.file for e in record.evidence if e.file}
        return {e.file for r in load(root, cache).records for e in r.evidence if e.file}

    # ------------------------------------------------------------ logging an activity

    def stage_uploads(stage: str) -> list[views.Staged]:
        """The staged files listed in the form, plus this request's new uploads."""
        folder = staging / stage
        kept: list[views.Staged] = []
        names = request.form.getlist("staged")
        kinds = request.form.getlist("staged_kind")
        captions = request.form.getlist("staged_caption")
        drop = set(request.form.getlist("staged_drop"))
        for name, kind, caption in zip(names, kinds, captions, strict=False):
            if name in drop or name != views.staged_name(name, []) or not (folder / name).is_file():
                continue
            kept.append(views.Staged(name, kind, caption.strip()))
        uploads: list[FileStorage] = [f for f in request.files.getlist("files") if f.filename]
        if len(kept) + len(uploads) > MAX_FILES:
            raise WenmingError(
                f"一条记录一次最多上传 {MAX_FILES} 个文件", "把材料分几次登记，或合并成 PDF"
            )
        if uploads:
            folder.mkdir(exist_ok=True)
        plan = load_plans(root, cache).plans
        some_plan = plan[max(plan)] if plan else None
        for upload in uploads:
            name = views.staged_name(upload.filename or "", [k.name for k in kept])
            target = folder / name
            upload.save(target)
            if target.stat().st_size > settings.upload_limit:
                target.unlink()
                limit = settings.upload_limit // (1024 * 1024)
                raise WenmingError(
                    f"文件“{name}”超过 {limit} MB，未写入任何内容", "压缩后再上传，或分开登记"
                )
            kind = views.guess_kind(name, some_plan) if some_plan else "照片"
            kept.append(views.Staged(name, kind, ""))
        return kept

    @app.route("/add", methods=["GET", "POST"])
    def add_page() -> ResponseReturnValue:
        ledger = load_plans(root, cache)
        today = settings.today()
        form: dict[str, str] = {k: request.form.get(k, "") for k in views.FIELDS}
        if request.method == "GET":
            _sweep(staging)
            form["task"] = request.args.get("task", "")
            form["date"] = request.args.get("date", "")
            form["type"] = request.args.get("type", "")
            return form_page(ledger, form, [], secrets.token_hex(16), {}, None, today)
        stage = request.form.get("stage", "")
        if not views.valid_stage(stage):
            abort(400)
        errors: dict[str, str] = {}
        try:
            staged = stage_uploads(stage)
        except WenmingError as exc:
            staged, errors = [], {"evidence": views.message(exc)}
        outcome = views.read_form(ledger, form, staged, staging / stage, today)
        errors.update(outcome.errors)
        preview = None
        if not errors and outcome.draft is not None:
            try:
                preview = prepare(root, outcome.plan, outcome.draft)
            except WenmingError as exc:
                errors["record"] = views.message(exc)
        if errors or preview is None or request.form.get("action") != "save":
            return form_page(ledger, form, staged, stage, errors, preview, today)
        if not current_author():
            errors["author"] = "请先在页面上方填写你的姓名：提交记录时要记下是谁登记的"
            return form_page(ledger, form, staged, stage, errors, preview, today)
        assert outcome.draft is not None
        try:
            result = add(root, outcome.plan, outcome.draft, author=current_author())
        except WenmingError as exc:
            errors["record"] = views.message(exc)
            return form_page(ledger, form, staged, stage, errors, preview, today)
        shutil.rmtree(staging / stage, ignore_errors=True)
        written = result.written
        return page(
            "added.html",
            written=written,
            record=written.record,
            committed=result.committed,
            notes=written.notes,
        )

    def form_page(
        ledger: Any,
        form: dict[str, str],
        staged: list[views.Staged],
        stage: str,
        errors: dict[str, str],
        preview: Any,
        today: date,
    ) -> ResponseReturnValue:
        try:
            day = parse_loose(form["date"], today.year) if form.get("date") else today
        except DateError:
            day = today
        try:
            plan = select_plan(ledger, None, day)
        except WenmingError:
            plan = select_plan(ledger, None, today)
        return page(
            "add.html",
            400 if errors else 200,
            plan=plan,
            form=form,
            staged=staged,
            stage=stage,
            errors=errors,
            preview=preview,
            labels=views.LABELS,
            order=[k for k in (*views.FIELDS, "record", "author") if k in errors],
        )

    # ------------------------------------------------------------ editing a record

    @app.route("/records/<record_id>/edit", methods=["GET", "POST"])
    def edit_page(record_id: str) -> ResponseReturnValue:
        record = _exact(record_id, lambda: _Found(locate(root, record_id))).record
        ledger = load_plans(root, cache)
        today = settings.today()
        if request.method == "GET":
            form = views.edit_form(record)
            captions = [e.caption for e in record.evidence]
            return edit_form_page(record, form, captions, [], [], secrets.token_hex(16), {})
        stage = request.form.get("stage", "")
        if not views.valid_stage(stage):
            abort(400)
        form = {k: request.form.get(k, "") for k in views.FIELDS}
        captions = request.form.getlist("caption")
        drop = request.form.getlist("drop")
        errors: dict[str, str] = {}
        try:
            staged = stage_uploads(stage)
        except WenmingError as exc:
            staged, errors = [], {"evidence": views.message(exc)}
        changes, found = views.read_changes(
            ledger, record, form, captions, drop, staged, staging / stage, today
        )
        errors.update(found)
        if not errors and not current_author():
            errors["author"] = "请先在页面上方填写你的姓名：提交修改时要记下是谁改的"
        if errors or changes is None:
            return edit_form_page(record, form, captions, drop, staged, stage, errors)
        try:
            result = apply_edit(
                root, plan_edit(root, record.id, changes, use_cache=cache), author=current_author()
            )
        except WenmingError as exc:
            errors["record"] = views.message(exc)
            return edit_form_page(record, form, captions, drop, staged, stage, errors)
        shutil.rmtree(staging / stage, ignore_errors=True)
        after = result.edit.after
        if result.committed is not None and not result.committed.ok:
            return page("edited.html", edit=result.edit, committed=result.committed)
        return redirect(url_for("record_page", record_id=after.id, saved=1))

    def edit_form_page(
        record: Any,
        form: dict[str, str],
        captions: list[str],
        drop: list[str],
        staged: list[views.Staged],
        stage: str,
        errors: dict[str, str],
    ) -> ResponseReturnValue:
        ledger = load_plans(root, cache)
        plan = ledger.plans.get(record.year) or select_plan(ledger, None, settings.today())
        return page(
            "edit.html",
            400 if errors else 200,
            record=record,
            plan=plan,
            form=form,
            captions=captions + [""] * (len(record.evidence) - len(captions)),
            drop=drop,
            staged=staged,
            stage=stage,
            errors=errors,
            labels=views.LABELS,
            order=[k for k in (*views.FIELDS, "record", "author") if k in errors],
        )

    # ------------------------------------------------------------ downloads and problems

    @app.get("/downloads")
    def downloads() -> ResponseReturnValue:
        return page("downloads.html", downloads=DOWNLOADS)

    @app.get("/downloads/<kind>")
    def download(kind: str) -> ResponseReturnValue:
        if kind not in DOWNLOADS:
            abort(404)
        options: dict[str, Any] = dict(DOWNLOADS[kind][1])
        with export_lock:
            # Only the latest export is kept: a download already under way holds its file open.
            for old in staging.glob("export-*"):
                shutil.rmtree(old, ignore_errors=True)
            folder = Path(tempfile.mkdtemp(dir=staging, prefix="export-"))
            if kind == "bundle":
                options["bundle"] = folder / "台账移交.zip"
            result = export(
                root,
                folder=folder,
                as_of=as_of_arg(),
                today=settings.today(),
                use_cache=cache,
                **options,
            )
        name = f"台账移交-{result.data.plan.year}.zip" if kind == "bundle" else result.path.name
        return send_file(result.path, as_attachment=True, download_name=name)

    @app.get("/problems")
    def problems() -> ResponseReturnValue:
        found = validate(root, cache)
        ledger = load(root, cache)
        by_path = {r.path: r.id for r in ledger.records}
        errors = sum(p.severity is Severity.ERROR for p in found)
        return page(
            "problems.html",
            problems=found,
            by_path=by_path,
            errors=errors,
            warnings=len(found) - errors,
        )

    @app.template_filter("records_of")
    def _records_of(task_ids: tuple[str, ...]) -> str:
        return "、".join(task_ids)

    app.add_template_global(section_banner, "banner")
    app.add_template_filter(plain_number, "number")
    app.jinja_env.globals["HOURS"] = HOURS_FIGURE

    @app.template_global()
    def role_of(plan: Any, task: Any, unit: str) -> str | None:
        return role(plan, task, unit)

    return app


@dataclass(frozen=True)
class _Found:
    """A record found by id, in the shape the record pages look up (`.record`)."""

    record: Record


def _same(given: str, expected: str) -> bool:
    """A constant-time comparison that also takes what a person may type (any characters)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def _sweep(staging: Path, age: float = STAGE_HOURS * 3600) -> None:
    """Remove uploads previewed but never saved, once they are older than `age` seconds."""
    now = time.time()
    for folder in staging.iterdir():
        try:
            if now - folder.stat().st_mtime > age:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def cleanup(app: Flask) -> None:
    """Remove the staging folder of uploads not saved."""
    staging = app.extensions.get("wenming-staging")
    if isinstance(staging, Path):
        shutil.rmtree(staging, ignore_errors=True)
