// cookbook theme: copy buttons, theme toggle (light, dark, or following the system), the
// chapter drawer on phones, ←/→ between chapters, wide-code focus. No framework.
(function () {
  "use strict";
  var doc = document.documentElement;
  doc.classList.add("js");
  var live = document.createElement("p");
  live.className = "search-status";
  live.setAttribute("role", "status");
  document.body.appendChild(live);
  function say(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 50); }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(ta); }
    return Promise.resolve();
  }
  document.querySelectorAll("button.copy").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var code = b.closest(".code").querySelector("code");
      var text = b.hasAttribute("data-copy") ? b.getAttribute("data-copy") : code.innerText.replace(/\n$/, "");
      copy(text).then(function () {
        b.textContent = "Copied";
        b.classList.add("done");
        say("Copied to the clipboard");
        setTimeout(function () { b.textContent = "Copy"; b.classList.remove("done"); }, 1500);
      });
    });
  });
  // Code that scrolls sideways can be scrolled with the keyboard too.
  function wide() {
    document.querySelectorAll("pre").forEach(function (p) {
      if (p.scrollWidth > p.clientWidth + 1) p.tabIndex = 0; else p.removeAttribute("tabindex");
    });
  }
  wide();
  var resizing;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(wide, 150); });
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var system = window.matchMedia("(prefers-color-scheme: dark)");
    var shown = function () { return doc.dataset.theme || (system.matches ? "dark" : "light"); };
    var sync = function () {
      var set = doc.dataset.theme, label = set ? "Theme: " + set : "Theme: follows the system (" + shown() + ")";
      toggle.setAttribute("aria-label", label);
      toggle.title = label;
    };
    toggle.hidden = false;
    sync();
    system.addEventListener("change", sync);
    // System → the other look → the system's look, set → back to following the system.
    toggle.addEventListener("click", function () {
      var set = doc.dataset.theme, sys = system.matches ? "dark" : "light";
      var next = !set ? (sys === "dark" ? "light" : "dark") : set !== sys ? sys : "";
      try {
        if (next) localStorage.setItem("cookbook-theme", next); else localStorage.removeItem("cookbook-theme");
      } catch (e) {}
      if (next) doc.dataset.theme = next; else delete doc.dataset.theme;
      sync();
    });
  }
  var menu = document.querySelector(".menu");
  var side = document.getElementById("sidebar");
  if (menu && side) {
    menu.hidden = false;
    var setOpen = function (open, focus) {
      side.classList.toggle("open", open);
      document.body.classList.toggle("drawer-open", open);
      menu.setAttribute("aria-expanded", String(open));
      menu.setAttribute("aria-label", open ? "Hide chapters" : "Show chapters");
      if (open) {
        var first = side.querySelector("[aria-current]") || side.querySelector("a");
        if (first) first.focus({ preventScroll: true });
        var current = side.querySelector("[aria-current]");
        if (current) side.scrollTop = current.offsetTop - side.clientHeight / 2;
      } else if (focus) menu.focus();
    };
    var isOpen = function () { return side.classList.contains("open"); };
    menu.addEventListener("click", function () { setOpen(!isOpen(), true); });
    side.addEventListener("click", function (e) { if (isOpen() && e.target.closest("a")) setOpen(false, false); });
    document.addEventListener("click", function (e) {
      if (isOpen() && !side.contains(e.target) && !menu.contains(e.target)) setOpen(false, false);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && isOpen()) { e.preventDefault(); setOpen(false, true); }
    });
    side.addEventListener("focusout", function (e) {
      if (isOpen() && e.relatedTarget && !side.contains(e.relatedTarget) && e.relatedTarget !== menu) setOpen(false, false);
    });
    var here = side.querySelector("[aria-current]");
    if (here) side.scrollTop = here.offsetTop - side.clientHeight / 2;
  }
  // A page opened from a search result marks the words that matched (`?h=shm+size`).
  var h = /[?&]h=([^&#]*)/.exec(location.search);
  var words = h ? decodeURIComponent(h[1].replace(/\+/g, " ")).split(/\s+/).filter(function (w) { return w.length > 1; }) : [];
  var article = document.querySelector("article");
  if (words.length && article) {
    var re = new RegExp("(" + words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"); }).join("|") + ")", "gi");
    var walk = document.createTreeWalker(article, NodeFilter.SHOW_TEXT), found = [], n;
    var any = new RegExp(re.source, "i");
    while ((n = walk.nextNode())) if (any.test(n.data)) found.push(n);
    found.slice(0, 200).forEach(function (node) {
      var frag = document.createDocumentFragment();
      node.data.split(re).forEach(function (part, i) {
        if (i % 2) { var m = document.createElement("mark"); m.className = "search-hit"; m.textContent = part; frag.appendChild(m); }
        else if (part) frag.appendChild(document.createTextNode(part));
      });
      node.parentNode.replaceChild(frag, node);
    });
  }
  // The page's table of contents marks the section being read.
  var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  var heads = links.map(function (a) { return document.getElementById(decodeURIComponent(a.hash.slice(1))); });
  if (links.length) {
    var spy = function () {
      var top = (document.querySelector(".top") || { offsetHeight: 0 }).offsetHeight + 16, k = 0;
      heads.forEach(function (h, i) { if (h && h.getBoundingClientRect().top <= top) k = i; });
      if (innerHeight + scrollY >= document.documentElement.scrollHeight - 2 && heads[heads.length - 1] &&
          heads[heads.length - 1].getBoundingClientRect().top < innerHeight) k = heads.length - 1;
      links.forEach(function (a, i) { if (i === k) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current"); });
    };
    var queued = false;
    window.addEventListener("scroll", function () {
      if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; spy(); }); }
    }, { passive: true });
    spy();
  }
  // ←/→ open the previous/next chapter, as in mdBook.
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || e.target.isContentEditable || e.target.tagName === "PRE") return;
    var rel = { ArrowLeft: "prev", ArrowRight: "next" }[e.key];
    var a = rel && document.querySelector(".pager a[rel=" + rel + "]");
    if (a) { e.preventDefault(); location.href = a.href; }
  });
})();
