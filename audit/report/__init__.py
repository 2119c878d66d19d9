"""The report stage: results.json -> a static, accessible, evidence-backed HTML report.

Public surface: :func:`render_report` (writes the pages into the run folder) and
:func:`safe_href` (the one rule for which URLs may become links).
"""

from __future__ import annotations

from audit.report.render import render_report
from audit.report.safety import clean_text, safe_href

__all__ = ["clean_text", "render_report", "safe_href"]
