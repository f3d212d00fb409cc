"""The `liquor` demo: a tobacco & liquor chain (烟酒店), three stores in Nanjing and Suzhou.

Liquor, wine and beer are age-restricted and batch-tracked (wine and beer with a shelf life;
high-proof baijiu has none under GB 7718 but is still traced by batch). Tobacco is age-restricted
and may not be sold through any online channel.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from storeos.core.channels import ONLINE_CHANNELS
from storeos.demo.barcodes import Ean13Issuer
from storeos.demo.plan import (
    CategorySpec,
    Plan,
    PriceListSpec,
    ProductSpec,
    RegionSpec,
    SeriesSpec,
    SkuSpec,
    StockProfile,
    StoreSpec,
    WarehouseSpec,
    ZoneSpec,
    cents,
    cost_from_price,
    discounted,
)
from storeos.demo.staff import demo_staff

CHAIN = "久悦烟酒"
PREFIX = "JY-"
TOBACCO_BLOCKED = tuple(sorted(str(c) for c in ONLINE_CHANNELS))


@dataclass(frozen=True)
class Kind:
    """How a kind of goods is sold: margin band, batch and age rules."""

    cost_low: float
    cost_high: float
    batch_tracked: bool
    shelf_life_days: int | None
    age_restricted: bool
    blocked_channels: tuple[str, ...] = ()


BAIJIU = Kind(0.55, 0.72, True, None, True)
WINE = Kind(0.45, 0.60, True, 3650, True)
BEER = Kind(0.60, 0.75, True, 365, True)
CRAFT_BEER = Kind(0.55, 0.70, True, 180, True)
TOBACCO = Kind(0.88, 0.92, False, None, True, TOBACCO_BLOCKED)
GREEN_TEA = Kind(0.40, 0.55, True, 540, False)
AGED_TEA = Kind(0.40, 0.55, True, 730, False)
PUER = Kind(0.40, 0.55, True, None, False)
GIFT_ALCOHOL = Kind(0.50, 0.65, False, None, True)
GIFT_TEA = Kind(0.45, 0.60, False, None, False)

SERIES = (
    SeriesSpec("CSHG", "赤水河谷", "赤水河谷酒业"),
    SeriesSpec("GJF", "古窖坊", "古窖坊酒厂"),
    SeriesSpec("JQ", "晋泉", "晋泉酒业"),
    SeriesSpec("LJF", "老街坊", "老街坊酒厂"),
    SeriesSpec("SLJZ", "山麓酒庄", "贺兰山东麓产区"),
    SeriesSpec("HAJZ", "海岸酒庄", "蓬莱产区"),
    SeriesSpec("OLZX", "欧陆臻选", "进口葡萄酒"),
    SeriesSpec("QLJN", "青岚精酿", "青岚精酿啤酒"),
    SeriesSpec("XYPJ", "雪原啤酒", "雪原啤酒"),
    SeriesSpec("JINYE", "金叶", "卷烟"),
    SeriesSpec("YUNL", "云岭", "卷烟"),
    SeriesSpec("SONGY", "松韵", "卷烟"),
    SeriesSpec("ZIZHU", "紫竹", "卷烟"),
    SeriesSpec("HEHUA", "荷花", "卷烟"),
    SeriesSpec("MQCZ", "明前茶庄", "龙井"),
    SeriesSpec("YYCH", "岩韵茶号", "武夷茶"),
    SeriesSpec("GSPE", "古树普洱", "普洱茶"),
    SeriesSpec("JYLH", "久悦礼盒", CHAIN),
)

CATEGORIES = (
    CategorySpec("BAIJIU", "白酒"),
    CategorySpec("BJ-JIANG", "酱香型", "BAIJIU"),
    CategorySpec("BJ-NONG", "浓香型", "BAIJIU"),
    CategorySpec("BJ-QING", "清香型", "BAIJIU"),
    CategorySpec("WINE", "葡萄酒"),
    CategorySpec("WN-RED", "干红", "WINE"),
    CategorySpec("WN-WHITE", "干白与桃红", "WINE"),
    CategorySpec("WN-SPARK", "起泡酒", "WINE"),
    CategorySpec("BEER", "啤酒"),
    CategorySpec("TOBACCO", "香烟"),
    CategorySpec("TEA", "茶叶"),
    CategorySpec("TEA-GREEN", "绿茶", "TEA"),
    CategorySpec("TEA-OOLONG", "岩茶与红茶", "TEA"),
    CategorySpec("TEA-PUER", "普洱", "TEA"),
    CategorySpec("GIFT", "礼盒"),
)

# (series, category, kind, product code, product name, variants)
# variant: (sku suffix, name suffix, spec, unit, pack size, price in yuan)
Variant = tuple[str, str, str, str, int, str]
LINES: tuple[tuple[str, str, Kind, str, str, tuple[Variant, ...]], ...] = (
    ("CSHG", "BJ-JIANG", BAIJIU, "CSHG-5", "赤水河谷 酱香型 5年", (
        ("B", "", "53%vol 500ml", "bottle", 1, "268"),
        ("C", " 整箱", "53%vol 500ml×6", "case", 6, "1528"),
    )),
    ("CSHG", "BJ-JIANG", BAIJIU, "CSHG-10", "赤水河谷 酱香型 10年", (
        ("B", "", "53%vol 500ml", "bottle", 1, "598"),
        ("C", " 整箱", "53%vol 500ml×6", "case", 6, "3408"),
    )),
    ("CSHG", "BJ-JIANG", BAIJIU, "CSHG-15", "赤水河谷 酱香型 15年", (
        ("B", "", "53%vol 500ml", "bottle", 1, "1299"),
    )),
    ("CSHG", "BJ-JIANG", BAIJIU, "CSHG-30", "赤水河谷 酱香型 30年", (
        ("B", "", "53%vol 500ml", "bottle", 1, "3999"),
    )),
    ("CSHG", "BJ-JIANG", BAIJIU, "CSHG-PJ", "赤水河谷 酱香型 品鉴装", (
        ("B", "", "53%vol 100ml", "bottle", 1, "68"),
    )),
    ("GJF", "BJ-NONG", BAIJIU, "GJF-3S", "古窖坊 窖藏三星", (
        ("52", " 52度", "52%vol 500ml", "bottle", 1, "128"),
        ("42", " 42度", "42%vol 500ml", "bottle", 1, "108"),
        ("C", " 52度 整箱", "52%vol 500ml×6", "case", 6, "728"),
    )),
    ("GJF", "BJ-NONG", BAIJIU, "GJF-5S", "古窖坊 窖藏五星", (
        ("52", " 52度", "52%vol 500ml", "bottle", 1, "298"),
        ("42", " 42度", "42%vol 500ml", "bottle", 1, "258"),
        ("C", " 52度 整箱", "52%vol 500ml×6", "case", 6, "1698"),
    )),
    ("GJF", "BJ-NONG", BAIJIU, "GJF-ZC", "古窖坊 珍藏", (
        ("B", "", "52%vol 500ml", "bottle", 1, "568"),
    )),
    ("GJF", "BJ-NONG", BAIJIU, "GJF-DS", "古窖坊 大师酿", (
        ("B", "", "52%vol 500ml", "bottle", 1, "1088"),
    )),
    ("JQ", "BJ-QING", BAIJIU, "JQ-42", "晋泉 清香型 光瓶", (
        ("B", "", "42%vol 475ml", "bottle", 1, "69"),
        ("C", " 整箱", "42%vol 475ml×12", "case", 12, "768"),
    )),
    ("JQ", "BJ-QING", BAIJIU, "JQ-LT", "晋泉 清香型 老坛", (
        ("B", "", "53%vol 500ml", "bottle", 1, "158"),
    )),
    ("JQ", "BJ-QING", BAIJIU, "JQ-YJ", "晋泉 清香型 原浆", (
        ("B", "", "65%vol 500ml", "bottle", 1, "399"),
    )),
    ("LJF", "BJ-NONG", BAIJIU, "LJF-GP", "老街坊 光瓶酒", (
        ("42", " 42度", "42%vol 500ml", "bottle", 1, "29"),
        ("52", " 52度", "52%vol 500ml", "bottle", 1, "39"),
        ("C", " 52度 整箱", "52%vol 500ml×12", "case", 12, "438"),
    )),
    ("SLJZ", "WN-RED", WINE, "SLJZ-CS", "山麓酒庄 赤霞珠干红", (
        ("19", " 2019", "2019 年份 750ml", "bottle", 1, "228"),
        ("20", " 2020", "2020 年份 750ml", "bottle", 1, "198"),
        ("21", " 2021", "2021 年份 750ml", "bottle", 1, "168"),
        ("C21", " 2021 整箱", "2021 年份 750ml×6", "case", 6, "948"),
    )),
    ("SLJZ", "WN-RED", WINE, "SLJZ-CG", "山麓酒庄 蛇龙珠干红", (
        ("21", " 2021", "2021 年份 750ml", "bottle", 1, "138"),
    )),
    ("SLJZ", "WN-RED", WINE, "SLJZ-RS", "山麓酒庄 珍藏赤霞珠", (
        ("18", " 2018", "2018 年份 750ml", "bottle", 1, "588"),
    )),
    ("SLJZ", "WN-WHITE", WINE, "SLJZ-CH", "山麓酒庄 霞多丽干白", (
        ("22", " 2022", "2022 年份 750ml", "bottle", 1, "128"),
    )),
    ("HAJZ", "WN-RED", WINE, "HAJZ-R", "海岸酒庄 干红", (
        ("B", "", "750ml", "bottle", 1, "88"),
        ("C", " 整箱", "750ml×6", "case", 6, "498"),
    )),
    ("HAJZ", "WN-RED", WINE, "HAJZ-RS", "海岸酒庄 特级干红", (
        ("B", "", "750ml", "bottle", 1, "268"),
    )),
    ("HAJZ", "WN-WHITE", WINE, "HAJZ-W", "海岸酒庄 干白", (("B", "", "750ml", "bottle", 1, "78"),)),
    ("HAJZ", "WN-WHITE", WINE, "HAJZ-P", "海岸酒庄 桃红", (("B", "", "750ml", "bottle", 1, "98"),)),
    ("OLZX", "WN-RED", WINE, "OLZX-BDX", "欧陆臻选 波尔多 AOC 干红", (
        ("B", "", "法国 750ml", "bottle", 1, "198"),
    )),
    ("OLZX", "WN-RED", WINE, "OLZX-RIO", "欧陆臻选 里奥哈 干红", (
        ("B", "", "西班牙 750ml", "bottle", 1, "158"),
    )),
    ("OLZX", "WN-RED", WINE, "OLZX-CHI", "欧陆臻选 基安蒂 干红", (
        ("B", "", "意大利 750ml", "bottle", 1, "178"),
    )),
    ("OLZX", "WN-SPARK", WINE, "OLZX-MOS", "欧陆臻选 莫斯卡托 甜起泡", (
        ("B", "", "意大利 750ml", "bottle", 1, "118"),
    )),
    ("OLZX", "WN-SPARK", WINE, "OLZX-PRO", "欧陆臻选 普罗塞克 起泡", (
        ("B", "", "意大利 750ml", "bottle", 1, "138"),
    )),
    ("OLZX", "WN-SPARK", WINE, "OLZX-CHA", "欧陆臻选 香槟 天然型", (
        ("B", "", "法国 750ml", "bottle", 1, "498"),
    )),
    ("QLJN", "BEER", CRAFT_BEER, "QLJN-IPA", "青岚精酿 IPA", (
        ("1", "", "330ml 罐", "can", 1, "22"),
        ("24", " 整箱", "330ml×24 罐", "case", 24, "468"),
    )),
    ("QLJN", "BEER", CRAFT_BEER, "QLJN-WIT", "青岚精酿 小麦白啤", (
        ("1", "", "330ml 罐", "can", 1, "18"),
        ("24", " 整箱", "330ml×24 罐", "case", 24, "388"),
    )),
    ("QLJN", "BEER", CRAFT_BEER, "QLJN-STT", "青岚精酿 世涛", (
        ("1", "", "330ml 罐", "can", 1, "26"),
    )),
    ("QLJN", "BEER", CRAFT_BEER, "QLJN-PIL", "青岚精酿 皮尔森", (
        ("1", "", "330ml 罐", "can", 1, "18"),
    )),
    ("QLJN", "BEER", CRAFT_BEER, "QLJN-SOUR", "青岚精酿 酸啤", (
        ("1", "", "330ml 罐", "can", 1, "24"),
    )),
    ("XYPJ", "BEER", BEER, "XYPJ-LAG", "雪原啤酒 拉格", (
        ("1", "", "500ml 罐", "can", 1, "6"),
        ("12", " 12 罐装", "500ml×12 罐", "pack", 12, "66"),
    )),
    ("XYPJ", "BEER", BEER, "XYPJ-DFT", "雪原啤酒 纯生", (
        ("1", "", "500ml 罐", "can", 1, "8"),
        ("24", " 整箱", "500ml×24 罐", "case", 24, "168"),
    )),
    ("XYPJ", "BEER", BEER, "XYPJ-DRK", "雪原啤酒 黑啤", (("1", "", "500ml 罐", "can", 1, "9"),)),
    ("MQCZ", "TEA-GREEN", GREEN_TEA, "MQCZ-MQ", "明前茶庄 龙井 明前特级", (
        ("250", "", "250g 罐", "tin", 1, "680"),
        ("100", " 小罐", "100g 罐", "tin", 1, "298"),
    )),
    ("MQCZ", "TEA-GREEN", GREEN_TEA, "MQCZ-1", "明前茶庄 龙井 明前一级", (
        ("250", "", "250g 罐", "tin", 1, "380"),
    )),
    ("MQCZ", "TEA-GREEN", GREEN_TEA, "MQCZ-YQ", "明前茶庄 龙井 雨前二级", (
        ("250", "", "250g 袋", "bag", 1, "198"),
    )),
    ("YYCH", "TEA-OOLONG", AGED_TEA, "YYCH-DHP", "岩韵茶号 大红袍", (
        ("250", "", "250g 盒", "box", 1, "298"),
    )),
    ("YYCH", "TEA-OOLONG", AGED_TEA, "YYCH-RG", "岩韵茶号 肉桂", (
        ("250", "", "250g 盒", "box", 1, "368"),
    )),
    ("YYCH", "TEA-OOLONG", AGED_TEA, "YYCH-SX", "岩韵茶号 水仙", (
        ("250", "", "250g 盒", "box", 1, "198"),
    )),
    ("YYCH", "TEA-OOLONG", AGED_TEA, "YYCH-ZS", "岩韵茶号 正山小种", (
        ("250", "", "250g 盒", "box", 1, "168"),
    )),
    ("GSPE", "TEA-PUER", PUER, "GSPE-RAW", "古树普洱 生茶饼 2018", (
        ("357", "", "357g 饼", "cake", 1, "398"),
        ("T", " 一提", "357g×7 饼", "pack", 7, "2688"),
    )),
    ("GSPE", "TEA-PUER", PUER, "GSPE-RIPE", "古树普洱 熟茶饼", (
        ("357", "", "357g 饼", "cake", 1, "268"),
    )),
    ("GSPE", "TEA-PUER", PUER, "GSPE-TUO", "古树普洱 小沱茶", (
        ("100", "", "100g 盒", "box", 1, "68"),
    )),
    ("JYLH", "GIFT", GIFT_ALCOHOL, "JYLH-MA", "中秋礼盒 酱香5年双支装", (
        ("1", "", "500ml×2", "box", 1, "568"),
    )),
    ("JYLH", "GIFT", GIFT_ALCOHOL, "JYLH-SJ", "春节礼盒 山麓干红双支装", (
        ("1", "", "750ml×2", "box", 1, "398"),
    )),
    ("JYLH", "GIFT", GIFT_ALCOHOL, "JYLH-SW", "商务礼盒 龙井配酱香", (
        ("1", "", "龙井 100g + 酱香 500ml", "box", 1, "888"),
    )),
    ("JYLH", "GIFT", GIFT_ALCOHOL, "JYLH-JN", "精酿礼盒 六罐装", (
        ("1", "", "330ml×6", "box", 1, "138"),
    )),
    ("JYLH", "GIFT", GIFT_TEA, "JYLH-TEA", "茶礼 龙井双罐", (
        ("1", "", "125g×2 罐", "box", 1, "358"),
    )),
    ("JYLH", "GIFT", GIFT_TEA, "JYLH-PE", "茶礼 普洱饼茶", (
        ("1", "", "357g 饼 + 茶刀", "box", 1, "458"),
    )),
)  # fmt: skip

# (series, pack prices in yuan for its three specs)
TOBACCO_BRANDS = (
    ("JINYE", (10, 16, 23)),
    ("YUNL", (15, 22, 35)),
    ("SONGY", (20, 26, 45)),
    ("ZIZHU", (12, 18, 30)),
    ("HEHUA", (38, 65, 100)),
)
TOBACCO_SPECS = (("H", "硬盒"), ("X", "细支"), ("S", "软盒"))
PACKS_PER_CARTON = 10


def _stores() -> tuple[StoreSpec, ...]:
    def zones(total: str) -> tuple[ZoneSpec, ...]:
        area = Decimal(total)
        layout = (
            ("ENTRY", "入口", "0.08"), ("SMOKE", "香烟柜台", "0.10"),
            ("BAIJIU", "白酒文化墙", "0.22"), ("WINE", "葡萄酒区与品酒台", "0.18"),
            ("BEER", "啤酒冷柜", "0.08"), ("TEA", "茶叶区", "0.12"),
            ("GIFT", "礼盒陈列区", "0.10"), ("TILL", "收银台", "0.06"),
        )  # fmt: skip
        return tuple(
            ZoneSpec(code, name, cents(area * Decimal(share))) for code, name, share in layout
        )

    return (
        StoreSpec("JY-NJ01", f"{CHAIN} 南京新街口店", "NJ", "南京",
                  "南京市秦淮区中山南路 88 号", Decimal("120.00"),
                  dt.date(2015, 6, 1), zones("120")),
        StoreSpec("JY-NJ02", f"{CHAIN} 南京河西店", "NJ", "南京",
                  "南京市建邺区江东中路 201 号", Decimal("85.00"),
                  dt.date(2019, 10, 1), zones("85")),
        StoreSpec("JY-SZ01", f"{CHAIN} 苏州观前街店", "SZ", "苏州",
                  "苏州市姑苏区观前街 66 号", Decimal("100.00"),
                  dt.date(2023, 3, 18), zones("100")),
    )  # fmt: skip


def _sku(product: str, code: str, name: str, price: Decimal, kind: Kind, barcode: str, rng,
         *, spec: str, unit: str, pack_size: int) -> SkuSpec:  # fmt: skip
    return SkuSpec(
        product=product,
        code=code,
        name=name,
        list_price=cents(price),
        cost=cost_from_price(price, rng, kind.cost_low, kind.cost_high),
        barcodes=(barcode,),
        spec=spec,
        unit=unit,
        pack_size=pack_size,
        batch_tracked=kind.batch_tracked,
        shelf_life_days=kind.shelf_life_days,
        age_restricted=kind.age_restricted,
        blocked_channels=kind.blocked_channels,
    )


def _issuers(rng: random.Random) -> dict[str, Ean13Issuer]:
    """One GS1 company prefix per brand: each maker numbers its own goods."""
    companies = rng.sample(range(10000, 100000), len(SERIES))
    return {s.code: Ean13Issuer(f"69{c:05d}", rng) for s, c in zip(SERIES, companies, strict=True)}


def _catalog(rng: random.Random) -> tuple[list[ProductSpec], list[SkuSpec]]:
    issuers = _issuers(rng)
    products: list[ProductSpec] = []
    skus: list[SkuSpec] = []
    for series, category, kind, code, name, variants in LINES:
        products.append(ProductSpec(f"JY-{code}", name, category, series))
        for suffix, name_suffix, spec, unit, pack, price in variants:
            skus.append(
                _sku(f"JY-{code}", f"{code}-{suffix}", name + name_suffix, Decimal(price), kind,
                     issuers[series].issue(), rng, spec=spec, unit=unit, pack_size=pack)
            )  # fmt: skip
    series_names = {s.code: s.name for s in SERIES}
    for series, prices in TOBACCO_BRANDS:
        for (suffix, style), pack_price in zip(TOBACCO_SPECS, prices, strict=True):
            code = f"{series}-{suffix}"
            name = f"{series_names[series]} {style}"
            products.append(ProductSpec(f"JY-{code}", name, "TOBACCO", series))
            price = Decimal(pack_price)
            barcode = issuers[series].issue()
            skus.append(_sku(f"JY-{code}", f"{code}-P", f"{name}（包）", price, TOBACCO, barcode,
                             rng, spec="20 支", unit="pack", pack_size=1))  # fmt: skip
            barcode = issuers[series].issue()
            skus.append(_sku(f"JY-{code}", f"{code}-T", f"{name}（条）", price * PACKS_PER_CARTON,
                             TOBACCO, barcode, rng, spec="10 包×20 支", unit="carton",
                             pack_size=PACKS_PER_CARTON))  # fmt: skip
    return products, skus


def _price_lists(skus: list[SkuSpec], rng: random.Random) -> tuple[PriceListSpec, ...]:
    # Only goods that may be sold online get an online price.
    online_ok = [s for s in skus if not s.blocked_channels]
    online = sorted(rng.sample(online_ok, 20), key=lambda s: s.code)
    member_day = sorted(rng.sample(online_ok, 8), key=lambda s: s.code)
    online_shares = [Decimal(rng.choice(("0.9", "0.95"))) for _ in online]
    return (
        PriceListSpec(
            "JY-ONLINE", "线上商城价", None, "online_mall",
            tuple(
                (s.code, discounted(s.list_price, share))
                for s, share in zip(online, online_shares, strict=True)
            ),
        ),
        PriceListSpec(
            "JY-NJ01-MEMBER", "新街口店 会员日特价", "JY-NJ01", "",
            tuple((s.code, discounted(s.list_price, Decimal("0.88"))) for s in member_day),
            days=30,
        ),
    )  # fmt: skip


def _daily_demand(sku: SkuSpec, category: str) -> float:
    """Units a day an average store sells: cheap cigarette packs and lager most; cases,
    cartons, vintage wine and gift boxes least."""
    price = float(sku.list_price)
    if sku.pack_size > 1:
        return 0.03
    if category == "TOBACCO":
        return min(1.2, 15 / price)
    if category == "BEER":
        return min(2.0, 12 / price)
    if category.startswith("BJ-"):
        return min(0.3, 10 / price)
    if category.startswith("WN-"):
        return min(0.15, 6 / price)
    return 0.03


def _basket(sku: SkuSpec, category: str) -> int:
    """Smokers take a few packs, beer goes by the four-pack (lager) or the pair (craft)."""
    if sku.pack_size > 1:
        return 1
    if category == "TOBACCO":
        return 3
    if category == "BEER":
        return 4 if sku.list_price < 10 else 2
    return 1


def _warehouse_only(sku: SkuSpec, category: str) -> bool:
    """30-year baijiu, whole cases of it and pu'er by the tong wait in the central warehouse."""
    return sku.list_price >= 2500


