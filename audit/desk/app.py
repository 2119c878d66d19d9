"""The researchers' desk: a small local web application over one run folder.

Pages: the call list (a phone-check form per municipality awaiting a call), the review queue
(every verdict that needs review, with its evidence and a form to confirm or override it), the
inquiries (mystery-shopper questions and their answers), and one button that re-scores the
archived run and re-renders the report (never a re-crawl). Everything is saved through
:class:`~audit.desk.store.DeskFiles` into the run folder's CSV files.

Safety: every form carries a per-server secret checked on submission, and a request whose Origin
is another site is refused (cross-site request forgery); on a LAN (``--host``) every request
needs the access token printed at start-up. Page text is escaped by Jinja2 as in the report.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from audit.criteria import Criteria
from audit.desk import views
from audit.desk.store import DeskFiles
from audit.errors import AuditError, Problem
from audit.pipeline import load_results, report, score_run
from audit.report.i18n import resolve_language, strings_for
from audit.runfolder import INQUIRIES_FILE, OVERRIDES_FILE
from audit.runfolder import PHONE_CHECKS_FILE as PHONE_FILE

TOKEN_COOKIE = "audit_desk_token"
_SERVED = (".html", ".css", ".js", ".png", ".jpg", ".jpeg", ".csv", ".json", ".xlsx", ".parquet", ".md")
_PRIVATE = ("ledger.sqlite", "run.json", "municipalities.json", "desk_history.jsonl")


@dataclass
class Desk:
    """The application's state: the run folder, its files, the rubric, the secrets."""

    run_dir: Path
    files: DeskFiles
    criteria: Criteria
    env: Environment
    csrf: str
    token: str | None
    # Why the last re-score failed: shared state of the run's files, so shown to whoever asks.
    rescore_error: str = ""

    def results(self) -> dict[str, Any]:
        return load_results(self.run_dir)

    def strings(self, results: dict[str, Any]) -> Any:
        run = results.get("run") if isinstance(results.get("run"), dict) else {}
        return strings_for(resolve_language(None, (run or {}).get("language")))

    def page(self, name: str, request: Request, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        current = name.removeprefix("desk_").removesuffix(".html")
        message = self.notice(request.query_params)
        html = self.env.get_template(name).render(csrf=self.csrf, message=message, current=current, **context)
        return HTMLResponse(html, status_code=status_code, headers=_SECURITY_HEADERS)

    def notice(self, query: Mapping[str, str]) -> str:
        """The sentence for a redirect's outcome code; codes only, so a link cannot put words on the page."""
        done, mid, criterion = query.get("done", ""), query.get("id", ""), query.get("criterion", "")
        known = mid in self.files.ids
        if done == "call" and known:
            return f"Saved the phone check of {mid}. Re-score to update the report."
        if done == "decision" and known and criterion in self.criteria.ids:
            return f"Saved the decision on {mid} / {criterion}. Re-score to apply."
        if done in _NOTICES:
            return _NOTICES[done]
        if done == "rescore-failed" and self.rescore_error:
            return f"Not re-scored: {self.rescore_error}"
        return ""


_NOTICES = {
    "inquiry": "Saved the inquiry. Re-score to update the report.",
    "import": "Imported inquiries.csv. Re-score to update the report.",
    "rescored": "Re-scored and re-rendered the report.",
}


_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: a form posted under no-referrer carries "Origin: null".
    "Referrer-Policy": "same-origin",
}


def create_app(run_dir: Path, criteria: Criteria, ids: list[str], *, token: str | None = None) -> Starlette:
    """The desk over ``run_dir``; ``token`` (for a LAN) is required on every request when set."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader("audit", "desk/templates"), PackageLoader("audit", "report/templates")]),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    desk = Desk(run_dir, DeskFiles(run_dir, ids, criteria.ids), criteria, env, secrets.token_urlsafe(32), token)
    routes = [
        Route("/", lambda r: RedirectResponse("/calls", status_code=303)),
        Route("/favicon.ico", lambda r: Response(status_code=204)),
        Route("/calls", _guard(desk, _calls), methods=["GET", "POST"]),
        Route("/review", _guard(desk, _review), methods=["GET", "POST"]),
        Route("/inquiries", _guard(desk, _inquiries), methods=["GET", "POST"]),
        Route("/inquiries/import", _guard(desk, _import), methods=["POST"]),
        Route("/rescore", _guard(desk, _rescore), methods=["POST"]),
        Route("/history", _guard(desk, _history), methods=["GET"]),
        Route("/static/{name}", _guard(desk, _static), methods=["GET"]),
        Route("/run/{path:path}", _guard(desk, _run_file), methods=["GET"]),
    ]
    return Starlette(routes=routes)


Handler = Callable[[Desk, Request], Awaitable[Response]]


def _guard(desk: Desk, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Access token (on a LAN), then cross-site checks on every form submission."""

    async def endpoint(request: Request) -> Response:
        if desk.token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given, desk.token):
                response = RedirectResponse(request.url.path, status_code=303)
                response.set_cookie(TOKEN_COOKIE, desk.token, httponly=True, samesite="strict")
                return response
            if not hmac.compare_digest(request.cookies.get(TOKEN_COOKIE, ""), desk.token):
                return PlainTextResponse("the desk needs its access token (printed at start-up)", status_code=403)
        if request.method == "POST":
            refusal = await _cross_site(desk, request)
            if refusal is not None:
                return refusal
        return await handler(desk, request)

    return endpoint


async def _cross_site(desk: Desk, request: Request) -> Response | None:
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        return PlainTextResponse("refused: the form was sent from another site", status_code=403)
    form = await request.form()
    if not hmac.compare_digest(str(form.get("csrf", "")), desk.csrf):
        return PlainTextResponse("refused: the form is stale or forged; reload the page", status_code=403)
    return None


