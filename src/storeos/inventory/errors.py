"""Why the stock room refuses an operation (each with a stable code)."""

from storeos.core.errors import Conflict, DomainError, NotFound, ValidationFailed


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
