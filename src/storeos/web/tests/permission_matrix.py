"""Who may do what: every API operation and every staff page, with the permission it needs.

The expected answer for a role is derived from `ROLE_PERMISSIONS`, never copied by hand: a rule
names the permission(s) and where they must be held. A new endpoint or page that is not listed
here fails `test_permission_matrix`, so it must be classified before it ships.
"""

from dataclasses import dataclass

from storeos.accounts.permissions import ROLE_PERMISSIONS, Perm

# Where the permission must be held.
STORE = "store"  # in the object's store (store A in the walk); a chain-wide grant covers it
CHAIN = "chain"  # chain-wide only: a grant in one store is not enough
SIGNED_IN = "signed_in"  # any signed-in staff member; `perm` is None
PUBLIC = "public"  # nobody signed in is fine (sign-in page, payment callbacks, e-receipts)
MEMBER = "member"  # the member app's own token: staff sessions are refused


@dataclass(frozen=True)
class Rule:
    perms: tuple[Perm, ...] = ()  # any one of them is enough
    where: str = STORE
    # Store-scoped objects in the path or query: the walk repeats with store B's ids for the
    # store-bound roles of A, who must then be refused.
    crosses: bool = False


def may(*perms: Perm, where: str = STORE, crosses: bool = False) -> Rule:
    return Rule(perms=perms, where=where, crosses=crosses)


def mine(*perms: Perm) -> Rule:
    """Needs a permission in the store the object belongs to; B's twin is refused to A's staff."""
    return Rule(perms=perms, where=STORE, crosses=True)


ANYONE = Rule(where=PUBLIC)
STAFF = Rule(where=SIGNED_IN)
MEMBER_APP = Rule(where=MEMBER)


def allowed(rule: Rule, role: str | None, store_bound: bool) -> bool:
    """The table's answer: may `role` (None: nobody signed in) get past the permission check?"""
    if rule.where == PUBLIC:
        return True
    if role is None or rule.where == MEMBER:
        return False
    if rule.where == SIGNED_IN:
        return True
    if rule.where == CHAIN and store_bound:
        return False
    held = ROLE_PERMISSIONS[role]
    return any(perm in held for perm in rule.perms)


P = Perm

