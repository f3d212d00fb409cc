"""The `lego` demo: a brick-toy chain, three stores in Shanghai and Hangzhou, ~300 SKUs."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

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

CHAIN = "砖块工坊"
PREFIX = "LG-"
# A fictional GS1 company prefix under China's 690-699 range.
COMPANY_PREFIX = "6921580"

# Shelf prices a brick-toy chain actually uses, in yuan.
PRICE_LADDER = (
    49, 79, 99, 129, 149, 199, 249, 299, 349, 399, 449, 499, 599, 699,
    799, 899, 999, 1199, 1299, 1499, 1699, 1999, 2499, 2999,
)  # fmt: skip


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    category: str  # age band category
    age: str
    low: int  # price ladder bounds, yuan
    high: int
    yuan_per_piece: float
    number_base: int  # set numbers are drawn from number_base + 100 .. number_base + 999
    set_names: str  # space-separated

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(self.set_names.split())


THEMES = (
    Theme(
        "TECH", "机械组", "SET-TEEN", "10+", 99, 2999, 0.75, 42000,
        "越野卡车 履带挖掘机 全地形起重机 方程式赛车 越野摩托车 救援直升机 拖拉机 叉车"
        " 自卸卡车 推土机 高速跑车 拉力赛车 月球探测车 消防云梯车 平板拖车 装载机 赛艇"
        " 重型牵引车 卡丁车 混凝土搅拌车 遥控越野车 飞机牵引车",
    ),
    Theme(
        "CITY", "城市组", "SET-KID", "6+", 49, 999, 0.62, 60000,
        "消防局 警察局 货运列车 垃圾回收车 披萨外卖车 城市公园 国际机场 社区医院 海岸救援船"
        " 冰淇淋车 建筑工地 菜市场 宠物诊所 太空探索基地 消防直升机 警用摩托 赛车场 农场"
        " 双层巴士 城市游乐场 邮局 露营房车",
    ),
    Theme(
        "FRND", "好朋友", "SET-KID", "6+", 49, 899, 0.6, 41000,
        "心湖城咖啡馆 海滨度假屋 宠物救助站 花园树屋 烘焙坊 马术训练场 音乐舞台 兽医诊所"
        " 冲浪小屋 学校 购物中心 游乐园 露营地 甜品车 公寓 美发沙龙 动物医院 马车 水上乐园"
        " 野营车",
    ),
    Theme(
        "CRTR", "创意百变", "SET-KID", "8+", 49, 999, 0.65, 31000,
        "狂野动物 海底生物 复古相机 中式庭院 蒸汽火车 太空飞船 机械恐龙 猫头鹰 海盗船 城堡"
        " 街角小屋 度假别墅 老式卡车 独角兽 复古打字机 森林小屋 灯塔 水上飞机",
    ),
    Theme(
        "DUPL", "得宝", "SET-JR", "1½+", 99, 699, 3.2, 10000,
        "数字火车 农场动物 我的第一桶积木 消防车 动物园 创意积木盒 家庭小屋 建筑工程车"
        " 字母学习 游乐场 厨房 恐龙世界 洗车站 水果蔬菜",
    ),
    Theme(
        "NINJ", "忍者", "SET-KID", "7+", 49, 1299, 0.68, 71000,
        "神龙 忍者道场 机甲战士 闪电喷气机 火焰神龙 龙之神庙 城市花园 冰雪机甲 忍者赛车"
        " 神秘之塔 沙漠探险车 泰坦机甲 风暴巨龙 水上飞艇",
    ),
    Theme(
        "SPED", "超级赛车", "SET-TEEN", "9+", 149, 399, 0.55, 76000,
        "经典跑车 超级跑车 耐力赛车 开轮赛车 复古赛车 越野拉力车 双车套装 旅行跑车 电动超跑"
        " 赛道跑车 改装跑车 肌肉车",
    ),
    Theme(
        "ARCH", "建筑", "SET-ADULT", "18+", 349, 1299, 0.7, 21000,
        "上海天际线 杭州西湖 北京天坛 故宫角楼 纽约天际线 巴黎天际线 伦敦天际线 东京天际线"
        " 泰姬陵 长城 悉尼歌剧院 新加坡天际线",
    ),
    Theme(
        "CLSC", "经典创意", "SET-KID", "4+", 49, 499, 0.35, 11000,
        "创意积木盒（小号） 创意积木盒（中号） 创意积木盒（大号） 彩色积木桶 创意底板套装"
        " 创意轮子 创意房屋 创意动物 百变积木 创意拼砌箱",
    ),
    Theme(
        "ICON", "收藏家", "SET-ADULT", "18+", 699, 2999, 0.52, 10200,
        "模块化街景·书店 模块化街景·咖啡馆 老式电车 中式庙会 帆船 复古汽车 天文台 花束 盆景树"
        " 三角钢琴 打字机 星际飞船",
    ),
)  # fmt: skip

MINIFIGURE_WAVES = (
    ("71101", "第1季", ("宇航员", "厨师", "海盗船长", "骑士", "摇滚歌手", "熊猫人",
                       "滑板少年", "魔术师", "考古学家", "消防员", "侦探", "舞狮人")),
    ("71102", "第2季", ("龙舟手", "机器人", "巫师", "园丁", "潜水员", "医生",
                       "画家", "宇宙猎人", "功夫大师", "花仙子", "冲浪手", "京剧武生")),
    ("71103", "第3季", ("恐龙服小孩", "蛋糕师", "吸血鬼", "牛仔", "美人鱼", "赛车手",
                       "科学家", "南瓜人", "维京战士", "滑雪手", "瑜伽达人", "外星访客")),
)  # fmt: skip
BLIND_BAG_PRICE = Decimal("39")
IDENTIFIED_FIGURE_PRICE = Decimal("59")
BAGS_PER_BOX = 36

COLOURS = (("RED", "红"), ("YEL", "黄"), ("BLU", "蓝"), ("WHT", "白"), ("BLK", "黑"),
           ("LGY", "浅灰"), ("GRN", "绿"), ("ORG", "橙"))  # fmt: skip
# (code, name, category, yuan per piece)
ELEMENTS = (
    ("B11", "砖块 1×1", "PART-BRICK", "0.50"),
    ("B12", "砖块 1×2", "PART-BRICK", "0.80"),
    ("B14", "砖块 1×4", "PART-BRICK", "1.20"),
    ("B22", "砖块 2×2", "PART-BRICK", "1.00"),
    ("B24", "砖块 2×4", "PART-BRICK", "1.50"),
    ("P12", "薄板 1×2", "PART-PLATE", "0.50"),
    ("P24", "薄板 2×4", "PART-PLATE", "1.20"),
    ("S22", "斜坡砖 2×2", "PART-BRICK", "1.20"),
    ("R11", "圆砖 1×1", "PART-BRICK", "0.60"),
)
BASEPLATES = (("GRN", "绿"), ("BLU", "蓝"), ("LGY", "浅灰"), ("WHT", "白"))
TECH_PACKS = (
    ("TA", "机械组 轴组合包", "12.90"),
    ("TG", "机械组 齿轮组合包", "19.90"),
    ("TP", "机械组 连接销 100 颗", "15.90"),
    ("TB", "机械组 梁组合包", "24.90"),
    ("TW", "轮胎轮毂组合包", "29.90"),
    ("TM", "马达与电池盒套装", "199.00"),
)
GEAR = (
    ("KC", "人仔钥匙扣", "GEAR-KEY", ("宇航员", "骑士", "熊猫人", "消防员", "海盗船长",
                                      "警察", "忍者", "厨师"), "49"),
    ("SB", "积木收纳盒", "GEAR-BOX", ("红色 大号", "蓝色 大号", "黄色 中号", "白色 中号"), "159"),
    ("BK", "拼砌创意图书", "GEAR-BOOK", ("百变动物", "城市小镇", "机械原理", "太空探险"), "89"),
    ("DF", "人仔展示框", "GEAR-BOX", ("16 格", "32 格"), "129"),
    ("SP", "分拣铲", "GEAR-BOX", ("标准款",), "19.9"),
)  # fmt: skip


def _set_price(theme: Theme, rng: random.Random) -> Decimal:
    ladder = [p for p in PRICE_LADDER if theme.low <= p <= theme.high]
    # Most sets of a theme sit at the low end of its ladder; few reach the top.
    index = min(int(rng.triangular(0, len(ladder), 0)), len(ladder) - 1)
    return Decimal(ladder[index])


def _stores() -> tuple[StoreSpec, ...]:
    def zones(series_walls: tuple[tuple[str, str, str], ...], total: Decimal) -> tuple:
        fixed = (
            ZoneSpec("ENTRY", "入口迎宾区", cents(total * Decimal("0.10"))),
            ZoneSpec("BUILD", "拼砌体验台", cents(total * Decimal("0.15"))),
            ZoneSpec("PAB", "零件墙", cents(total * Decimal("0.08"))),
            ZoneSpec("MINIF", "人仔墙", cents(total * Decimal("0.06"))),
            ZoneSpec("TILL", "收银台", cents(total * Decimal("0.06"))),
        )
        walls = tuple(
            ZoneSpec(code, name, cents(total * Decimal(share)))
            for code, name, share in series_walls
        )
        return fixed + walls

    flagship_walls = (
        ("W-TECH", "机械组墙", "0.10"), ("W-CITY", "城市组墙", "0.10"),
        ("W-FRND", "好朋友墙", "0.08"), ("W-DUPL", "得宝区", "0.08"),
        ("W-NINJ", "忍者墙", "0.06"), ("W-ADULT", "建筑与收藏家区", "0.08"),
    )  # fmt: skip
    small_walls = (
        ("W-TECH", "机械组墙", "0.14"), ("W-CITY", "城市组墙", "0.14"),
        ("W-FRND", "好朋友墙", "0.12"), ("W-DUPL", "得宝区", "0.10"),
    )  # fmt: skip
    return (
        StoreSpec("LG-SH01", f"{CHAIN} 上海南京东路旗舰店", "SH", "上海",
                  "上海市黄浦区南京东路 300 号 1F-2F", Decimal("420.00"),
                  dt.date(2018, 9, 28), zones(flagship_walls, Decimal("420"))),
        StoreSpec("LG-SH02", f"{CHAIN} 上海徐家汇店", "SH", "上海",
                  "上海市徐汇区虹桥路 1 号 B1", Decimal("180.00"),
                  dt.date(2021, 4, 30), zones(small_walls, Decimal("180"))),
        StoreSpec("LG-HZ01", f"{CHAIN} 杭州湖滨店", "ZJ", "杭州",
                  "杭州市上城区延安路 258 号 1F", Decimal("220.00"),
                  dt.date(2022, 12, 18), zones(small_walls, Decimal("220"))),
    )  # fmt: skip


CATEGORIES = (
    CategorySpec("SET", "积木套装"),
    CategorySpec("SET-JR", "幼儿拼砌（1½–5 岁）", "SET"),
    CategorySpec("SET-KID", "儿童拼砌（4–9 岁）", "SET"),
    CategorySpec("SET-TEEN", "进阶拼砌（9 岁以上）", "SET"),
    CategorySpec("SET-ADULT", "成人收藏（18 岁以上）", "SET"),
    CategorySpec("MINIF", "人仔"),
    CategorySpec("PART", "零配件"),
    CategorySpec("PART-BRICK", "基础砖", "PART"),
    CategorySpec("PART-PLATE", "薄板与底板", "PART"),
    CategorySpec("PART-TECH", "机械组件", "PART"),
    CategorySpec("GEAR", "周边"),
    CategorySpec("GEAR-KEY", "钥匙扣", "GEAR"),
    CategorySpec("GEAR-BOX", "收纳与展示", "GEAR"),
    CategorySpec("GEAR-BOOK", "图书", "GEAR"),
)


class _Catalog:
    """Collects products and SKUs as the builders add them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.barcodes = Ean13Issuer(COMPANY_PREFIX, rng)
        self.products: list[ProductSpec] = []
        self.skus: list[SkuSpec] = []

    def sku(self, product: str, code: str, name: str, price: Decimal, **extra) -> SkuSpec:
        sku = SkuSpec(
            product=product,
            code=code,
            name=name,
            list_price=cents(price),
            cost=cost_from_price(price, self.rng),
            barcodes=(self.barcodes.issue(),),
            **extra,
        )
        self.skus.append(sku)
        return sku


