"""Writes for users, role grants, logins and API tokens."""


def api_token_authenticate(*, raw_token: str):
    return None