# The expiry story on the first store's shelf: a lager lot with weeks to go, craft IPA and
# spring green tea inside the 90-day window; a sour beer nobody bought and a green tea lot that
# have expired (and wait for the manager to approve their write-off).
STOCK = StockProfile(
    demand=_daily_demand,
    warehouse_only=_warehouse_only,
    basket=_basket,
    dormant=5,
    dormant_skus=("QLJN-SOUR-1",),
    near_expiry_lots=(("XYPJ-LAG-1", 18), ("QLJN-IPA-1", 45), ("MQCZ-MQ-100", 75)),
    expired_lots=(("QLJN-SOUR-1", 6), ("MQCZ-YQ-250", 12)),
)


def build_liquor_plan(seed: int) -> Plan:
    rng = random.Random(seed)
    products, skus = _catalog(rng)
    stores = _stores()
    return Plan(
        scenario="liquor",
        chain_name=CHAIN,
        store_prefix=PREFIX,
        regions=(RegionSpec("NJ", "南京区"), RegionSpec("SZ", "苏州区")),
        stores=stores,
        warehouses=(
            WarehouseSpec("JY-RDC-NJ", "南京区域仓（江宁）", "regional_warehouse", "NJ"),
            WarehouseSpec("JY-CDC", "华东中心仓（无锡）", "central_warehouse", None),
        ),
        categories=CATEGORIES,
        series=SERIES,
        products=tuple(products),
        skus=tuple(skus),
        price_lists=_price_lists(skus, rng),
        users=demo_staff([store.code for store in stores]),
        stock=STOCK,
    )
