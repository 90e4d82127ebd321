// Behaviour every page shares, bound from data attributes: the CSP allows no inline handlers
// (onclick=, onchange=) and no javascript: links.
//   data-print        a link that prints the page
//   data-back         a link that goes back one page (its href is where to go without history)
//   data-autosubmit   a form control that submits its form when changed
//   data-nav-toggle   the phone menu's toggle: opens and closes the element its aria-controls names
//                     (without JavaScript its href="#id" opens it through the :target rule in site.css)
//   data-count-of     a length hint ("最多 2000 字") of the field with that id: as one types it becomes
//                     data-count-format with {n} the characters typed ("已输入 12 字 / 最多 2000 字")
//   data-village-picker  the village picker (web/_village_picker.html): its text box becomes the hidden
//                     input of the code, a search box lists the user's villages by name or pinyin initials
//                     (data-source: /api/v1/villages/pick); choosing one fills the code, shows
//                     "已选：村 · 镇 · 县" and fires a bubbling "village-picked" event (detail: the village)
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

  // The village picker. Results are user data: built as DOM text, never as HTML.
  const initPicker = (root) => {
    const value = root.querySelector(".picker-value");
    const search = root.querySelector(".picker-search");
    const q = root.querySelector(".picker-q");
    const list = root.querySelector(".picker-results");
    const status = root.querySelector(".picker-status");
    const chosen = root.querySelector(".picker-chosen");
    if (!value || !search || !q || !list || !chosen) return;
    const multiple = root.hasAttribute("data-multiple");
    const label = root.querySelector("label[for]");
    const typed = value.value.trim();
    value.type = "hidden";
    search.hidden = false;
    if (label) label.htmlFor = q.id;
    chosen.querySelectorAll("[data-picker-remove]").forEach((b) => { b.hidden = false; });
    // A name typed before (without the picker, refused on the server): look it up.
    if (typed && !chosen.children.length && !/^[\d,，\s]+$/.test(typed)) {
      q.value = typed;
      value.value = "";
    }
    const codes = () => value.value.split(",").map((c) => c.trim()).filter((c) => /^\d{12}$/.test(c));
    let items = [];
    let active = -1;
    let timer = null;
    let pending = null;
    const open = (yes) => {
      list.hidden = !yes;
      q.setAttribute("aria-expanded", String(yes));
      if (!yes) q.removeAttribute("aria-activedescendant");
    };
    const mark = () => {
      list.querySelectorAll("[role=option]").forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
      if (active >= 0) q.setAttribute("aria-activedescendant", `${q.id}-opt-${active}`);
    };
    const optionOf = (v, i) => {
      const li = document.createElement("li");
      li.id = `${q.id}-opt-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.index = String(i);
      const b = document.createElement("b");
      b.textContent = v.name;
      li.append(b, ` · ${v.town} · ${v.county}`);
      return li;
    };
    const chipOf = (v) => {
      const li = document.createElement("li");
      Object.assign(li.dataset, {
        code: v.code, county: v.county_code, countyName: v.county, lat: String(v.lat), lng: String(v.lng),
      });
      const b = document.createElement("b");
      b.textContent = v.name;
      if (!multiple) li.append(`${chosen.dataset.chosenLabel || "已选"}：`);
      li.append(b, ` · ${v.town} · ${v.county}`);
      if (multiple) {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link picker-remove";
        remove.dataset.pickerRemove = "";
        remove.textContent = root.dataset.remove || "移除";
        li.append(" ", remove);
      }
      return li;
    };
    const show = (results) => {
      items = results;
      active = -1;
      list.replaceChildren(...results.map(optionOf));
      status.textContent = results.length ? "" : (root.dataset.none || "");
      open(results.length > 0);
    };
    const find = () => {
      if (pending) pending.abort();
      pending = new AbortController();
      const params = new URLSearchParams({ q: q.value.trim().slice(0, 20), limit: "10" });
      fetch(`${root.dataset.source}?${params}`, {
        headers: { Accept: "application/json" }, credentials: "same-origin", signal: pending.signal,
      })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
        .then((data) => show(data.items || []))
        .catch((err) => {
          if (err && err.name === "AbortError") return;
          show([]);
          status.textContent = root.dataset.failed || "";
        });
    };
    const choose = (v) => {
      if (!v) return;
      if (multiple) {
        const now = codes();
        if (!now.includes(v.code)) {
          value.value = [...now, v.code].join(",");
          chosen.append(chipOf(v));
        }
        q.value = "";
      } else {
        value.value = v.code;
        chosen.replaceChildren(chipOf(v));
        q.value = v.name;
      }
      open(false);
      status.textContent = "";
      root.dispatchEvent(new CustomEvent("village-picked", { bubbles: true, detail: v }));
      // forms that follow the village (the agreement's resource pickers: hx-trigger="change from:[name=village]")
      value.dispatchEvent(new Event("change", { bubbles: true }));
    };
    q.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(find, 200);
    });
    q.addEventListener("focus", () => { if (!items.length) find(); else open(true); });
    q.addEventListener("blur", () => setTimeout(() => open(false), 150));
    q.addEventListener("keydown", (ev) => {
      if ((ev.key === "ArrowDown" || ev.key === "ArrowUp") && items.length) {
        ev.preventDefault();
        open(true);
        active = (active + (ev.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        mark();
      } else if (ev.key === "Enter") {
        ev.preventDefault(); // Enter in the search chooses (or searches); it never submits the form
        if (!list.hidden && items.length) choose(items[Math.max(active, 0)]);
        else find();
      } else if (ev.key === "Escape") {
        open(false);
      }
    });
    list.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the focus in the search
    list.addEventListener("click", (ev) => {
      const li = ev.target instanceof Element ? ev.target.closest("[role=option]") : null;
      if (li) choose(items[Number(li.dataset.index)]);
    });
    chosen.addEventListener("click", (ev) => {
      const remove = ev.target instanceof Element ? ev.target.closest("[data-picker-remove]") : null;
      const li = remove ? remove.closest("li") : null;
      if (!li) return;
      value.value = codes().filter((c) => c !== li.dataset.code).join(",");
      li.remove();
    });
  };
  document.querySelectorAll("[data-village-picker]").forEach(initPicker);
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
