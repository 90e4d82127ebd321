// One resource on a small offline map: its point and, if known, its parcel boundary.
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  const read = (id) => { const n = document.getElementById(id); return n ? JSON.parse(n.textContent) : null; };
  // The name is user data: a text node, never a string Leaflet would write as HTML.
  const label = (text) => () => document.createTextNode(String(text == null ? "" : text));
  const p = read("resource-point");
  const map = L.map(el).setView([p.lat, p.lng], 14);
  const tileUrl = read("tile-url");
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);
  const shape = read("resource-boundary");
  if (shape) {
    const layer = L.geoJSON(shape, { style: { color: "#a23b2a", weight: 2, fillOpacity: 0.2 } }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 16 });
  }
  L.circleMarker([p.lat, p.lng], { radius: 7, color: "#a23b2a", fillOpacity: 0.9 }).bindTooltip(label(p.name)).addTo(map);
  el.dataset.ready = "true";
})();
