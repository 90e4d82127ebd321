// Behaviour every page shares, bound from data attributes: the CSP allows no inline handlers
// (onclick=, onchange=) and no javascript: links.
//   data-print        a link that prints the page
//   data-back         a link that goes back one page (its href is where to go without history)
//   data-autosubmit   a form control that submits its form when changed
//   data-nav-toggle   the phone menu's toggle: opens and closes the element its aria-controls names
//                     (without JavaScript its href="#id" opens it through the :target rule in site.css)
//   data-count-of     a length hint ("最多 2000 字") of the field with that id: as one types it becomes
//                     data-count-format with {n} the characters typed ("已输入 12 字 / 最多 2000 字")
//   data-confirm      on a submit button (or its form): the question asked before an irreversible step
//                     is posted ("确认进入公示？…"); cancelling posts nothing. The server never depends on
//                     it: without JavaScript the step is posted at once and checked there as always.
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
  const counted = (field) => {
    const hint = field.id ? document.querySelector(`[data-count-of="${CSS.escape(field.id)}"]`) : null;
    if (!hint || !hint.dataset.countFormat) return;
    // Characters as the server counts them (code points), not UTF-16 units.
    hint.textContent = hint.dataset.countFormat.replace("{n}", String([...field.value].length));
    hint.classList.toggle("full", field.maxLength > 0 && field.value.length >= field.maxLength);
  };
  document.querySelectorAll("[data-count-of]").forEach((hint) => {
    const field = document.getElementById(hint.dataset.countOf);
    if (field && field.value) counted(field);
  });
  document.addEventListener("input", (ev) => {
    if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement) counted(ev.target);
  });
  document.addEventListener("submit", (ev) => {
    const form = ev.target instanceof HTMLFormElement ? ev.target : null;
    if (!form) return;
    const submitter = ev.submitter instanceof Element ? ev.submitter : null;
    const question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) ev.preventDefault();
  });
  document.addEventListener("change", (ev) => {
    const target = ev.target instanceof Element ? ev.target.closest("[data-autosubmit]") : null;
    if (target && target.form) target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
  });
})();
