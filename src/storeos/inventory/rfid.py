"""RFID tags in scan files: SGTIN-96 EPCs (the GS1 tag code on item-level RFID labels).

A tag code carries the item's GTIN plus a serial number unique to the piece, so a count reads
the GTIN back out to find the SKU, and a tag read several times (readers report a tag on every
pass) still counts as one unit.
"""

from dataclasses import dataclass

SGTIN96_HEADER = 0x30
# partition → (company prefix bits, digits, item reference bits, digits); GS1 EPC Tag Data Std.
_PARTITIONS = {
    0: (40, 12, 4, 1),
    1: (37, 11, 7, 2),
    2: (34, 10, 10, 3),
    3: (30, 9, 14, 4),
    4: (27, 8, 17, 5),
    5: (24, 7, 20, 6),
    6: (20, 6, 24, 7),
}


@dataclass(frozen=True)
class TagRead:
    gtin14: str
    serial: int

    @property
    def ean13(self) -> str | None:
        """The EAN-13 a shelf barcode carries, when the GTIN has indicator digit 0."""
        return self.gtin14[1:] if self.gtin14.startswith("0") else None


def gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit for a GTIN without its check digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def sgtin96_decode(code: str) -> TagRead | None:
    """The GTIN and serial of an SGTIN-96 tag code (24 hex digits), else None."""
    code = code.strip()
    if len(code) != 24:
        return None
    try:
        value = int(code, 16)
    except ValueError:
        return None
    if value >> 88 != SGTIN96_HEADER:
        return None
    partition = (value >> 82) & 0b111
    if partition not in _PARTITIONS:
        return None
    prefix_bits, prefix_digits, item_bits, item_digits = _PARTITIONS[partition]
    serial = value & ((1 << 38) - 1)
    item = (value >> 38) & ((1 << item_bits) - 1)
    prefix = (value >> (38 + item_bits)) & ((1 << prefix_bits) - 1)
    if len(str(prefix)) > prefix_digits or len(str(item)) > item_digits:
        return None
    item_text = str(item).zfill(item_digits)
    body = item_text[0] + str(prefix).zfill(prefix_digits) + item_text[1:]
    return TagRead(gtin14=body + gs1_check_digit(body), serial=serial)


def sgtin96_encode(*, gtin14: str, serial: int, company_prefix_digits: int = 7) -> str:
    """The SGTIN-96 tag code for a GTIN and serial (filter 1: point-of-sale item)."""
    partition = next(p for p, spec in _PARTITIONS.items() if spec[1] == company_prefix_digits)
    prefix_bits, prefix_digits, item_bits, _ = _PARTITIONS[partition]
    prefix = int(gtin14[1 : 1 + prefix_digits])
    item = int(gtin14[0] + gtin14[1 + prefix_digits : 13])
    value = SGTIN96_HEADER
    value = (value << 3) | 1
    value = (value << 3) | partition
    value = (value << prefix_bits) | prefix
    value = (value << item_bits) | item
    value = (value << 38) | serial
    return f"{value:024X}"
