// Behaviour every page shares, bound from data attributes: the CSP allows no inline handlers
// (onclick=, onchange=) and no javascript: links.
//   data-print        a link that prints the page
//   data-back         a link that goes back one page (its href is where to go without history)
//   data-autosubmit   a form control that submits its form when changed
//   data-nav-toggle   the phone menu's toggle: opens and closes the element its aria-controls names
//                     (without JavaScript its href="#id" opens it through the :target rule in site.css)
//   data-count-of     a length hint ("最多 2000 字") of the field with that id: as one types it becomes
//                     data-count-format with {n} the characters typed ("已输入 12 字 / 最多 2000 字")
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
  document.addEventListener("change", (ev) => {
    const target = ev.target instanceof Element ? ev.target.closest("[data-autosubmit]") : null;
    if (target && target.form) target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
  });
})();
// Forms whose fields follow a choice, and pickers (the agreement drafting form, agreements/form.html):
//   data-shown-when="NAME:a,b"  shown only while the form's control NAME has the value a or b (all are
//                               shown without JavaScript)
//   data-pick-into="NAME"       a picker result: clicking it sets the form's field NAME to data-pick-value
//                               (firing "change"), data-pick-label-into to data-pick-label, the element
//                               data-pick-shown names to data-pick-text, and empties its result list
//   data-fill-row="I"           a <select> whose chosen option fills contribution row I: data-fill-kind,
//                               data-fill-name (when empty) and data-fill-params (JSON: row{I}_<param>)
(function () {
  "use strict";
  const controlOf = (el, name) => {
    const form = el.closest("form");
    return form ? form.elements.namedItem(name) : null;
  };
  const follow = (root) => {
    root.querySelectorAll("[data-shown-when]").forEach((el) => {
      const [name, values] = el.dataset.shownWhen.split(":");
      const control = controlOf(el, name);
      if (!control || control.value === undefined) return;
      el.hidden = !(values || "").split(",").includes(control.value);
    });
  };
  const set = (form, name, value) => {
    const field = form.elements.namedItem(name);
    if (!field || field.value === undefined) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  };
  follow(document);
  document.addEventListener("change", (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (!target || !target.form) return;
    const row = target.dataset.fillRow;
    const option = target instanceof HTMLSelectElement ? target.selectedOptions[0] : null;
    if (row !== undefined && option && option.dataset.fillKind) {
      set(target.form, `row${row}_kind`, option.dataset.fillKind);
      const name = target.form.elements.namedItem(`row${row}_name`);
      if (name && !name.value) name.value = option.dataset.fillName || "";
      let params = {};
      try { params = JSON.parse(option.dataset.fillParams || "{}"); } catch (e) { params = {}; }
      Object.entries(params).forEach(([key, value]) => set(target.form, `row${row}_${key}`, value));
    }
    follow(target.form);
  });
  document.addEventListener("click", (ev) => {
    const pick = ev.target instanceof Element ? ev.target.closest("[data-pick-into]") : null;
    const form = pick ? pick.closest("form") : null;
    if (!pick || !form) return;
    ev.preventDefault();
    set(form, pick.dataset.pickInto, pick.dataset.pickValue || "");
    if (pick.dataset.pickLabelInto) set(form, pick.dataset.pickLabelInto, pick.dataset.pickLabel || "");
    const shown = pick.dataset.pickShown ? document.getElementById(pick.dataset.pickShown) : null;
    if (shown) shown.textContent = pick.dataset.pickText || "";
    const list = pick.closest("ul, ol");
    if (list) list.replaceChildren();
  });
})();
