// cookbook theme: copy buttons, theme toggle, chapter menu on phones. No framework.
(function () {
  "use strict";
  var doc = document.documentElement;
  doc.classList.add("js");
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
        setTimeout(function () { b.textContent = "Copy"; b.classList.remove("done"); }, 1500);
      });
    });
  });
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var dark = function () {
      var t = doc.dataset.theme;
      return t ? t === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
    };
    var sync = function () { toggle.setAttribute("aria-pressed", String(dark())); };
    toggle.hidden = false;
    sync();
    toggle.addEventListener("click", function () {
      doc.dataset.theme = dark() ? "light" : "dark";
      try { localStorage.setItem("cookbook-theme", doc.dataset.theme); } catch (e) {}
      sync();
    });
  }
  var menu = document.querySelector(".menu");
  var side = document.getElementById("sidebar");
  if (menu && side) {
    menu.hidden = false;
    menu.addEventListener("click", function () {
      var open = side.classList.toggle("open");
      menu.setAttribute("aria-expanded", String(open));
    });
    var current = side.querySelector("[aria-current]");
    if (current) side.scrollTop = current.offsetTop - side.clientHeight / 2;
  }
})();
