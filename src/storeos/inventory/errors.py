"""Why the stock room refuses an operation (each with a stable code)."""

from storeos.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class QuantityInvalid(ValidationFailed):
    code = "quantity_invalid"


class BatchRequired(ValidationFailed):
    code = "batch_required"


class BatchInvalid(ValidationFailed):
    code = "batch_invalid"


class BatchExpired(DomainError):
    code = "batch_expired"
    status = 409


class ReservationNotFound(NotFound):
    code = "reservation_not_found"


class ReservationClosed(Conflict):
    code = "reservation_closed"


class DocumentStatusConflict(Conflict):
    """A transfer, count or scrap request is not in the status the operation needs."""

    code = "document_status_invalid"


class DiscrepancyReasonRequired(ValidationFailed):
    code = "discrepancy_reason_required"


class ScanLineInvalid(ValidationFailed):
    code = "scan_line_invalid"


class PolicyInvalid(ValidationFailed):
    code = "policy_invalid"


class OwnRequest(PermissionDenied):
    code = "own_request"


class ScanFileInvalid(ValidationFailed):
    """The uploaded scan file is too large or not text."""

    code = "scan_file_invalid"
