// Runs inside each rendered frame and returns plain data (as one JSON string: the driver would
// otherwise validate thousands of nested objects one by one); no judging happens here.
// Collects links, buttons, headings and short text blocks with the layout facts the checks need:
// landmark, box (page coordinates at scroll 0), visibility, hidden/collapsed ancestors,
// whether something else covers the element's centre, font size and a CSS selector.
(opts) => {
  const MAX_LINKS = opts.maxLinks || 1500;
  const MAX_BLOCKS = opts.maxBlocks || 800;
  const linksOnly = !!opts.linksOnly;
  const vw = window.innerWidth, vh = window.innerHeight;
  const LANDMARK_TAGS = {HEADER: "header", NAV: "nav", MAIN: "main", ASIDE: "aside", FOOTER: "footer"};
  const LANDMARK_ROLES = {banner: "header", navigation: "nav", main: "main", complementary: "aside", contentinfo: "footer"};
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  // The parent, crossing from a shadow root to its host, so landmarks and hiding are seen
  // through web components.
  const up = (n) => n.parentElement || (n.getRootNode && n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
  // Facts for telling news from page content (the checks decide; nothing is judged here).
  // Many CMSs (WordPress, Sitevision, Drupal) wrap every page's own content in <article>, so an
  // <article> alone says nothing: what marks news is a region named or headed as news, or a
  // dated item that is not the page's main content.
  const fold = (s) => (s || "").toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "o").replace(/ß/g, "ss")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  const NEWS_WORDS = (opts.newsWords || []);
  // Vocabulary comes from criteria.yaml (news_class, not_news_class, month_name).
  const NEWS_CLASS = opts.newsClass || [];
  const NOT_NEWS_CLASS = opts.notNewsClass || [];
  const newsToken = (token) => NEWS_CLASS.some((w) => token.includes(w)) && !NOT_NEWS_CLASS.some((w) => token.includes(w));
  const MONTHS = (opts.months || []).map((w) => w.replace(/[^a-z]/g, "")).filter(Boolean).join("|") || "jan";
  const DATE_TEXT = new RegExp("\\b\\d{1,2}[./]\\d{1,2}[./](19|20)\\d{2}\\b|\\b(19|20)\\d{2}-\\d{2}-\\d{2}\\b|\\b\\d{1,2}\\.? ?(" + MONTHS + ")[a-z]*\\.? (19|20)\\d{2}\\b");
  const ITEM = "article, li, [class*=card], [class*=teaser], [class*=item], [class*=post], [class*=entry]";

  const landmarkOf = (el) => {
    for (let n = el; n && n.nodeType === 1; n = up(n)) {
      const role = n.getAttribute("role");
      if (role && LANDMARK_ROLES[role]) return LANDMARK_ROLES[role];
      if (LANDMARK_TAGS[n.tagName]) {
        // <header>/<footer> inside <article> or <section> are not page landmarks.
        if ((n.tagName === "HEADER" || n.tagName === "FOOTER") && n.parentElement && n.parentElement.closest("article,section,main,aside,nav") && n.tagName !== "MAIN") continue;
        return LANDMARK_TAGS[n.tagName];
      }
      const id = (n.id || "").toLowerCase(), cls = (typeof n.className === "string" ? n.className : "").toLowerCase();
      if (/(^|[\s_-])(site-?)?footer/.test(id + " " + cls)) return "footer";
      if (/(^|[\s_-])(site-?)?header/.test(id + " " + cls) && n.tagName !== "ARTICLE") return "header";
    }
    return "";
  };

  // Whether a node hides itself (and so everything inside it), memoised: every element's walk
  // up the tree passes the same ancestors, and getComputedStyle is the expensive part.
  const selfHiddenMemo = new Map();
  const selfHidden = (n) => {
    if (selfHiddenMemo.has(n)) return selfHiddenMemo.get(n);
    const st = getComputedStyle(n);
    const clip = st.clip, clipPath = st.clipPath;
    const hidden = n.hidden || st.display === "none" || st.visibility === "hidden" || st.visibility === "collapse" ||
      parseFloat(st.opacity) === 0 || (clip && clip.startsWith("rect(0") && clip !== "auto") ||
      (clipPath && /inset\(50%/.test(clipPath)) || (st.transform && /scale\(0/.test(st.transform));
    const clips = st.overflowX !== "visible" || st.overflowY !== "visible";
    const value = {hidden: !!hidden, clips, rect: clips ? n.getBoundingClientRect() : null};
    selfHiddenMemo.set(n, value);
    return value;
  };

  // Only what a sighted visitor sees counts here: aria-hidden or inert content is still on
  // screen, so it is not hidden for easy_to_find (that is an accessibility finding, not ours).
  const hiddenAncestor = (el) => {
    const e = el.getBoundingClientRect();
    const cx = e.left + e.width / 2, cy = e.top + e.height / 2;
    for (let n = el; n && n.nodeType === 1; n = up(n)) {
      const s = selfHidden(n);
      if (s.hidden) return true;
      if (n !== el && n.tagName === "DETAILS" && !n.open && !(el.closest("summary"))) return true;
      if (n !== el && s.clips && n !== document.body && n !== document.documentElement) {
        // A scrolling or clipping box (carousel, nav strip, collapsed panel) hides what lies
        // outside it, even when that spot is inside the window.
        const r = s.rect;
        if (r.height < 2 || r.width < 2) return true;
        if (e.width > 0 && (cx < r.left || cx > r.right || cy < r.top || cy > r.bottom)) return true;
      }
    }
    return false;
  };

  const accName = (el) => {
    const parts = [];
    const aria = el.getAttribute("aria-label");
    if (aria) parts.push(aria);
    const lb = el.getAttribute("aria-labelledby");
    if (lb) lb.split(/\s+/).forEach((id) => { const t = document.getElementById(id); if (t) parts.push(t.textContent); });
    el.querySelectorAll("img[alt], svg title, [role=img][aria-label]").forEach((i) => parts.push(i.getAttribute("alt") || i.getAttribute("aria-label") || i.textContent));
    if (el.getAttribute("title")) parts.push(el.getAttribute("title"));
    if (el.tagName === "INPUT") parts.push(el.value || "");
    return norm(parts.join(" "));
  };

  const deepText = (n) => {
    let t = n.textContent || "";
    if (n.shadowRoot) for (const c of n.shadowRoot.children) t += " " + (c.textContent || "");
    return t;
  };

  const selectorOf = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 5; n = n.parentElement) {
      if (n.id && /^[A-Za-z][\w-]*$/.test(n.id)) { parts.unshift(n.tagName.toLowerCase() + "#" + n.id); break; }
      let i = 1, s = n;
      while ((s = s.previousElementSibling)) if (s.tagName === n.tagName) i++;
      parts.unshift(n.tagName.toLowerCase() + ":nth-of-type(" + i + ")");
    }
    return parts.join(" > ");
  };

  const topAt = (x, y) => {
    let top = document.elementFromPoint(x, y);
    // Descend into shadow roots: the document only reports the host element.
    while (top && top.shadowRoot) {
      const inner = top.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === top) break;
      top = inner;
    }
    return top;
  };
  // Pop-ups and overlays on the first screen (cookie walls left open, newsletter offers, chat
  // windows): fixed, sticky or modal boxes found under a grid of points, described by their
  // text and selector so a report can say what covers an entry.
  const overlayOf = (n) => {
    for (let a = n; a && a.nodeType === 1 && a !== document.body && a !== document.documentElement; a = up(a)) {
      const st = getComputedStyle(a);
      const modal = a.getAttribute("role") === "dialog" || a.getAttribute("role") === "alertdialog" || a.getAttribute("aria-modal") === "true" || a.tagName === "DIALOG";
      if (modal || st.position === "fixed" || st.position === "sticky") {
        let outer = a;  // the outermost positioned box is the pop-up as a whole
        for (let b = up(a); b && b.nodeType === 1 && b !== document.body; b = up(b)) {
          const sb = getComputedStyle(b);
          if (sb.position === "fixed" || sb.position === "sticky" || b.getAttribute("role") === "dialog" || b.getAttribute("aria-modal") === "true") outer = b;
        }
        return outer;
      }
    }
    return null;
  };
  const overlays = [];
  const overlayIndex = new Map();
  for (let gx = 1; gx <= 5; gx++) for (let gy = 1; gy <= 4; gy++) {
    const o = overlayOf(topAt(vw * gx / 6, vh * gy / 5));
    if (!o || overlayIndex.has(o)) continue;
    const b = o.getBoundingClientRect();
    // A sticky site header along the top edge is part of the page, not a pop-up over it.
    if (b.top <= 0 && b.height < vh * 0.25 && b.width > vw * 0.8) continue;
    if (b.width * b.height < vw * vh * 0.05) continue;
    overlayIndex.set(o, overlays.length);
    overlays.push({selector: "", text: "", box: {x: b.left + window.scrollX, y: b.top + window.scrollY, width: b.width, height: b.height}, node: o});
  }
  const covered = (el, r) => {
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    if (cx < 0 || cy < 0 || cx >= vw || cy >= vh) return "";  // only meaningful in view
    const top = topAt(cx, cy);
    if (!top) return "";
    if (top === el || el.contains(top)) return "";
    for (let n = el; n; n = up(n)) if (n === top) return top.closest("a,button") !== el.closest("a,button") ? coverName(top) : "";
    return coverName(top);
  };
  const coverName = (top) => {
    const o = overlayOf(top);
    return o && overlayIndex.has(o) ? "overlay:" + overlayIndex.get(o) : (selectorOf(top) || top.tagName.toLowerCase());
  };

  const firstH1 = document.querySelector("h1");
  const articles = document.querySelectorAll("article");
  const mainArticle = (firstH1 && firstH1.closest("article")) || (articles.length === 1 ? articles[0] : null);
  // Regions headed as news ("Nyheter", "Aktuellt", "Uutiset"): the heading's own section, or the
  // siblings that follow it up to the next heading of its rank when the section holds others or
  // content before it.
  const newsRegions = new Set();
  const headedAsNews = (h) => { const t = fold(h.innerText || h.textContent); return NEWS_WORDS.some((w) => t === w || t.startsWith(w + " ")); };
  for (const h of document.querySelectorAll("h1, h2, h3, h4")) {
    if (!headedAsNews(h)) continue;
    let box = h.parentElement;
    while (box && box !== document.body && box.tagName !== "MAIN" && fold(box.innerText) === fold(h.innerText) && box.parentElement) box = box.parentElement;
    if (!box) continue;
    const rivals = Array.from(box.querySelectorAll("h1, h2, h3")).filter((o) => o !== h && !h.contains(o) && (o.tagName <= h.tagName));
    let anchor = h;
    while (anchor.parentElement && anchor.parentElement !== box) anchor = anchor.parentElement;
    // Content before the heading in its box (service tiles above "Uutiset") is not news.
    const before = Array.from(box.children).slice(0, Array.from(box.children).indexOf(anchor)).some((n) => norm(n.innerText));
    if (box === document.body || box.tagName === "MAIN" || rivals.length || before) {
      for (let n = anchor.nextElementSibling; n; n = n.nextElementSibling) {
        if (n.matches("h1, h2, h3") || n.querySelector(h.tagName)) break;
        newsRegions.add(n);
      }
    } else {
      newsRegions.add(box);
    }
  }
  const newsMemo = new Map();
  const inNewsRegion = (el) => {
    for (let n = el; n && n.nodeType === 1 && n !== document.body && n !== document.documentElement; n = up(n)) {
      if (newsMemo.has(n)) return newsMemo.get(n);
      if (n === mainArticle || n.tagName === "MAIN") break;
      const named = ((n.id || "") + " " + (typeof n.className === "string" ? n.className : "")).toLowerCase().split(/[\s_]+/).some(newsToken);
      if (newsRegions.has(n) || named) { newsMemo.set(el, true); return true; }
    }
    newsMemo.set(el, false);
    return false;
  };
  const dated = (el) => {
    const item = el.closest(ITEM);
    if (!item || item === mainArticle || item.contains(firstH1)) return false;
    if (item.querySelector("time")) return true;
    const t = fold(item.innerText || "");
    return t.length < 800 && DATE_TEXT.test(t);
  };
  const articleFacts = (el) => {
    const a = el.closest("article");
    return {in_article: !!a, article_main: !!a && a === mainArticle, dated: dated(el), news_region: inNewsRegion(el)};
  };

  // The card a link sits in ("Kontaktcenter – vi svarar på dina frågor – Läs mer"): the text of
  // the nearest ancestor that says more than the link itself, when it is short.
  const CONTEXT_MAX = 200;
  const contextOf = (el) => {
    const own = norm(el.textContent).length;
    let n = el.parentElement;
    for (let depth = 0; n && depth < 4 && n !== document.body; depth++, n = n.parentElement) {
      const t = norm(n.textContent);
      if (t.length > CONTEXT_MAX) return "";
      if (t.length >= own + 10) return t;
    }
    return "";
  };

  const describe = (el, kind) => {
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    const hidden = hiddenAncestor(el);
    const visible = !hidden && r.width > 0 && r.height > 0 && el.getClientRects().length > 0;
    const coveredBy = visible ? covered(el, r) : "";
    const text = norm(el.innerText !== undefined && el.innerText !== "" ? el.innerText : el.textContent);
    const href = el.tagName === "A" ? (el.href || "") : "";
    return {
      kind, text: text.slice(0, 600), name: accName(el).slice(0, 300), href,
      landmark: landmarkOf(el),
      box: {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height},
      visible, hidden_container: hidden, covered: !!coveredBy, covered_by: coveredBy,
      font_size: parseFloat(st.fontSize) || 0, selector: selectorOf(el),
      ...articleFacts(el),
      context: kind === "link" ? contextOf(el) : "",
    };
  };

  // What the page says of its own type: a news article announces itself in its metadata.
  function pageSignals() {
    const signals = [];
    if (document.querySelector("meta[property='article:published_time'], meta[name='article:published_time']")) signals.push("published_time");
    const og = document.querySelector("meta[property='og:type']");
    if (og && og.content) signals.push("og:" + og.content.trim().toLowerCase().slice(0, 40));
    for (const s of document.querySelectorAll("script[type='application/ld+json']")) {
      try {
        const walk = (v) => { if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v === "object") { if (v["@type"]) [].concat(v["@type"]).forEach((t) => signals.push("ld:" + String(t).slice(0, 40))); if (v["@graph"]) walk(v["@graph"]); } };
        walk(JSON.parse(s.textContent));
      } catch (e) { /* invalid JSON-LD says nothing */ }
    }
    const body = document.body ? (typeof document.body.className === "string" ? document.body.className : "") : "";
    for (const c of body.split(/\s+/)) if (/^(single-post|single-news|node--type-news|node-type-news|page-node-type-news|post-template)/.test(c)) signals.push("body:" + c.slice(0, 40));
    return signals.slice(0, 20);
  }

  // Elements in the document and in every open shadow root (web-component menus and banners).
  const roots = [document];
  for (let i = 0; i < roots.length && roots.length < 200; i++) {
    for (const host of roots[i].querySelectorAll("*")) if (host.shadowRoot) roots.push(host.shadowRoot);
  }
  const all = (selector) => roots.flatMap((r) => Array.from(r.querySelectorAll(selector)));

  const out = {elements: [], headings: [], title: document.title || "", lang: document.documentElement.lang || "",
               text: "", frameset: !!document.querySelector("frameset"), scrollHeight: document.documentElement.scrollHeight,
               news_signals: pageSignals()};
  const clickable = all("a[href], button, [role=button], [role=link], input[type=submit], input[type=button], area[href]");
  for (const el of clickable) {
    if (out.elements.length >= MAX_LINKS) break;
    out.elements.push(describe(el, el.tagName === "A" || el.tagName === "AREA" || el.getAttribute("role") === "link" ? "link" : "button"));
  }
  if (linksOnly) return JSON.stringify(out);
  for (const h of all("h1,h2,h3,h4,h5,h6,[role=heading]")) {
    const t = norm(h.innerText || h.textContent);
    if (t) out.headings.push({level: parseInt(h.getAttribute("aria-level") || h.tagName.slice(1)) || 2, text: t.slice(0, 300),
                              ...articleFacts(h)});
  }
  // Short blocks of text: the smallest containers that hold a line such as "Kontaktcenter 021-39 00 00".
  const BLOCK = "p, li, address, dd, dt, td, th, figcaption, blockquote, div, section, span, strong";
  let blocks = 0;
  for (const el of all(BLOCK)) {
    if (blocks >= MAX_BLOCKS) break;
    if (el.querySelector("p, li, div, section, address, table, ul, ol")) continue;
    const t = norm(el.innerText);
    if (t.length < 3 || t.length > 400) continue;
    if (el.parentElement && el.parentElement.matches(BLOCK) && !el.parentElement.querySelector("p, li, div, section, address, table, ul, ol") ) continue;
    out.elements.push(describe(el, "block"));
    blocks++;
  }
  // Small sections that hold a heading and its lines ("Servicetorget" + "Telefon 75 12 34 56"):
  // the leaf blocks above split them apart, but a reader sees them as one block.
  const seenBoxes = new Set();  // (no marks on the DOM: the saved HTML must be what the site served)
  for (const h of all("h2, h3, h4, h5, dt, strong, b")) {
    if (blocks >= MAX_BLOCKS) break;
    const box = h.closest("section, aside, li, address, div, article, dl, p");
    if (!box || box === document.body) continue;
    const t = norm(box.innerText);
    if (t.length < 8 || t.length > 400 || t === norm(h.innerText)) continue;
    if (seenBoxes.has(box)) continue;
    seenBoxes.add(box);
    const d = describe(box, "block");
    d.text = t;
    out.elements.push(d);
    blocks++;
  }
  out.overlays = overlays.map((o) => ({selector: selectorOf(o.node), text: norm(o.node.innerText || deepText(o.node)).slice(0, 300), box: o.box}));
  out.text = norm(document.body ? document.body.innerText : "").slice(0, 200000);
  // The page's own content without the site-wide header, navigation and footer, so a service
  // page is judged on what it says, not on the switchboard number every page repeats.
  const main = document.querySelector("main, [role=main]");
  if (main) {
    out.main_text = norm(main.innerText).slice(0, 200000);
  } else {
    let t = out.text;
    for (const n of document.querySelectorAll("body > header, body > footer, body > nav, [role=banner], [role=contentinfo], body > div > header, body > div > footer, body > div > nav")) {
      const s = norm(n.innerText);
      if (s) t = t.replace(s, " ");
    }
    out.main_text = norm(t);
  }
  return JSON.stringify(out);
}
