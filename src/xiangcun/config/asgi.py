import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.config.settings")
application = get_asgi_application()

from django.conf import settings  # noqa: E402  (after the application has configured Django)
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

if settings.TESTING:
    # XIANGCUN_TESTING switches to a fixed secret key and fast MD5 hashing: never for a served site.
    raise ImproperlyConfigured("XIANGCUN_TESTING is set: refusing to serve. 测试模式不能用于对外服务。")
