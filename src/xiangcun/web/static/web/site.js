// Behaviour every page shares, bound from data attributes: the CSP allows no inline handlers
// (onclick=, onchange=) and no javascript: links.
//   data-print        a link that prints the page
//   data-back         a link that goes back one page (its href is where to go without history)
//   data-autosubmit   a form control that submits its form when changed
//   data-nav-toggle   the phone menu's toggle: opens and closes the element its aria-controls names
//                     (without JavaScript its href="#id" opens it through the :target rule in site.css)
(function () {
  "use strict";
  if (window.htmx) {
    // htmx would insert a <style> for its indicators and evaluate hx-on/js: expressions; neither is
    // allowed under the CSP, and neither is used (the indicator rules live in site.css).
    htmx.config.includeIndicatorStyles = false;
    htmx.config.allowEval = false;
    htmx.config.allowScriptTags = false;
  }
  document.addEventListener("click", (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (!target) return;
    const toggle = target.closest("[data-nav-toggle]");
    if (toggle) {
      const menu = document.getElementById(toggle.getAttribute("aria-controls") || "");
      if (menu) {
        ev.preventDefault();
        const open = !menu.classList.contains("open");
        menu.classList.toggle("open", open);
        toggle.setAttribute("aria-expanded", String(open));
      }
    } else if (target.closest("[data-print]")) {
      ev.preventDefault();
      window.print();
    } else if (target.closest("[data-back]") && window.history.length > 1) {
      ev.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("change", (ev) => {
    const target = ev.target instanceof Element ? ev.target.closest("[data-autosubmit]") : null;
    if (target && target.form) target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
  });
})();
