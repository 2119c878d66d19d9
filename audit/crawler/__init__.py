"""Stage 1, the only code that drives the browser, as small parts with one job each.

- :mod:`~audit.crawler.pool`: which Chromium, launching and relaunching it, Ctrl-C handling;
- :mod:`~audit.crawler.policy`: what the site allows: robots.txt, the private-network guard, pacing;
- :mod:`~audit.crawler.navigation`: opening a page with bounded waits, retries and failure classification;
- :mod:`~audit.crawler.consent`: closing a cookie banner with its least-consent choice;
- :mod:`~audit.crawler.collect`: what the page shows, from every frame (runs ``collect.js``);
- :mod:`~audit.crawler.capture`: what is kept of a page: DOM, screenshots, WARC records;
- :mod:`~audit.crawler.site`: one municipality, start to end (uses :mod:`audit.follow` for link choice);
- :mod:`~audit.crawler.runner`: every municipality, with concurrency, time limits and crash recovery.

This package's ``__init__`` imports nothing, so :mod:`audit.crawl_types` and :mod:`audit.follow`
stay importable (and testable) without Playwright.
"""
