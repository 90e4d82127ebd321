from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from xiangcun.accounts.forms import AdminLoginForm
from xiangcun.config.api import api
from xiangcun.web import views as web_views

admin.site.site_header = "乡村振兴合伙人数字平台 · 系统管理"
admin.site.site_title = "乡村振兴合伙人数字平台"
admin.site.index_title = "数据管理"
# The admin log-in goes through the site's throttle (accounts/throttle.py).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", web_views.api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("xiangcun.accounts.urls")),
    path("", include("xiangcun.regions.urls")),
    path("", include("xiangcun.recruitment.urls")),
    path("", include("xiangcun.partners.urls")),
    path("", include("xiangcun.matching.urls")),
    path("", include("xiangcun.resources.urls")),
    path("", include("xiangcun.agreements.urls")),
    path("", include("xiangcun.funding.urls")),
    path("", include("xiangcun.policies.urls")),
    path("", include("xiangcun.inbox.urls")),
    path("", include("xiangcun.privacy.urls")),
    path("", include("xiangcun.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