# --- pages ------------------------------------------------------------------------------------------


async def _calls(desk: Desk, request: Request) -> Response:
    errors: dict[str, list[Problem]] = {}
    if request.method == "POST":
        form = await request.form()
        row = {k: str(form.get(k, "")) for k in views.PHONE_FIELDS}
        problems = await run_in_threadpool(desk.files.save_phone_check, row, row.get("caller") or "desk")
        if problems:
            errors[row["municipality_id"]] = problems
        else:
            return _after_save("/calls", done="call", id=row["municipality_id"])
    results = await run_in_threadpool(desk.results)
    t = desk.strings(results)
    saved = await run_in_threadpool(desk.files.rows, PHONE_FILE, views.PHONE_FIELDS)
    items = views.call_items(results, saved, desk.criteria, t)
    status = 400 if errors else 200
    today = date.today().isoformat()
    return desk.page("desk_calls.html", request, status_code=status, items=items, errors=errors, today=today, t=t)


async def _review(desk: Desk, request: Request) -> Response:
    errors: dict[str, list[Problem]] = {}
    if request.method == "POST":
        form = await request.form()
        row = {k: str(form.get(k, "")) for k in views.OVERRIDE_FIELDS}
        row["when"] = datetime.now(UTC).isoformat(timespec="seconds")
        problems = await run_in_threadpool(desk.files.save_override, row, row.get("who") or "desk")
        if problems:
            errors[f"{row['municipality_id']}/{row['criterion']}"] = problems
        else:
            return _after_save("/review", done="decision", id=row["municipality_id"], criterion=row["criterion"])
    results = await run_in_threadpool(desk.results)
    t = desk.strings(results)
    decided = await run_in_threadpool(desk.files.rows, OVERRIDES_FILE, views.OVERRIDE_FIELDS)
    items = views.review_items(results, decided, desk.run_dir, t)
    return desk.page("desk_review.html", request, status_code=400 if errors else 200, items=items, errors=errors, t=t)


async def _inquiries(desk: Desk, request: Request) -> Response:
    errors: list[Problem] = []
    values: dict[str, str] = {}
    if request.method == "POST":
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in views.INQUIRY_FIELDS}
        errors = await run_in_threadpool(desk.files.save_inquiry, values, str(form.get("who") or "desk"))
        if not errors:
            return _after_save("/inquiries", done="inquiry")
    return await _inquiries_page(desk, request, errors, values)


async def _inquiries_page(desk: Desk, request: Request, errors: list[Problem], values: dict[str, str]) -> Response:
    results = await run_in_threadpool(desk.results)
    rows = await run_in_threadpool(desk.files.rows, INQUIRIES_FILE, views.INQUIRY_FIELDS)
    context = {"rows": rows, "names": views.names(results), "errors": errors, "values": values}
    return desk.page(
        "desk_inquiries.html", request, status_code=400 if errors else 200, t=desk.strings(results), **context
    )


async def _import(desk: Desk, request: Request) -> Response:
    form = await request.form()
    upload = form.get("file")
    data = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    problems = await run_in_threadpool(desk.files.replace_inquiries, data, str(form.get("who") or "desk"))
    if problems:
        return await _inquiries_page(desk, request, problems, {})
    return _after_save("/inquiries", done="import")


async def _rescore(desk: Desk, request: Request) -> Response:
    back = urlsplit(request.headers.get("referer", "/calls")).path or "/calls"
    try:
        await run_in_threadpool(_rescore_and_render, desk)
    except AuditError as exc:
        desk.rescore_error = str(exc)
        return _after_save(back, done="rescore-failed")
    desk.rescore_error = ""
    return _after_save(back, done="rescored")


def _after_save(path: str, **outcome: str) -> RedirectResponse:
    """Post/redirect/get: the outcome travels as codes in the query, per browser, never shared."""
    return RedirectResponse(f"{path}?{urlencode(outcome)}", status_code=303)


def _rescore_and_render(desk: Desk) -> None:
    previous = load_results(desk.run_dir)
    lang = (previous.get("run") or {}).get("language")
    results = score_run(desk.run_dir, desk.criteria)  # with the run folder's own files
    report(desk.run_dir, results, lang=lang)


async def _history(desk: Desk, request: Request) -> Response:
    entries = await run_in_threadpool(desk.files.history)
    results = await run_in_threadpool(desk.results)
    return desk.page("desk_history.html", request, entries=list(reversed(entries)), t=desk.strings(results))


async def _static(desk: Desk, request: Request) -> Response:
    name = request.path_params["name"]
    folder = {"report.css": "report/static", "desk.css": "desk/templates"}.get(name)
    if folder is None:
        return PlainTextResponse("not found", status_code=404)
    text = resources.files("audit").joinpath(folder, name).read_text(encoding="utf-8")
    return Response(text, media_type="text/css", headers=_SECURITY_HEADERS)


async def _run_file(desk: Desk, request: Request) -> Response:
    """The run folder's report, data and screenshots (never its ledger or internal records)."""
    relative = request.path_params["path"]
    root = desk.run_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.suffix.lower() not in _SERVED:
        return PlainTextResponse("not found", status_code=404)
    if target.name in _PRIVATE or target.name.startswith("."):
        return PlainTextResponse("not found", status_code=404)
    if target.suffix.lower() == ".html" and target.relative_to(root).parts[0] == "snapshots":
        # The municipalities' own pages as stored: their scripts must never run in the desk's origin.
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(target, headers=_SECURITY_HEADERS)
