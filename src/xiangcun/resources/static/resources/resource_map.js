// 资源地图: county boundaries, resources as kind-coloured markers (clustered), filters, a county
// choropleth and popups. Everything comes from the site itself; base tiles only if MAP_TILE_URL is set.
// The server answers with grid clusters at low zoom and points at high zoom (/api/v1/resources/geojson).
(function () {
  "use strict";
  const el = document.getElementById("resource-map");
  if (!el || typeof L === "undefined") return;
  const read = (id) => { const n = document.getElementById(id); return n ? JSON.parse(n.textContent) : null; };
  const config = read("map-config");
  const form = document.getElementById("resource-filters");
  const totalEl = document.getElementById("map-total");
  // Names, uses and titles are user data. Leaflet writes string content as HTML, so every tooltip,
  // popup and legend here is built as DOM nodes with textContent, never as an HTML string.
  const h = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : String(c == null ? "" : c));
    return node;
  };
  const text = (s) => () => document.createTextNode(String(s == null ? "" : s));
  // Only links to our own pages (a URL from the API is still data).
  const local = (url) => (typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "#");

  const map = L.map(el, { zoomSnap: 0.5, minZoom: 5, maxZoom: 18 });
  const tileUrl = read("tile-url");
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);

  // County boundaries (also the choropleth).
  const boundaries = read("boundaries-data");
  const baseStyle = { color: "#1d4e2f", weight: 1.5, fillColor: "#cfe3d4", fillOpacity: 0.35 };
  const counties = L.geoJSON(boundaries, {
    style: () => baseStyle,
    onEachFeature: (f, lyr) => lyr.bindTooltip(text(f.properties.name), { sticky: true }),
  }).addTo(map);
  if (counties.getBounds().isValid()) map.fitBounds(counties.getBounds(), { padding: [8, 8] });
  else map.setView([36.45, 115.98], 9);

  // Points: clustered in the browser too; server clusters: one marker each with its count.
  const points = L.markerClusterGroup({ chunkedLoading: true, disableClusteringAtZoom: 16, maxClusterRadius: 50 });
  const serverClusters = L.layerGroup();
  map.addLayer(points);
  map.addLayer(serverClusters);

  function filterParams() {
    const params = new URLSearchParams();
    if (!form) return params;
    for (const [k, v] of new FormData(form).entries()) if (v !== "" && k !== "mine") params.append(k, v);
    return params;
  }

  function colourOf(kind) { return (config.kinds[kind] || { colour: "#555" }).colour; }

  function popupNode(d) {
    const notices = d.notices.length
      ? d.notices.map((n) => h("li", {}, h("a", { href: local(n.url) }, n.title)))
      : [h("li", {}, "暂无招募令")];
    const row = (term, ...value) => [h("dt", {}, term), h("dd", {}, ...value)];
    return h("div", { class: "map-popup" },
      h("b", {}, h("a", { href: local(d.url) }, d.name)),
      h("dl", {},
        ...row("类型", d.kind_label),
        ...row("状态", d.status_label),
        ...row("面积", `${d.area} ${d.unit === "mu" ? "亩" : "平方米"}`),
        ...row("位置", `${d.county_name} · ${d.village_name}`),
        ...row("用途", d.permitted_use || d.current_use || "—")),
      h("div", {}, "招募令：", h("ul", {}, ...notices)),
      h("a", { href: local(d.url) }, "查看详情 ›"));
  }

  function pointMarker(f) {
    const [lng, lat] = f.geometry.coordinates;
    const p = f.properties;
    const m = L.circleMarker([lat, lng], {
      radius: 6, color: "#fff", weight: 1, fillColor: colourOf(p.kind), fillOpacity: 0.95,
    });
    m.bindTooltip(text(`${p.name}（${(config.kinds[p.kind] || {}).zh || p.kind}，${p.area}${p.unit === "mu" ? "亩" : "㎡"}）`));
    m.bindPopup(text("加载中…"), { maxWidth: 320 });
    m.on("popupopen", () => {
      fetch(config.detail + p.id, { headers: { Accept: "application/json" } })
        .then((r) => r.json())
        .then((d) => m.setPopupContent(popupNode(d)))
        .catch(() => m.setPopupContent(text("无法加载资源详情")));
    });
    m.feature = f;
    return m;
  }

  function clusterMarker(f) {
    const [lng, lat] = f.geometry.coordinates;
    const n = f.properties.count;
    const size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 40 : 48;
    const icon = L.divIcon({ html: h("span", {}, n), className: "server-cluster", iconSize: [size, size] });
    return L.marker([lat, lng], { icon, title: `${n} 项资源，约 ${f.properties.area_mu} 亩` })
      .on("click", () => map.setView([lat, lng], Math.min(map.getZoom() + 2, 18)));
  }

  let pending = null;
  let firstDone = false;
  // While a popup is open the markers stay as they are: Leaflet pans the map to fit the popup, and
  // redrawing on that pan would remove the marker and close the popup the user just opened.
  let popupOpen = false;
  let stale = false;
  map.on("popupopen", () => { popupOpen = true; });
  map.on("popupclose", () => {
    popupOpen = false;
    if (stale) { stale = false; load(); }
  });
  function load() {
    if (popupOpen) { stale = true; return Promise.resolve(); }
    if (pending) pending.abort();
    pending = new AbortController();
    const b = map.getBounds().pad(0.2);
    const params = filterParams();
    params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(5)).join(","));
    params.set("zoom", String(Math.round(map.getZoom())));
    return fetch(config.geojson + "?" + params.toString(), { signal: pending.signal })
      .then((r) => { if (!r.ok) return r.json().then((e) => { throw new Error(e.error || r.status); }); return r.json(); })
      .then((fc) => {
        if (popupOpen) { stale = true; return; }
        points.clearLayers();
        serverClusters.clearLayers();
        if (fc.clustered) fc.features.forEach((f) => serverClusters.addLayer(clusterMarker(f)));
        else points.addLayers(fc.features.map(pointMarker));
        if (totalEl) totalEl.textContent = `视野内 ${fc.total.toLocaleString()} 项资源`;
        el.dataset.count = String(fc.total);
        el.dataset.clustered = String(fc.clustered);
        if (!firstDone) {
          firstDone = true;
          window.resourceMapFirstRender = performance.now();
        }
        el.dataset.ready = "true";
      })
      .catch((e) => { if (e.name !== "AbortError" && totalEl) totalEl.textContent = "加载失败：" + e.message; });
  }

  // Choropleth by count or area.
  const ramp = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
  const legend = document.getElementById("choropleth-legend");
  function choropleth() {
    const chosen = document.querySelector("input[name=choropleth]:checked");
    const measure = chosen ? chosen.value : "none";
    if (measure === "none") {
      counties.setStyle(() => baseStyle);
      if (legend) legend.replaceChildren();
      return Promise.resolve();
    }
    return fetch(config.figures + "?" + filterParams().toString())
      .then((r) => r.json())
      .then((data) => {
        const by = {};
        data.items.forEach((c) => { by[c.code] = c; });
        const values = data.items.map((c) => c[measure]);
        const max = Math.max(1, ...values);
        const cls = (v) => Math.min(ramp.length - 1, Math.floor((v / max) * ramp.length));
        counties.setStyle((f) => {
          const c = by[f.properties.code];
          const v = c ? c[measure] : 0;
          return { ...baseStyle, fillColor: ramp[cls(v)], fillOpacity: 0.7 };
        });
        counties.eachLayer((lyr) => {
          const c = by[lyr.feature.properties.code];
          if (c) lyr.setTooltipContent(text(`${c.name}：${c.count.toLocaleString()} 项，${Math.round(c.area_mu).toLocaleString()} 亩`));
        });
        if (legend) {
          const unit = measure === "count" ? "项" : "亩";
          legend.replaceChildren(h("ul", { class: "legend ramp" }, ...ramp.map((colour, i) => {
            const swatch = h("i");
            swatch.style.background = colour; // the CSSOM, not a style attribute
            return h("li", {}, swatch,
              `${Math.round((max * i) / ramp.length).toLocaleString()}–${Math.round((max * (i + 1)) / ramp.length).toLocaleString()} ${unit}`);
          })));
        }
      });
  }

  document.querySelectorAll("input[name=choropleth]").forEach((r) => r.addEventListener("change", choropleth));
  if (form) {
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const qs = filterParams().toString();
      history.replaceState(null, "", qs ? "?" + qs : location.pathname);
      const exportLink = form.querySelector("a.button");
      if (exportLink) exportLink.href = exportLink.href.split("?")[0] + (qs ? "?" + qs : "");
      load();
      choropleth();
    });
  }
  map.on("moveend", load);
  window.resourceMap = { map: map, points: points, reload: load };
  load();
})();
