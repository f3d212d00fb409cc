"""HTTP endpoints for the stock documents: transfers, counts and scrap requests (thin: they
call the document modules and selectors). Every call that moves stock, or adds scanned units,
needs an Idempotency-Key header."""

from ninja import File, Query, Router, Status, UploadedFile

from storeos.api.idempotency import run_idempotent
from storeos.api.schemas import error_responses
from storeos.catalog.selectors import category_get, sku_get
from storeos.inventory import counts, scrap, selectors, transfers
from storeos.inventory.errors import ScanFileInvalid
from storeos.inventory.schemas import (
    CountDetailOut,
    CountFilter,
    CountIn,
    CountLineIn,
    CountLineOut,
    CountOut,
    CountPage,
    IdempotencyKey,
    InTransitOut,
    LossQuery,
    LossReportOut,
    NoteIn,
    ScanTextIn,
    ScrapFilter,
    ScrapIn,
    ScrapOut,
    ScrapPage,
    TransferFilter,
    TransferIn,
    TransferOut,
    TransferPage,
    TransferReceiveIn,
    UploadOut,
    VarianceOut,
)
from storeos.stores.selectors import store_get

router = Router(tags=["inventory"])

SCAN_FILE_MAX_BYTES = 5 * 1024 * 1024


def _page(items: list, total: int, filters) -> dict:
    return {"items": items, "total": total, "offset": filters.offset, "limit": filters.limit}


def _note(payload: NoteIn | None) -> str:
    # The body is optional: a bare POST (no body at all) means no note.
    return payload.note if payload is not None else ""


# --- Transfers -----------------------------------------------------------------------------------
def _transfer_body(transfer) -> dict:
    return TransferOut.from_orm(transfer).model_dump(mode="json")


@router.get("/transfers", response={200: TransferPage, **error_responses()}, summary="Transfers")
def transfer_list(request, filters: Query[TransferFilter]):
    items, total = selectors.transfer_list(
        user=request.auth,
        status=filters.status,
        location_id=filters.location_id,
        store_id=filters.store_id,
        offset=filters.offset,
        limit=filters.limit,
    )
    return _page(items, total, filters)


@router.get(
    "/transfers/{transfer_id}",
    response={200: TransferOut, **error_responses(404)},
    summary="A transfer with its lines: shipped, received, in transit and missing units",
)
def transfer_get(request, transfer_id: int):
    return selectors.transfer_get(user=request.auth, transfer_id=transfer_id)


@router.post(
    "/transfers",
    response={201: TransferOut, **error_responses(404, 409)},
    summary="Draft a transfer (the source must have the units now; nothing moves yet)",
)
def transfer_create(request, payload: TransferIn):
    lines = []
    for line in payload.lines:
        sku = sku_get(sku_id=line.sku_id)
        lines.append((sku, line.quantity, selectors.batch_get(sku=sku, batch_id=line.batch_id)))
    transfer = transfers.transfer_create(
        actor=request.auth,
        from_location=selectors.location_for_stock(
            user=request.auth, location_id=payload.from_location_id
        ),
        # The destination may be another store's: sending slow stock where it sells is the point.
        to_location=selectors.location_lookup(location_id=payload.to_location_id),
        lines=lines,
        note=payload.note,
    )
    return Status(201, selectors.transfer_get(user=request.auth, transfer_id=transfer.pk))


@router.post(
    "/transfers/{transfer_id}/ship",
    response={200: TransferOut, **error_responses(404, 409)},
    summary="Ship a draft: the stock leaves the source (needs an Idempotency-Key header)",
)
def transfer_ship(request, transfer_id: int, idempotency_key: IdempotencyKey = None):
    def action():
        transfer = selectors.transfer_get(user=request.auth, transfer_id=transfer_id)
        return 200, _transfer_body(transfers.transfer_ship(actor=request.auth, transfer=transfer))

    status, body = run_idempotent(
        request,
        scope="inventory.transfer_ship",
        payload={"transfer": transfer_id},
        action=action,
    )
    return Status(status, body)


@router.post(
    "/transfers/{transfer_id}/receive",
    response={200: TransferOut, **error_responses(404, 409)},
    summary="Receive a shipped transfer, in full or per line with reasons for what is missing "
    "(needs an Idempotency-Key header)",
)
def transfer_receive(
    request,
    transfer_id: int,
    payload: TransferReceiveIn | None = None,
    idempotency_key: IdempotencyKey = None,
):
    # No body at all: everything that was shipped arrived.
    receipt = payload or TransferReceiveIn()

    def action():
        transfer = selectors.transfer_get(user=request.auth, transfer_id=transfer_id)
        received = transfers.transfer_receive(
            actor=request.auth,
            transfer=transfer,
            received=receipt.received,
            reasons=receipt.reasons,
        )
        return 200, _transfer_body(received)

    status, body = run_idempotent(
        request,
        scope="inventory.transfer_receive",
        payload={"transfer": transfer_id, **receipt.model_dump(mode="json")},
        action=action,
    )
    return Status(status, body)


