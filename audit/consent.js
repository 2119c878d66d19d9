// Find the clickable controls of a cookie banner and tag them so the crawler can click one.
// A banner is a fixed/sticky/dialog container (or one named cookie/consent) holding buttons.
// Returns [{index, text, banner_text}]; the crawler decides which (if any) to click.
(opts) => {
  // Class or id words of consent containers come from criteria.yaml (vocabulary.consent.marker).
  const markers = (opts && opts.markers) || [];
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const isBanner = (n) => {
    const st = getComputedStyle(n);
    const idc = ((n.id || "") + " " + (typeof n.className === "string" ? n.className : "")).toLowerCase();
    return st.position === "fixed" || st.position === "sticky" || n.getAttribute("role") === "dialog" ||
      n.getAttribute("role") === "alertdialog" || n.getAttribute("aria-modal") === "true" ||
      n.tagName === "DIALOG" || markers.some((m) => idc.includes(m));
  };
  // Consent managers often live in an open shadow root; look there too.
  const roots = [document];
  for (let k = 0; k < roots.length && roots.length < 200; k++) {
    for (const host of roots[k].querySelectorAll("*")) if (host.shadowRoot) roots.push(host.shadowRoot);
  }
  const up = (n) => n.parentElement || (n.getRootNode && n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
  // A banner's text, its shadow root's included (innerText skips shadow content, and many
  // consent managers put everything there).
  const deepText = (n) => {
    let t = n.innerText || "";
    if (n.shadowRoot) for (const c of n.shadowRoot.children) t += " " + (c.innerText || c.textContent || "");
    return t;
  };
  const out = [];
  let i = 0;
  const controls = roots.flatMap((r) => Array.from(r.querySelectorAll("button, a, [role=button], input[type=button], input[type=submit]")));
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let banner = null;
    for (let n = up(el); n && n !== document.body; n = up(n)) {
      if (isBanner(n)) { banner = n; }
    }
    // A consent manager in an iframe of its own: the frame's whole document is the banner.
    if (!banner && window !== window.top) banner = document.body;
    if (!banner) continue;
    el.setAttribute("data-audit-consent", String(i));
    out.push({index: i, text: norm(el.innerText || el.value || el.getAttribute("aria-label")), banner_text: norm(deepText(banner)).slice(0, 2000)});
    i++;
    if (i > 60) break;
  }
  return out;
}
