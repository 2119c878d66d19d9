"""Which page the crawler opens next: link choice as a pure function of what was collected.

Breadth-first over the best candidates of each page, up to ``max_depth`` clicks (one more from a
service page, to its organisation page). Links that name the service jump the queue: they are
what the crawl came for. When the ranked links reach no service page, the site's own navigation
is browsed as a resident would ("about the municipality" sections first), so a service page two
clicks behind "Om kommunen" is still found. No browser is involved: the crawler asks for the next
step, opens it, and reports the page it got.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit.criteria import Criteria
from audit.linkrank import Candidate, browse_links, likely_sections, normalise_url, rank_links
from audit.models import PageSnapshot
from audit.service_page import service_page_terms


@dataclass(frozen=True)
class Step:
    """A link to open: the candidate, how many clicks from the homepage, and the page it is on."""

    candidate: Candidate
    depth: int
    parent: str


def names_service(page: PageSnapshot, criteria: Criteria) -> bool:
    """The page presents itself as the service (the same test the checks use)."""
    return bool(service_page_terms(page, criteria.vocabulary)[0])


@dataclass
class FollowPlan:
    """The crawl's queue for one site; feed it the pages it led to."""

    criteria: Criteria
    municipality: str
    follow_per_page: int
    queue: list[Step] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    browsed: bool = False
    found_service: bool = False
    sections: set[str] = field(default_factory=set)  # likely sections of the navigation, once browsing began
    home: PageSnapshot | None = None

    def start(self, home: PageSnapshot, *also_seen: str) -> None:
        self.home = home
        self.seen.update(normalise_url(u) for u in (home.final_url, *also_seen) if u)
        self.queue = [Step(c, 1, home.final_url) for c in self._candidates(home, from_service_page=False)]

    def next(self) -> Step | None:
        """The next link to open, or None when the crawl of this site is complete."""
        while True:
            while self.queue:
                step = self.queue.pop(0)
                if step.candidate.url not in self.seen:
                    self.seen.add(step.candidate.url)
                    return step
            if self.browsed or self.found_service or self.home is None:
                return None
            self.browsed = True
            extra = browse_links(self.home.elements, self.home.final_url, self.criteria.vocabulary)
            self.queue = [Step(c, 1, self.home.final_url) for c in extra if c.url not in self.seen]
            self.sections = likely_sections(extra, self.criteria.vocabulary)

    def opened(self, page: PageSnapshot, step: Step) -> None:
        """Record a page the last step led to and queue its own links."""
        service = names_service(page, self.criteria)
        self.found_service = self.found_service or service
        settings = self.criteria.settings
        limit = settings.person_page_depth if service else settings.max_depth
        if step.depth >= limit:
            return
        found = self._candidates(page, from_service_page=service)
        steps = [Step(c, step.depth + 1, page.final_url) for c in found]
        # A service page's organisation or staff page, where its manager is named, comes before the
        # rest of the menu: it is what is left to read once the service is found.
        ahead = [s for s in steps if s.candidate.first or (service and s.candidate.organisation)]
        self.queue = [
            *ahead,
            *self._subsections(page, step),
            *self.queue,
            *(s for s in steps if s not in ahead),
        ]

    def _subsections(self, page: PageSnapshot, step: Step) -> list[Step]:
        """A likely section's own "organisation" or "about" pages ("Politikk og organisasjon" ->
        "Organisasjon"), browsed before the rest of the menu: where a resident would look next."""
        if self.found_service or step.candidate.url not in self.sections:
            return []
        vocab = self.criteria.vocabulary
        inner = browse_links(page.elements, page.final_url, vocab, within="main")
        found = [c for c in likely_sections(inner, vocab) if c not in self.seen]
        self.sections.update(found)
        by_url = {c.url: c for c in inner}
        return [Step(by_url[u], step.depth + 1, page.final_url) for u in sorted(found, key=list(by_url).index)]

    def unvisited(self) -> int:
        """Distinct links still queued (left unread when the page budget ran out)."""
        return len({s.candidate.url for s in self.queue} - self.seen)

    def unread_sections(self) -> int:
        """Likely sections of the site's navigation left unread (see linkrank.likely_sections)."""
        if not self.browsed and self.home is not None:
            vocab = self.criteria.vocabulary
            sections = likely_sections(browse_links(self.home.elements, self.home.final_url, vocab), vocab)
            return len(sections - self.seen)
        return len(self.sections - self.seen)

    def _candidates(self, page: PageSnapshot, *, from_service_page: bool) -> list[Candidate]:
        ranked = rank_links(
            page.elements,
            page.final_url,
            self.criteria.vocabulary,
            from_service_page=from_service_page,
            municipality=self.municipality,
        )
        return ranked[: self.follow_per_page]
