"""API authentication: a bearer token (integrations) or the browser session (the UI, with CSRF)."""

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        from storeos.accounts.services import api_token_authenticate

        user = api_token_authenticate(raw_token=token)
        if user is not None:
            request.user = user
        return user


api_auth = [BearerToken(), django_auth]