def _add_sets(catalog: _Catalog) -> None:
    rng = catalog.rng
    taken = {int(number) for number, _, _ in MINIFIGURE_WAVES}
    for theme in THEMES:
        allowed = range(theme.number_base + 100, theme.number_base + 1000)
        numbers = _unique(sorted(rng.sample(allowed, len(theme.sets))), allowed, taken)
        prices = [_set_price(theme, rng) for _ in theme.sets]
        prices[rng.randrange(len(prices))] = Decimal(theme.high)  # every theme has a hero set
        for number, name, price in zip(numbers, theme.sets, prices, strict=True):
            pieces = max(12, round(float(price) / theme.yuan_per_piece * rng.uniform(0.85, 1.15)))
            product = f"LG-{number}"
            catalog.products.append(
                ProductSpec(
                    product, f"{theme.name} {name}", theme.category, theme.code,
                    f"{theme.name}系列「{name}」，{pieces} 颗粒，适合 {theme.age} 岁。",
                )
            )  # fmt: skip
            catalog.sku(product, str(number), f"{theme.name} {name}", price,
                        spec=f"{pieces} 颗粒 · {theme.age}", unit="box")  # fmt: skip


def _unique(numbers: list[int], allowed: range, taken: set[int]) -> list[int]:
    """The drawn set numbers, each moved to the next free one in `allowed` if another theme or a
    minifigure wave has it already (rather than drawing again, which would change every later
    draw); `taken` grows by the numbers returned."""
    clear = []
    for number in numbers:
        while number in taken:
            number = allowed.start + (number + 1 - allowed.start) % len(allowed)
        taken.add(number)
        clear.append(number)
    return sorted(clear)


