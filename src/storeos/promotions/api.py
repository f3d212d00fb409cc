"""Staff HTTP endpoints of promotions (mounted at /api/v1/promotions/): promotions and their
approval, usage, coupon templates, code batches (with the codes as CSV) and simulation.

Thin: each handler resolves ids within the caller's scope (404 for what they cannot see) and
calls one promotions service or selector; the services check who may create, edit and approve.
"""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from storeos.api.schemas import error_responses, page_of
from storeos.core.money import quantize
from storeos.promotions import coupons, selectors, services, simulation
from storeos.promotions.models import CodeBatch, CouponTemplate, Promotion
from storeos.promotions.schemas import (
    CodeBatchIn,
    CodeBatchOut,
    CouponTemplateIn,
    CouponTemplateOut,
    CouponTemplatePatch,
    PromotionFilter,
    PromotionIn,
    PromotionOut,
    PromotionPage,
    PromotionPatch,
    RejectIn,
    SimulationIn,
    SimulationOut,
    UsageOut,
)

router = Router(tags=["promotions"])


def _given(payload) -> dict:
    """The fields the client sent (an update changes only those)."""
    return payload.model_dump(exclude_unset=True)


# --- Promotions ----------------------------------------------------------------------------------
@router.get(
    "",
    response={200: PromotionPage, **error_responses()},
    summary="Promotions you may see, highest priority first (filter by status, kind, origin)",
)
def promotion_list(request, filters: Query[PromotionFilter]):
    found = selectors.promotion_list(
        user=request.auth, status=filters.status, kind=filters.kind, origin=filters.origin
    )
    return page_of(found, filters)


@router.post(
    "",
    response={201: PromotionOut, **error_responses(404, 409)},
    summary="Create a draft promotion (its rule is checked against its kind)",
)
def promotion_create(request, payload: PromotionIn):
    fields = {k: v for k, v in _given(payload).items() if v is not None}
    return Status(201, services.promotion_create(actor=request.auth, **fields))


@router.get(
    "/{int:promotion_id}",
    response={200: PromotionOut, **error_responses(404)},
    summary="One promotion",
)
def promotion_detail(request, promotion_id: int):
    return selectors.promotion_get(user=request.auth, promotion_id=promotion_id)


@router.patch(
    "/{int:promotion_id}",
    response={200: PromotionOut, **error_responses(404, 409)},
    summary="Change a draft (or a promotion sent back for changes); only the fields given",
)
def promotion_update(request, promotion_id: int, payload: PromotionPatch):
    promotion = selectors.promotion_get(user=request.auth, promotion_id=promotion_id)
    return services.promotion_update(actor=request.auth, promotion=promotion, **_given(payload))


def _transition(request, promotion_id: int, service, **extra) -> Promotion:
    promotion = selectors.promotion_get(user=request.auth, promotion_id=promotion_id)
    return service(actor=request.auth, promotion=promotion, **extra)


@router.post(
    "/{int:promotion_id}/submit",
    response={200: PromotionOut, **error_responses(404, 409)},
    summary="Send a draft for approval",
)
def promotion_submit(request, promotion_id: int):
    return _transition(request, promotion_id, services.promotion_submit)


@router.post(
    "/{int:promotion_id}/approve",
    response={200: PromotionOut, **error_responses(404, 409)},
    summary="Approve a promotion waiting for approval (managers, for their own stores)",
)
def promotion_approve(request, promotion_id: int):
    return _transition(request, promotion_id, services.promotion_approve)


@router.post(
    "/{int:promotion_id}/reject",
    response={200: PromotionOut, **error_responses(404, 409)},
    summary="Send a promotion waiting for approval back to draft, with a reason",
)
def promotion_reject(request, promotion_id: int, payload: RejectIn):
    return _transition(request, promotion_id, services.promotion_reject, reason=payload.reason)


@router.post(
    "/{int:promotion_id}/pause",
    response={200: PromotionOut, **error_responses(404, 409)},
    summary="Pause a running promotion",
)
def promotion_pause(request, promotion_id: int):
    return _transition(request, promotion_id, services.promotion_pause)


@router.post(
    "/{int:promotion_id}/end",
    response={200: PromotionOut, **error_responses(404, 409)},
    summary="End a promotion now (it cannot be restarted)",
)
def promotion_end(request, promotion_id: int):
    return _transition(request, promotion_id, services.promotion_end)


