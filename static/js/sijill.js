/* Sijill — optional enhancements only.
 *
 * Every page works without this file: search, filters, pagination and highlights are server-rendered
 * links and forms, and "jump to the first match" is a plain #fragment link. This script adds two
 * conveniences for keyboard readers and nothing else:
 *   "/"            focus the search box (not while typing in a field);
 *   "n" / "N"      on a report page, move to the next / previous highlighted match, also offered as
 *                  buttons ([data-match-next], [data-match-prev]) that stay hidden without JS;
 *   tidy URLs      a search form submits only the fields that are set, so shared links stay short
 *                  (without JS the server accepts and ignores the empty ones).
 * Served from /static (CSP script-src 'self'); no inline script, no network access.
 */
(function () {
  "use strict";

  function isTypingTarget(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") {
      var type = (el.getAttribute("type") || "text").toLowerCase();
      return ["button", "submit", "reset", "checkbox", "radio", "range", "color", "file", "image"].indexOf(type) === -1;
    }
    return false;
  }

  function searchBox() {
    return document.querySelector("[data-search-input]") ||
      document.querySelector("input[type=search]") ||
      document.querySelector("input[name=q]");
  }

  /* ------------------------------------------------------------ matches on the report page */

  var marks = [];
  var current = -1;
  var status = null;

  function collectMarks() {
    var scope = document.querySelector("[data-report-body]") || document.querySelector(".report-body");
    if (!scope) return [];
    return Array.prototype.slice.call(scope.querySelectorAll("mark"));
  }

  // The interface writes numbers in Arabic-Indic digits (as the server-rendered pages do).
  function digits(n) {
    return String(n).replace(/[0-9]/g, function (d) { return String.fromCharCode(0x0660 + +d); });
  }

  function announce(index) {
    if (!status) return;
    status.textContent = "التطابق " + digits(index + 1) + " من " + digits(marks.length);
  }

  function goTo(index) {
    if (!marks.length) return;
    index = ((index % marks.length) + marks.length) % marks.length;  // wrap around both ways
    if (current >= 0 && marks[current]) marks[current].classList.remove("is-current");
    current = index;
    var m = marks[current];
    m.classList.add("is-current");
    if (!m.hasAttribute("tabindex")) m.setAttribute("tabindex", "-1");
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    m.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
    m.focus({ preventScroll: true });
    announce(current);
  }

  function syncWithHash() {
    // A server-rendered "#match-1" jump (no JS needed) should also set our position.
    var id = decodeURIComponent((location.hash || "").slice(1));
    if (!id) return;
    for (var i = 0; i < marks.length; i++) {
      if (marks[i].id === id) {
        current = i;
        marks[i].classList.add("is-current");
        announce(i);
        return;
      }
    }
  }

  function setUpMatches() {
    marks = collectMarks();
    if (!marks.length) return;
    status = document.querySelector("[data-match-status]");
    syncWithHash();
    window.addEventListener("hashchange", syncWithHash);
    if (marks.length < 2) return;  // one match: the server-rendered jump link is all one needs
    var next = document.querySelectorAll("[data-match-next]");
    var prev = document.querySelectorAll("[data-match-prev]");
    Array.prototype.forEach.call(next, function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { goTo(current + 1); });
    });
    Array.prototype.forEach.call(prev, function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { goTo(current - 1); });
    });
    var hints = document.querySelectorAll("[data-match-hint]");
    Array.prototype.forEach.call(hints, function (h) { h.hidden = false; });
  }

  /* ------------------------------------------------------------ keyboard */

  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (isTypingTarget(e.target)) return;
    // e.code as well as e.key: on an Arabic layout the "/" key types "ظ" and "n" types "ى".
    var slash = e.key === "/" || (e.code === "Slash" && !e.shiftKey);
    var nKey = e.key === "n" || e.key === "N" || e.code === "KeyN";
    if (slash) {
      var box = searchBox();
      if (box) {
        e.preventDefault();
        box.focus();
        if (box.select) box.select();
      }
    } else if (nKey && marks.length) {
      e.preventDefault();
      goTo(e.shiftKey || e.key === "N" ? current - 1 : current + 1);
    }
  }

  /* ------------------------------------------------------------ tidy search URLs */

  function setUpForms() {
    var forms = document.querySelectorAll("form.search-form");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function () {
        var dated = false;
        Array.prototype.forEach.call(form.elements, function (el) {
          if ((el.name === "from" || el.name === "to") && el.value) dated = true;
        });
        Array.prototype.forEach.call(form.elements, function (el) {
          if (!el.name || el.disabled) return;
          var idle = el.value === "" || (el.name === "date_field" && el.value === "published" && !dated);
          if (idle) el.disabled = true;
        });
      });
    });
    // Coming back through the history (bfcache) must find the fields usable again.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(document.querySelectorAll("form.search-form [disabled]"), function (el) {
        el.disabled = false;
      });
    });
  }

  // Copy buttons (hidden without JavaScript; the text stays selectable in its field).
  function setUpCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field || !navigator.clipboard) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value || field.textContent).then(function () {
          button.textContent = "نُسخ";
          setTimeout(function () { button.textContent = label; }, 1500);
        });
      });
    });
  }

  function init() {
    setUpMatches();
    setUpForms();
    setUpCopy();
    document.addEventListener("keydown", onKey);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