def _add_minifigures(catalog: _Catalog) -> None:
    for number, wave, figures in MINIFIGURE_WAVES:
        product = f"LG-{number}"
        title = f"人仔抽抽乐 {wave}"
        catalog.products.append(
            ProductSpec(product, title, "MINIF", "MINIF",
                        f"{title}：{len(figures)} 款人仔随机装，每盒 {BAGS_PER_BOX} 袋。")
        )  # fmt: skip
        catalog.sku(product, f"{number}-BAG", f"{title} 随机盲袋", BLIND_BAG_PRICE,
                    spec="随机 1 款", unit="bag")  # fmt: skip
        catalog.sku(product, f"{number}-BOX", f"{title} 整盒", BLIND_BAG_PRICE * BAGS_PER_BOX,
                    spec=f"{BAGS_PER_BOX} 袋", unit="box", pack_size=BAGS_PER_BOX)  # fmt: skip
        for index, figure in enumerate(figures, start=1):
            catalog.sku(product, f"{number}-{index:02d}", f"{title} 指定款 {figure}",
                        IDENTIFIED_FIGURE_PRICE, spec=f"{index:02d} {figure}")  # fmt: skip


def _add_parts(catalog: _Catalog) -> None:
    for code, name, category, price in ELEMENTS:
        product = f"PT-{code}"
        catalog.products.append(ProductSpec(product, name, category, "PART", f"单颗零件：{name}。"))
        for colour_code, colour in COLOURS:
            catalog.sku(product, f"PT-{code}-{colour_code}", f"{name} {colour}色", Decimal(price),
                        spec=colour)  # fmt: skip
    catalog.products.append(ProductSpec("PT-BP32", "底板 32×32", "PART-PLATE", "PART"))
    for colour_code, colour in BASEPLATES:
        catalog.sku("PT-BP32", f"PT-BP32-{colour_code}", f"底板 32×32 {colour}色", Decimal("49"),
                    spec=colour)  # fmt: skip
    for code, name, price in TECH_PACKS:
        product = f"PT-{code}"
        catalog.products.append(ProductSpec(product, name, "PART-TECH", "PART"))
        catalog.sku(product, f"PT-{code}-01", name, Decimal(price), unit="bag")