@router.post(
    "/transfers/{transfer_id}/cancel",
    response={200: TransferOut, **error_responses(404, 409)},
    summary="Cancel a draft transfer",
)
def transfer_cancel(request, transfer_id: int, payload: NoteIn | None = None):
    transfer = selectors.transfer_get(user=request.auth, transfer_id=transfer_id)
    transfers.transfer_cancel(actor=request.auth, transfer=transfer, note=_note(payload))
    return selectors.transfer_get(user=request.auth, transfer_id=transfer_id)


@router.get(
    "/in-transit",
    response={200: list[InTransitOut], **error_responses(404)},
    summary="Units shipped and not yet received, to or from the locations you see",
)
def in_transit(request, location_id: int | None = None):
    return selectors.in_transit_for(user=request.auth, location_id=location_id)


# --- Counts --------------------------------------------------------------------------------------
@router.get("/counts", response={200: CountPage, **error_responses()}, summary="Stock counts")
def count_list(request, filters: Query[CountFilter]):
    items, total = selectors.count_list(
        user=request.auth,
        status=filters.status,
        location_id=filters.location_id,
        store_id=filters.store_id,
        offset=filters.offset,
        limit=filters.limit,
    )
    return _page(items, total, filters)


@router.post(
    "/counts",
    response={201: CountDetailOut, **error_responses(404)},
    summary="Open a count of a location: all SKUs, a category or a list of SKUs",
)
def count_open(request, payload: CountIn):
    location = selectors.location_for_stock(user=request.auth, location_id=payload.location_id)
    category = None
    if payload.category_id is not None:
        category = category_get(category_id=payload.category_id)
    skus = [sku_get(sku_id=sku_id) for sku_id in dict.fromkeys(payload.sku_ids)]
    count = counts.count_open(
        actor=request.auth,
        location=location,
        scope=payload.scope,
        category=category,
        skus=skus,
        note=payload.note,
    )
    return Status(201, selectors.count_get(user=request.auth, count_id=count.pk))


@router.get(
    "/counts/{count_id}",
    response={200: CountDetailOut, **error_responses(404)},
    summary="A count with its lines and unknown scanned codes",
)
def count_get(request, count_id: int):
    return selectors.count_get(user=request.auth, count_id=count_id)


@router.post(
    "/counts/{count_id}/lines",
    response={200: CountLineOut, **error_responses(404, 409)},
    summary="Record by hand how many units of a SKU (and batch) are there",
)
def count_record(request, count_id: int, payload: CountLineIn):
    count = selectors.count_get(user=request.auth, count_id=count_id)
    sku = sku_get(sku_id=payload.sku_id)
    return counts.count_record(
        actor=request.auth,
        count=count,
        sku=sku,
        counted=payload.counted,
        batch=selectors.batch_get(sku=sku, batch_id=payload.batch_id),
    )


def _upload(request, count_id: int, text: str) -> Status:
    if "\x00" in text:
        raise ScanFileInvalid("The scan file is not plain text (save it as UTF-8).")

    def action():
        count = selectors.count_get(user=request.auth, count_id=count_id)
        result = counts.count_upload(actor=request.auth, count=count, text=text)
        return 200, UploadOut.from_orm(result).model_dump(mode="json")

    # Several files add up, so a retried upload must not count its units twice.
    status, body = run_idempotent(
        request,
        scope="inventory.count_upload",
        payload={"count": count_id, "text": text},
        action=action,
    )
    return Status(status, body)


