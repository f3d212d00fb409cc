"""Domain errors: each refusal carries a stable code, a human message and an HTTP status."""

from typing import Any


class DomainError(Exception):
    """A business rule refused an operation. Nothing was changed.

    `code` is stable (clients and tests match on it); `message` is for people; `details` carries
    structured context (which field, which SKU). Subclasses fix `code` and `status`.
    """

    code = "domain_error"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class NotFound(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401


class Conflict(DomainError):
    code = "conflict"
    status = 409


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429