# --- API operations: "METHOD /path" as in /api/openapi.json --------------------------------------
API: dict[str, Rule] = {
    # accounts
    # Signs in with a username and password (no session needed); the service checks the role.
    "POST /api/v1/auth/tokens": ANYONE,
    "GET /api/v1/auth/tokens": STAFF,
    "DELETE /api/v1/auth/tokens/{token_id}": STAFF,
    "GET /api/v1/auth/me": STAFF,
    # stores
    "GET /api/v1/regions": may(P.STORES_VIEW),
    "POST /api/v1/regions": may(P.STORES_EDIT, where=CHAIN),
    "GET /api/v1/stores": may(P.STORES_VIEW),
    "POST /api/v1/stores": may(P.STORES_EDIT, where=CHAIN),
    "GET /api/v1/stores/{store_id}": mine(P.STORES_VIEW),
    "PATCH /api/v1/stores/{store_id}": mine(P.STORES_EDIT),
    "GET /api/v1/stores/{store_id}/locations": mine(P.STORES_VIEW),
    "GET /api/v1/locations": may(P.STORES_VIEW),
    "POST /api/v1/locations": mine(P.STORES_EDIT),
    # catalog
    "GET /api/v1/catalog/categories": may(P.CATALOG_VIEW),
    "POST /api/v1/catalog/categories": may(P.CATALOG_EDIT, where=CHAIN),
    "GET /api/v1/catalog/series": may(P.CATALOG_VIEW),
    "POST /api/v1/catalog/series": may(P.CATALOG_EDIT, where=CHAIN),
    "GET /api/v1/catalog/products": may(P.CATALOG_VIEW),
    "POST /api/v1/catalog/products": may(P.CATALOG_EDIT, where=CHAIN),
    "GET /api/v1/catalog/skus": may(P.CATALOG_VIEW),
    "POST /api/v1/catalog/skus": may(P.CATALOG_EDIT, where=CHAIN),
    "GET /api/v1/catalog/skus/by-barcode/{code}": may(P.CATALOG_VIEW),
    "GET /api/v1/catalog/skus/{sku_id}": may(P.CATALOG_VIEW),
    "PATCH /api/v1/catalog/skus/{sku_id}": may(P.CATALOG_EDIT, where=CHAIN),
    "POST /api/v1/catalog/skus/{sku_id}/barcodes": may(P.CATALOG_EDIT, where=CHAIN),
    "DELETE /api/v1/catalog/skus/{sku_id}/barcodes/{code}": may(P.CATALOG_EDIT, where=CHAIN),
    "POST /api/v1/catalog/skus/{sku_id}/price": mine(P.PRICE_CHANGE),
    "GET /api/v1/catalog/skus/{sku_id}/price": may(P.CATALOG_VIEW),
    "GET /api/v1/catalog/skus/{sku_id}/price-history": may(P.CATALOG_VIEW),
    "GET /api/v1/catalog/price-lists": may(P.CATALOG_VIEW),
    "POST /api/v1/catalog/price-lists": mine(P.PRICE_CHANGE),
    "PUT /api/v1/catalog/price-lists/{price_list_id}/items/{sku_id}": mine(P.PRICE_CHANGE),
    "DELETE /api/v1/catalog/price-lists/{price_list_id}/items/{sku_id}": mine(P.PRICE_CHANGE),
    # inventory
    "GET /api/v1/inventory/levels": may(P.INVENTORY_VIEW),
    "GET /api/v1/inventory/stock-card": mine(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/receipts": mine(P.INVENTORY_MOVE),
    "POST /api/v1/inventory/adjustments": mine(P.INVENTORY_APPROVE),
    "POST /api/v1/inventory/availability": may(P.INVENTORY_VIEW),
    "PUT /api/v1/inventory/channel-buffers": may(P.INVENTORY_POLICY, where=CHAIN),
    "POST /api/v1/inventory/reservations": mine(P.INVENTORY_RESERVE),
    "POST /api/v1/inventory/reservations/{reference}/commit": mine(P.INVENTORY_RESERVE),
    "POST /api/v1/inventory/reservations/{reference}/release": mine(P.INVENTORY_RESERVE),
    "GET /api/v1/inventory/alerts": may(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/alerts/{alert_id}/acknowledge": mine(P.INVENTORY_MOVE),
    "PUT /api/v1/inventory/policies": mine(P.INVENTORY_POLICY),
    "GET /api/v1/inventory/policies": mine(P.INVENTORY_VIEW),
    "GET /api/v1/inventory/reports/low-stock": may(P.INVENTORY_VIEW),
    "GET /api/v1/inventory/reports/slow-moving": may(P.INVENTORY_VIEW),
    "GET /api/v1/inventory/transfers": may(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/transfers": mine(P.INVENTORY_MOVE),
    "GET /api/v1/inventory/transfers/{transfer_id}": mine(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/transfers/{transfer_id}/ship": mine(P.INVENTORY_MOVE),
    "POST /api/v1/inventory/transfers/{transfer_id}/receive": mine(P.INVENTORY_MOVE),
    "POST /api/v1/inventory/transfers/{transfer_id}/cancel": mine(P.INVENTORY_MOVE),
    "GET /api/v1/inventory/in-transit": may(P.INVENTORY_VIEW),
    "GET /api/v1/inventory/counts": may(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/counts": mine(P.INVENTORY_MOVE),
    "GET /api/v1/inventory/counts/{count_id}": mine(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/counts/{count_id}/lines": mine(P.INVENTORY_MOVE),
    "POST /api/v1/inventory/counts/{count_id}/upload": mine(P.INVENTORY_MOVE),
    "POST /api/v1/inventory/counts/{count_id}/upload-text": mine(P.INVENTORY_MOVE),
    "GET /api/v1/inventory/counts/{count_id}/variance": mine(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/counts/{count_id}/post": mine(P.INVENTORY_APPROVE),
    "POST /api/v1/inventory/counts/{count_id}/cancel": mine(P.INVENTORY_MOVE),
    "GET /api/v1/inventory/scrap-requests": may(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/scrap-requests": mine(P.INVENTORY_MOVE),
    "GET /api/v1/inventory/scrap-requests/{request_id}": mine(P.INVENTORY_VIEW),
    "POST /api/v1/inventory/scrap-requests/{request_id}/approve": mine(P.INVENTORY_APPROVE),
    "POST /api/v1/inventory/scrap-requests/{request_id}/reject": mine(P.INVENTORY_APPROVE),
    "GET /api/v1/inventory/reports/loss": may(P.INVENTORY_VIEW),
    # sales
    "POST /api/v1/sales/orders": mine(P.SALES_CHECKOUT),
    "GET /api/v1/sales/orders": may(P.SALES_VIEW),
    "GET /api/v1/sales/orders/{order_id}": mine(P.SALES_VIEW),
    "POST /api/v1/sales/online-orders": mine(P.SALES_CHECKOUT),
    "POST /api/v1/sales/online-orders/{order_id}/pay": mine(P.SALES_CHECKOUT),
    "POST /api/v1/sales/online-orders/{order_id}/ready": mine(P.SALES_FULFIL),
    "POST /api/v1/sales/online-orders/{order_id}/pickup": mine(P.SALES_FULFIL),
    "POST /api/v1/sales/online-orders/{order_id}/ship": mine(P.SALES_FULFIL),
    "POST /api/v1/sales/online-orders/{order_id}/complete": mine(P.SALES_FULFIL),
    "POST /api/v1/sales/online-orders/{order_id}/cancel": mine(P.SALES_FULFIL),
    "POST /api/v1/sales/shifts": mine(P.SALES_CHECKOUT),
    # The till asks for its open shift; whoever may see the store's sales may see it too.
    "GET /api/v1/sales/shifts/current": mine(P.SALES_CHECKOUT, P.SALES_VIEW),
    "POST /api/v1/sales/shifts/{shift_id}/close": mine(P.SALES_CHECKOUT),
    "GET /api/v1/sales/reports/z": mine(P.SALES_REPORTS),
    "POST /api/v1/sales/cart/price": mine(P.SALES_CHECKOUT),
    "POST /api/v1/sales/payment-intents": mine(P.SALES_CHECKOUT),
    "GET /api/v1/sales/payment-intents/{intent_id}": mine(P.SALES_VIEW),
    "POST /api/v1/sales/payment-intents/{intent_id}/sandbox-complete": mine(P.SALES_CHECKOUT),
    # The provider's callback: signed by the provider, not by a user.
    "POST /api/v1/sales/payment-notifications/{method}": ANYONE,
    "POST /api/v1/sales/orders/{order_id}/returns": mine(P.SALES_RETURN),
    "GET /api/v1/sales/returns/{return_id}": mine(P.SALES_VIEW),
    "POST /api/v1/sales/orders/{order_id}/exchanges": mine(P.SALES_RETURN),
    # The return windows are what any employee may tell a customer.
    "GET /api/v1/sales/return-policies": STAFF,
    "PUT /api/v1/sales/return-policies": may(P.SALES_OVERRIDE, where=CHAIN),
    # loyalty (staff)
    # One member across the chain: a customer who gives their exact phone or member code (or
    # shows the QR) is found at any store's till, and what they can redeem is shown there. The
    # member list, the 360 view, points history and exports stay with the home store.
    "GET /api/v1/loyalty/members/lookup": may(P.MEMBERS_VIEW),
    "GET /api/v1/loyalty/members": may(P.MEMBERS_VIEW),
    "POST /api/v1/loyalty/members": mine(P.MEMBERS_EDIT),
    "GET /api/v1/loyalty/members/{member_id}": mine(P.MEMBERS_VIEW),
    "GET /api/v1/loyalty/members/{member_id}/points": mine(P.MEMBERS_VIEW),
    "POST /api/v1/loyalty/members/{member_id}/phone": mine(P.MEMBERS_PII),
    "POST /api/v1/loyalty/members/{member_id}/points-adjustments": mine(P.POINTS_ADJUST),
    "GET /api/v1/loyalty/members/{member_id}/rewards": may(P.MEMBERS_VIEW),
    "POST /api/v1/loyalty/members/{member_id}/rewards/{reward_code}/redeem": mine(P.MEMBERS_EDIT),
    # the member app: its own sign-in, never a staff session
    "POST /api/v1/member/codes": ANYONE,
    "POST /api/v1/member/register": ANYONE,
    "POST /api/v1/member/sign-in": ANYONE,
    "POST /api/v1/member/sign-out": MEMBER_APP,
    "GET /api/v1/member/me": MEMBER_APP,
    "PATCH /api/v1/member/me": MEMBER_APP,
    "GET /api/v1/member/me/summary": MEMBER_APP,
    "GET /api/v1/member/me/qr": MEMBER_APP,
    "GET /api/v1/member/me/points": MEMBER_APP,
    "GET /api/v1/member/me/tier": MEMBER_APP,
    "GET /api/v1/member/me/coupons": MEMBER_APP,
    "GET /api/v1/member/me/rewards": MEMBER_APP,
    "POST /api/v1/member/me/rewards/{reward_code}/redeem": MEMBER_APP,
    # promotions
    "GET /api/v1/labels/pending": mine(P.PROMOTIONS_VIEW),
    "POST /api/v1/labels/ack": mine(P.PROMOTIONS_VIEW),
    "GET /api/v1/promotions/": may(P.PROMOTIONS_VIEW),
    "POST /api/v1/promotions/": may(P.PROMOTIONS_EDIT),
    "GET /api/v1/promotions/{promotion_id}": may(P.PROMOTIONS_VIEW),
    "PATCH /api/v1/promotions/{promotion_id}": may(P.PROMOTIONS_EDIT, where=CHAIN),
    "POST /api/v1/promotions/{promotion_id}/submit": may(P.PROMOTIONS_EDIT, where=CHAIN),
    "POST /api/v1/promotions/{promotion_id}/approve": may(P.PROMOTIONS_APPROVE, where=CHAIN),
    "POST /api/v1/promotions/{promotion_id}/reject": may(P.PROMOTIONS_APPROVE, where=CHAIN),
    "POST /api/v1/promotions/{promotion_id}/pause": may(P.PROMOTIONS_APPROVE, where=CHAIN),
    "POST /api/v1/promotions/{promotion_id}/end": may(P.PROMOTIONS_APPROVE, where=CHAIN),
    "GET /api/v1/promotions/{promotion_id}/usage": may(P.PROMOTIONS_VIEW),
    "GET /api/v1/promotions/coupon-templates": may(P.PROMOTIONS_VIEW),
    "POST /api/v1/promotions/coupon-templates": may(P.PROMOTIONS_EDIT, where=CHAIN),
    "GET /api/v1/promotions/coupon-templates/{template_id}": may(P.PROMOTIONS_VIEW),
    "PATCH /api/v1/promotions/coupon-templates/{template_id}": may(P.PROMOTIONS_EDIT, where=CHAIN),
    "POST /api/v1/promotions/code-batches": may(P.PROMOTIONS_EDIT, where=CHAIN),
    "GET /api/v1/promotions/code-batches/{batch_id}.csv": may(P.PROMOTIONS_EDIT, where=CHAIN),
    "POST /api/v1/promotions/simulations": may(P.PROMOTIONS_VIEW),
    # Shoppers price a cart too (the mall and the mini-program, as guests).
    "POST /api/v1/cart/price": ANYONE,
}

# --- Pages: URL name → rule ----------------------------------------------------------------------
PAGES: dict[str, Rule] = {
    "web:home": STAFF,
    "web:login": ANYONE,
    "web:logout": ANYONE,
    "web:stores": may(P.STORES_VIEW),
    "web:switch_store": STAFF,
    "set_language": ANYONE,
    "catalog:sku_list": may(P.CATALOG_VIEW),
    "catalog:sku_results": may(P.CATALOG_VIEW),
    "catalog:sku_detail": may(P.CATALOG_VIEW),
    "catalog:sku_edit": may(P.CATALOG_EDIT),
    "catalog:price_change": may(P.PRICE_CHANGE),
    "inventory:stock_overview": may(P.INVENTORY_VIEW),
    "inventory:stock_rows": may(P.INVENTORY_VIEW),
    "inventory:stock_card": mine(P.INVENTORY_VIEW),
    "inventory:transfer_list": may(P.INVENTORY_VIEW),
    "inventory:transfer_create": may(P.INVENTORY_MOVE),
    "inventory:transfer_detail": mine(P.INVENTORY_VIEW),
    "inventory:transfer_ship": mine(P.INVENTORY_MOVE),
    "inventory:transfer_receive": mine(P.INVENTORY_MOVE),
    "inventory:transfer_cancel": mine(P.INVENTORY_MOVE),
    "inventory:count_list": may(P.INVENTORY_VIEW),
    "inventory:count_open": may(P.INVENTORY_MOVE),
    "inventory:count_detail": mine(P.INVENTORY_VIEW),
    "inventory:count_record": mine(P.INVENTORY_MOVE),
    "inventory:count_upload": mine(P.INVENTORY_MOVE),
    "inventory:count_post": mine(P.INVENTORY_APPROVE),
    "inventory:count_cancel": mine(P.INVENTORY_MOVE),
    "inventory:scrap_list": may(P.INVENTORY_VIEW),
    "inventory:scrap_create": may(P.INVENTORY_MOVE),
    "inventory:loss_report": may(P.INVENTORY_VIEW),
    "inventory:scrap_detail": mine(P.INVENTORY_VIEW),
    "inventory:scrap_approve": mine(P.INVENTORY_APPROVE),
    "inventory:scrap_reject": mine(P.INVENTORY_APPROVE),
    "inventory:alert_list": may(P.INVENTORY_VIEW),
    "inventory:alert_acknowledge": mine(P.INVENTORY_MOVE),
    "loyalty:member_list": may(P.MEMBERS_VIEW),
    "loyalty:member_rows": may(P.MEMBERS_VIEW),
    "loyalty:member_register": may(P.MEMBERS_EDIT),
    "loyalty:segment_overview": may(P.MEMBERS_VIEW),
    "loyalty:segment_export": may(P.MEMBERS_EXPORT),
    "loyalty:member_detail": mine(P.MEMBERS_VIEW),
    "loyalty:points_history": mine(P.MEMBERS_VIEW),
    "loyalty:phone_reveal": mine(P.MEMBERS_PII),
    "loyalty:points_adjust": mine(P.POINTS_ADJUST),
    "promotions:promotion_list": may(P.PROMOTIONS_VIEW),
    "promotions:promotion_create": may(P.PROMOTIONS_EDIT),
    "promotions:approval_queue": may(P.PROMOTIONS_APPROVE),
    "promotions:promotion_detail": may(P.PROMOTIONS_VIEW),
    "promotions:promotion_edit": may(P.PROMOTIONS_EDIT),
    "promotions:promotion_simulate": may(P.PROMOTIONS_VIEW),
    # Pausing a chain-wide promotion (the walk's step) needs approval rights chain-wide.
    "promotions:promotion_step": may(P.PROMOTIONS_APPROVE, where=CHAIN),
    "promotions:coupon_template_list": may(P.PROMOTIONS_VIEW),
    "promotions:coupon_template_detail": may(P.PROMOTIONS_VIEW),
    "promotions:code_batch_csv": may(P.PROMOTIONS_EDIT),
    "promotions:label_monitor": may(P.PROMOTIONS_VIEW),
    "pos:screen": may(P.SALES_CHECKOUT),
    "pos:lookup": may(P.SALES_CHECKOUT),
    "pos:search": may(P.SALES_CHECKOUT),
    "pos:qr": may(P.SALES_CHECKOUT),
    # The till finds any member of the chain by exact phone or code (the customer is there).
    "pos:member": may(P.SALES_CHECKOUT),
    # The points one of the till's own sales earned.
    "pos:member_points": mine(P.SALES_CHECKOUT),
    "sales_reports:receipt": mine(P.SALES_VIEW),
    "sales_reports:receipt_pdf": mine(P.SALES_VIEW),
    "sales_reports:dashboard": may(P.SALES_REPORTS),
    # A customer's e-receipt link: the signed token is the key.
    "sales_reports:e_receipt": ANYONE,
    "sales_reports:e_receipt_pdf": ANYONE,
}

# Not pages of the staff UI: the API's own URLs (walked through the OpenAPI document) and Django's
# admin (its own staff check, tested in each app's test_admin).
NOT_PAGES = ("api:", "admin:")