@router.post(
    "/counts/{count_id}/upload",
    response={200: UploadOut, **error_responses(404, 409)},
    summary="Add a scan file (multipart field `file`): one code per line or `code,qty` "
    "(needs an Idempotency-Key header)",
)
def count_upload(
    request, count_id: int, file: File[UploadedFile], idempotency_key: IdempotencyKey = None
):
    if file.size is not None and file.size > SCAN_FILE_MAX_BYTES:
        raise ScanFileInvalid(
            "The scan file is larger than 5 MB; split it.", details={"bytes": file.size}
        )
    raw = file.read(SCAN_FILE_MAX_BYTES + 1)
    if len(raw) > SCAN_FILE_MAX_BYTES:
        raise ScanFileInvalid("The scan file is larger than 5 MB; split it.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Scanner software in China often saves GB18030 (GBK); codes are ASCII either way.
        text = raw.decode("gb18030", errors="replace")
    return _upload(request, count_id, text)


@router.post(
    "/counts/{count_id}/upload-text",
    response={200: UploadOut, **error_responses(404, 409)},
    summary="Add a scan file sent as JSON text (needs an Idempotency-Key header)",
)
def count_upload_text(
    request, count_id: int, payload: ScanTextIn, idempotency_key: IdempotencyKey = None
):
    return _upload(request, count_id, payload.text)


@router.get(
    "/counts/{count_id}/variance",
    response={200: VarianceOut, **error_responses(404)},
    summary="Expected against counted per line, valued at cost, with unknown codes",
)
def count_variance(request, count_id: int):
    count = selectors.count_get(user=request.auth, count_id=count_id)
    return counts.count_variance(count=count, user=request.auth)


@router.post(
    "/counts/{count_id}/post",
    response={200: VarianceOut, **error_responses(404, 409)},
    summary="Post the count: stock becomes what was counted (store manager; needs an "
    "Idempotency-Key header)",
)
def count_post(request, count_id: int, idempotency_key: IdempotencyKey = None):
    def action():
        count = selectors.count_get(user=request.auth, count_id=count_id)
        report = counts.count_post(actor=request.auth, count=count)
        return 200, VarianceOut.from_orm(report).model_dump(mode="json")

    status, body = run_idempotent(
        request, scope="inventory.count_post", payload={"count": count_id}, action=action
    )
    return Status(status, body)


@router.post(
    "/counts/{count_id}/cancel",
    response={200: CountOut, **error_responses(404, 409)},
    summary="Abandon an open count (stock is untouched)",
)
def count_cancel(request, count_id: int):
    count = selectors.count_get(user=request.auth, count_id=count_id)
    counts.count_cancel(actor=request.auth, count=count)
    return selectors.count_get(user=request.auth, count_id=count_id)


# --- Scrap ---------------------------------------------------------------------------------------
@router.get(
    "/scrap-requests", response={200: ScrapPage, **error_responses()}, summary="Scrap requests"
)
def scrap_list(request, filters: Query[ScrapFilter]):
    items, total = selectors.scrap_list(
        user=request.auth,
        status=filters.status,
        location_id=filters.location_id,
        store_id=filters.store_id,
        offset=filters.offset,
        limit=filters.limit,
    )
    return _page(items, total, filters)


@router.post(
    "/scrap-requests",
    response={201: ScrapOut, **error_responses(404, 409)},
    summary="Ask to write off stock (damaged, expired, lost, other); a manager decides",
)
def scrap_create(request, payload: ScrapIn):
    lines = []
    for line in payload.lines:
        sku = sku_get(sku_id=line.sku_id)
        lines.append((sku, line.quantity, selectors.batch_get(sku=sku, batch_id=line.batch_id)))
    created = scrap.scrap_request(
        actor=request.auth,
        location=selectors.location_for_stock(user=request.auth, location_id=payload.location_id),
        reason=payload.reason,
        lines=lines,
        note=payload.note,
    )
    return Status(201, selectors.scrap_get(user=request.auth, request_id=created.pk))


@router.get(
    "/scrap-requests/{request_id}",
    response={200: ScrapOut, **error_responses(404)},
    summary="A scrap request with its lines",
)
def scrap_get(request, request_id: int):
    return selectors.scrap_get(user=request.auth, request_id=request_id)


@router.post(
    "/scrap-requests/{request_id}/approve",
    response={200: ScrapOut, **error_responses(404, 409)},
    summary="Approve: the stock is written off at cost (another manager than the requester; "
    "needs an Idempotency-Key header)",
)
def scrap_approve(
    request, request_id: int, payload: NoteIn | None = None, idempotency_key: IdempotencyKey = None
):
    def action():
        pending = selectors.scrap_get(user=request.auth, request_id=request_id)
        scrap.scrap_approve(actor=request.auth, request=pending, note=_note(payload))
        approved = selectors.scrap_get(user=request.auth, request_id=request_id)
        return 200, ScrapOut.from_orm(approved).model_dump(mode="json")

    status, body = run_idempotent(
        request,
        scope="inventory.scrap_approve",
        payload={"request": request_id, "note": _note(payload)},
        action=action,
    )
    return Status(status, body)


@router.post(
    "/scrap-requests/{request_id}/reject",
    response={200: ScrapOut, **error_responses(404, 409)},
    summary="Reject a scrap request, saying why (stock is untouched)",
)
def scrap_reject(request, request_id: int, payload: NoteIn | None = None):
    pending = selectors.scrap_get(user=request.auth, request_id=request_id)
    scrap.scrap_reject(actor=request.auth, request=pending, note=_note(payload))
    return selectors.scrap_get(user=request.auth, request_id=request_id)


@router.get(
    "/reports/loss",
    response={200: LossReportOut, **error_responses(404)},
    summary="Units and value written off per store and reason over business days",
)
def loss_report(request, query: Query[LossQuery]):
    store = None
    if query.store_id is not None:
        store = store_get(user=request.auth, store_id=query.store_id)
    return scrap.loss_report(
        store=store, date_from=query.date_from, date_to=query.date_to, user=request.auth
    )
