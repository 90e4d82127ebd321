"""The Content-Security-Policy (django-csp 4): what a page of ours may load and run.

Scripts only from the site's own static files: no inline code, no eval, so a name that slipped into
the HTML as markup cannot run. Page data reaches the scripts as ``json_script`` blocks
(``<script type="application/json">``), which are data and not code.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE


def tile_sources(tile_url: str) -> list[str]:
    """The CSP source for an optional base-map tile URL template, e.g. 天地图's
    ``https://t{s}.tianditu.gov.cn/...`` → ``https://*.tianditu.gov.cn``.

    A host label with a Leaflet placeholder (``{s}``) becomes the wildcard CSP allows only as the
    leftmost label; a relative URL is the site itself and needs nothing more than 'self'."""
    parts = urlsplit(tile_url.strip())
    if not parts.scheme or not parts.netloc:
        return []
    host, _, port = parts.netloc.rpartition("@")[2].partition(":")
    labels = host.split(".")
    if any("{" in label for label in labels[1:]):
        # Only the first label may be a placeholder in CSP; else allow nothing rather than too much.
        return []
    if "{" in labels[0]:
        labels[0] = "*"
    source = f"{parts.scheme}://{'.'.join(labels)}"
    if port and "{" not in port:
        source += f":{port}"
    return [source]


def policy(*, tile_url: str = "") -> dict[str, Any]:
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            # 'unsafe-inline' for styles only, and only because of inline style *attributes*: a few in
            # our templates (widths, legend colours), the HTML tooltips ECharts writes (its markers and
            # layout are style attributes), and Swagger UI at /api/v1/docs. Leaflet and htmx need no
            # inline style (Leaflet positions through the CSSOM; htmx's indicator <style> is turned
            # off in web/site.js). Styles cannot run script.
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:", "blob:", *tile_sources(tile_url)],
            "font-src": [SELF, "data:"],
            "connect-src": [SELF],
            "frame-ancestors": [NONE],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
        }
    }
