"""EAN-13 barcodes for the demo catalog: check digits and a deterministic, collision-free issuer."""

import random


def ean13_check_digit(first12: str) -> str:
    """The GS1 check digit: weights 1 and 3 alternate from the left over the first 12 digits."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"need 12 digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


class Ean13Issuer:
    """Hands out unique EAN-13s under one GS1 company prefix, item numbers in shuffled order.

    The shuffle makes neighbouring SKUs look unrelated (as real catalogs do) while the same
    seed always yields the same codes.
    """

    def __init__(self, company_prefix: str, rng: random.Random):
        if not company_prefix.isdigit() or not 7 <= len(company_prefix) <= 10:
            raise ValueError("a GS1 company prefix is 7 to 10 digits")
        self._prefix = company_prefix
        self._width = 12 - len(company_prefix)
        self._rng = rng
        self._issued: set[int] = set()

    def issue(self) -> str:
        capacity = 10**self._width
        if len(self._issued) >= capacity // 2:
            raise RuntimeError("company prefix nearly exhausted")
        while True:
            item = self._rng.randrange(1, capacity)
            if item not in self._issued:
                self._issued.add(item)
                break
        first12 = f"{self._prefix}{item:0{self._width}d}"
        return first12 + ean13_check_digit(first12)