def _add_gear(catalog: _Catalog) -> None:
    for code, name, category, variants, price in GEAR:
        product = f"GR-{code}"
        catalog.products.append(ProductSpec(product, name, category, None))
        for index, variant in enumerate(variants, start=1):
            catalog.sku(product, f"GR-{code}-{index:02d}", f"{name} {variant}", Decimal(price),
                        spec=variant)  # fmt: skip


def _price_lists(skus: list[SkuSpec], rng: random.Random) -> tuple[PriceListSpec, ...]:
    sets = [s for s in skus if s.code.isdigit()]  # boxed sets are coded by their set number
    online = sorted(rng.sample(sets, 30), key=lambda s: s.code)
    in_store = sorted(rng.sample(sets, 8), key=lambda s: s.code)
    online_shares = [Decimal(rng.choice(("0.9", "0.92", "0.95"))) for _ in online]
    return (
        PriceListSpec(
            "LG-ONLINE", "线上商城价", None, "online_mall",
            tuple(
                (s.code, discounted(s.list_price, share))
                for s, share in zip(online, online_shares, strict=True)
            ),
        ),
        PriceListSpec(
            "LG-SH01-ANNIV", "南京东路旗舰店 周年庆特价", "LG-SH01", "",
            tuple((s.code, discounted(s.list_price, Decimal("0.85"))) for s in in_store),
            days=30,
        ),
    )  # fmt: skip