@router.get(
    "/{int:promotion_id}/usage",
    response={200: UsageOut, **error_responses(404)},
    summary="Orders, members and discount given so far, and uses and budget left",
)
def promotion_usage(request, promotion_id: int):
    promotion = selectors.promotion_get(user=request.auth, promotion_id=promotion_id)
    usage = selectors.promotion_usage(promotion=promotion)
    # Sums come back from the database without their places on SQLite: show cents.
    for name in ("discount_given", "discount_reversed", "discount_net", "budget_left"):
        if usage.get(name) is not None:
            usage[name] = quantize(usage[name])
    return usage


# --- Coupon templates ----------------------------------------------------------------------------
@router.get(
    "/coupon-templates",
    response={200: list[CouponTemplateOut], **error_responses()},
    summary="Coupon templates, by code",
)
def coupon_template_list(request):
    return list(selectors.coupon_template_list(user=request.auth))


@router.post(
    "/coupon-templates",
    response={201: CouponTemplateOut, **error_responses(404, 409)},
    summary="Create a coupon template (amount off, percent off, free item, free shipping)",
)
def coupon_template_create(request, payload: CouponTemplateIn):
    fields = {k: v for k, v in _given(payload).items() if v is not None}
    return Status(201, coupons.coupon_template_create(actor=request.auth, **fields))


@router.get(
    "/coupon-templates/{int:template_id}",
    response={200: CouponTemplateOut, **error_responses(404)},
    summary="One coupon template",
)
def coupon_template_detail(request, template_id: int):
    return selectors.coupon_template_get(user=request.auth, template_id=template_id)


@router.patch(
    "/coupon-templates/{int:template_id}",
    response={200: CouponTemplateOut, **error_responses(404, 409)},
    summary="Change a coupon template (coupons already issued keep their validity)",
)
def coupon_template_update(request, template_id: int, payload: CouponTemplatePatch):
    template: CouponTemplate = selectors.coupon_template_get(
        user=request.auth, template_id=template_id
    )
    return coupons.coupon_template_update(actor=request.auth, template=template, **_given(payload))


# --- Code batches --------------------------------------------------------------------------------
def _batch_body(batch: CodeBatch) -> dict:
    return {
        "id": batch.pk,
        "template_id": batch.template_id,
        "quantity": batch.quantity,
        "note": batch.note,
        "created_by_id": batch.created_by_id,
        "created_at": batch.created_at,
        "csv_url": reverse("api:promotion_code_batch_csv", kwargs={"batch_id": batch.pk}),
    }


@router.post(
    "/code-batches",
    response={201: CodeBatchOut, **error_responses(404, 409)},
    summary="Generate a batch of unguessable coupon codes from a template",
)
def code_batch_create(request, payload: CodeBatchIn):
    template = selectors.coupon_template_get(user=request.auth, template_id=payload.template_id)
    batch = coupons.code_batch_create(
        actor=request.auth, template=template, quantity=payload.quantity, note=payload.note
    )
    return Status(201, _batch_body(batch))


@router.get(
    "/code-batches/{int:batch_id}.csv",
    response={200: None, **error_responses(404)},
    url_name="promotion_code_batch_csv",
    summary="The codes of a batch as CSV (code, template, status, claimed, validity); audited",
)
def code_batch_csv(request, batch_id: int):
    batch = selectors.code_batch_get(user=request.auth, batch_id=batch_id)
    # The export is audited (codes redeem money).
    csv_text = coupons.code_batch_export(actor=request.auth, batch=batch)
    response = HttpResponse(csv_text, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="codes-{batch.pk}.csv"'
    return response


# --- Simulation ----------------------------------------------------------------------------------
@router.post(
    "/simulations",
    response={200: SimulationOut, **error_responses(404, 409)},
    summary="Price the last N days of paid baskets under a promotion: orders touched, cost",
)
def simulation_run(request, payload: SimulationIn):
    promotion = selectors.promotion_get(user=request.auth, promotion_id=payload.promotion_id)
    result = simulation.promotion_simulate(
        user=request.auth,
        promotion=promotion,
        days=payload.days,
        store_ids=[payload.store_id] if payload.store_id is not None else None,
    )
    return simulation_body(promotion, result)


def simulation_body(promotion: Promotion, result) -> dict:
    return {
        "promotion_id": promotion.pk,
        "days": result.days,
        "orders_examined": result.orders_examined,
        "orders_touched": result.orders_touched,
        "discount_cost": quantize(result.discount_cost),
        "average_discount": result.average_discount,
        "by_store": [
            {
                "store_id": impact.store_id,
                "orders_examined": impact.orders_examined,
                "orders_touched": impact.orders_touched,
                "discount_cost": quantize(impact.discount_cost),
            }
            for _, impact in sorted(result.by_store.items())
        ],
    }
