"""Response headers that keep personal data out of caches and scripts out of pages.

- Content-Security-Policy (django-csp 4, settings.CONTENT_SECURITY_POLICY): scripts, styles, images and fonts only
  from this site, no inline script anywhere. Django admin's own templates carry inline `style` attributes (and a
  few form widgets set them): on /admin/ only, styles may also be inline; scripts never.
- Cache-Control `private, no-store` on every response to a signed-in user: each page they see may hold personal
  data (an organisation's particulars, an application, a decision), which no shared or browser cache should keep.
"""

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + getattr(settings, "ADMIN_URL_PREFIX", "admin/")

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        if request.path.startswith(self.admin_prefix):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
