// Find the clickable controls of a cookie banner and tag them so the crawler can click one.
// A banner is a fixed/sticky/dialog container (or one named cookie/consent) holding buttons.
// Returns [{index, text, banner_text}]; the crawler decides which (if any) to click.
() => {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const isBanner = (n) => {
    const st = getComputedStyle(n);
    const idc = ((n.id || "") + " " + (typeof n.className === "string" ? n.className : "")).toLowerCase();
    return st.position === "fixed" || st.position === "sticky" || n.getAttribute("role") === "dialog" ||
      n.getAttribute("role") === "alertdialog" || n.getAttribute("aria-modal") === "true" ||
      n.tagName === "DIALOG" || /cookie|consent|gdpr|samtyck|samtykk|evaste|kak(or|a)/.test(idc);
  };
  const out = [];
  let i = 0;
  for (const el of document.querySelectorAll("button, a, [role=button], input[type=button], input[type=submit]")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let banner = null;
    for (let n = el.parentElement; n && n !== document.body; n = n.parentElement) {
      if (isBanner(n)) { banner = n; }
    }
    if (!banner) continue;
    el.setAttribute("data-audit-consent", String(i));
    out.push({index: i, text: norm(el.innerText || el.value || el.getAttribute("aria-label")), banner_text: norm(banner.innerText).slice(0, 2000)});
    i++;
    if (i > 60) break;
  }
  return out;
}