def _daily_demand(sku: SkuSpec, category: str) -> float:
    """Units a day an average store sells: blind bags and cheap sets fly, collector sets crawl."""
    if sku.code.endswith("-BAG"):
        return 1.2
    if category.startswith("SET"):
        return min(0.12, 5 / float(sku.list_price))
    if category.startswith("PART") and sku.unit == "pc":
        return 0.1  # single bricks go by the handful from the pick-a-brick wall
    return 0.06 if category == "GEAR-KEY" else 0.03


def _basket(sku: SkuSpec, category: str) -> int:
    if sku.code.endswith("-BAG"):
        return 3
    return 8 if category.startswith("PART") and sku.unit == "pc" else 1


def _warehouse_only(sku: SkuSpec, category: str) -> bool:
    """The dearest collector sets are kept in the central warehouse and ordered in on request."""
    return category == "SET-ADULT" and sku.list_price >= 2499


STOCK = StockProfile(
    demand=_daily_demand, warehouse_only=_warehouse_only, basket=_basket, dormant=8
)


def build_lego_plan(seed: int) -> Plan:
    rng = random.Random(seed)
    catalog = _Catalog(rng)
    _add_sets(catalog)
    _add_minifigures(catalog)
    _add_parts(catalog)
    _add_gear(catalog)
    stores = _stores()
    return Plan(
        scenario="lego",
        chain_name=CHAIN,
        store_prefix=PREFIX,
        regions=(RegionSpec("SH", "上海区"), RegionSpec("ZJ", "浙江区")),
        stores=stores,
        warehouses=(
            WarehouseSpec("LG-RDC-SH", "上海区域仓（嘉定）", "regional_warehouse", "SH"),
            WarehouseSpec("LG-CDC", "华东中心仓（昆山）", "central_warehouse", None),
        ),
        categories=CATEGORIES,
        series=(
            *(SeriesSpec(t.code, t.name) for t in THEMES),
            SeriesSpec("MINIF", "人仔"),
            SeriesSpec("PART", "零配件"),
        ),
        products=tuple(catalog.products),
        skus=tuple(catalog.skus),
        price_lists=_price_lists(catalog.skus, rng),
        users=demo_staff([store.code for store in stores]),
        stock=STOCK,
    )
