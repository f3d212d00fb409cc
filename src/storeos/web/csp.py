"""The Content-Security-Policy header on every answer: scripts only from our own static files.

Every script is a file under /static/ (data for them travels in `json_script` blocks, which are
not run), so an injected `<script>` or `onclick=` does nothing. Styles may be inline: receipts
carry theirs for printing, and ECharts draws its tooltips with style attributes.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
