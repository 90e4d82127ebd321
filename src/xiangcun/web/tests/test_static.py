from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_production_collectstatic_succeeds_with_every_vendored_library(tmp_path):
    # Given the production storage (hashed, compressed names — every reference must resolve)
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    # Then the offline map, chart and htmx libraries are all served by the platform itself
    names = {p.name for p in tmp_path.rglob("*")}
    for expected in ("leaflet.js", "leaflet.markercluster.js", "echarts.min.js", "htmx.min.js", "site.css"):
        assert expected in names
    assert (tmp_path / "staticfiles.json").exists()
