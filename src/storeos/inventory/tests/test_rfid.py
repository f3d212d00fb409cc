from decimal import Decimal

from storeos.catalog.models import Barcode
from storeos.inventory.counts import count_open, count_upload, count_variance
from storeos.inventory.models import StockCount
from storeos.inventory.rfid import gs1_check_digit, sgtin96_decode, sgtin96_encode
from storeos.inventory.stock import stock_receive


def test_a_tag_code_gives_back_the_gtin_and_serial_it_was_written_with():
    epc = sgtin96_encode(gtin14="06901234567892", serial=274877906943)

    tag = sgtin96_decode(epc)

    assert len(epc) == 24 and epc.startswith("30")
    assert (tag.gtin14, tag.serial, tag.ean13) == ("06901234567892", 274877906943, "6901234567892")


def test_codes_that_are_not_sgtin96_tags_are_left_alone():
    assert sgtin96_decode("6901234567892") is None  # a printed barcode
    assert sgtin96_decode("35" + "0" * 22) is None  # another EPC scheme
    assert sgtin96_decode("ZZ" + "0" * 22) is None


def test_gs1_check_digits_match_printed_barcodes():
    assert gs1_check_digit("690123456789") == "2"
    assert gs1_check_digit("400638133393") == "1"


def test_an_rfid_scan_counts_each_tagged_piece_once_however_often_it_was_read(clerk, shelf, sku):
    Barcode.objects.create(sku=sku, code="6901234567892")
    stock_receive(actor=None, location=shelf, sku=sku, quantity=4, unit_cost=Decimal("40"))
    first, second, third = (sgtin96_encode(gtin14="06901234567892", serial=n) for n in (1, 2, 3))
    stranger = sgtin96_encode(gtin14="06909999999996", serial=1)
    reads = "\n".join([first, second, first, third, first, stranger]) + "\n"
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)

    result = count_upload(actor=clerk, count=count, text=reads)

    assert (result.units_counted, result.unknown_units) == (3, 1)
    report = count_variance(count=count)
    [row] = report.rows
    assert (row.expected, row.counted, row.difference) == (4, 3, -1)
    assert [(u.code, u.quantity) for u in report.unknown_codes] == [("6909999999996", 1)]
