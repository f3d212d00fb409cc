"""Why the till or the online shop refuses a sale (each with a stable code)."""

from storeos.core.errors import Conflict, DomainError, NotFound, ValidationFailed


class PaymentMismatch(ValidationFailed):
    code = "payment_mismatch"


class PaymentInvalid(ValidationFailed):
    code = "payment_invalid"


class AgeCheckRequired(ValidationFailed):
    code = "age_check_required"


class SkuNotSoldOnChannel(ValidationFailed):
    code = "sku_not_sold_on_channel"


class CartInvalid(ValidationFailed):
    code = "cart_invalid"


class OrderNotFound(NotFound):
    code = "order_not_found"


class OrderStateInvalid(Conflict):
    code = "order_state_invalid"


class NoSellingLocation(DomainError):
    code = "no_selling_location"
    status = 409
