// Draws region boundaries (and optional village points) with Leaflet from the site's own files.
// No base tiles unless the deployment configures MAP_TILE_URL: government intranets are offline.
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  const read = (id) => {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };
  // Names are user data: Leaflet writes a string tooltip as HTML, so it gets a text node instead.
  const label = (text) => () => document.createTextNode(String(text == null ? "" : text));
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  const tileUrl = read("tile-url");
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);
  const palette = ["#2f7d4f", "#3b6ea5", "#b5651d", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4a017"];
  const boundaries = read(el.dataset.geojson || "boundaries-data");
  let bounds = null;
  if (boundaries && boundaries.features && boundaries.features.length) {
    const layer = L.geoJSON(boundaries, {
      style: (f) => ({
        color: "#1d4e2f", weight: 1.5, fillOpacity: 0.25,
        fillColor: palette[boundaries.features.indexOf(f) % palette.length],
      }),
      onEachFeature: (f, lyr) => {
        lyr.bindTooltip(label(f.properties.name), { sticky: true });
        lyr.on("click", () => { window.location.href = "/regions/" + f.properties.code + "/"; });
      },
    }).addTo(map);
    bounds = layer.getBounds();
  }
  const points = read("points-data");
  if (points && points.length) {
    const group = L.featureGroup(points.map((p) =>
      L.circleMarker([p.lat, p.lng], { radius: 4, color: "#a23b2a", weight: 1, fillOpacity: 0.8 })
        .bindTooltip(label(p.name))
        .on("click", () => { window.location.href = "/villages/" + p.code + "/"; })
    )).addTo(map);
    bounds = bounds || group.getBounds();
  }
  if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
  else map.setView([36.45, 115.98], 9);
  el.dataset.ready = "true";
})();
