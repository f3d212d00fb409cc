"""The demo chain's members as plain data: the programme (tiers, campaign, activities, rewards,
a paid plan, tags), a few hundred members with deterministic names, phones and birthdays, and
which of the seeded tickets each of them rang up.

Growth and points come mostly from the real checkouts of the sales history (a share of the
tickets carry a member). What a member brought from before the history is a migrated opening
balance (growth in the window, points lots — some about to expire). A few members are kept off
the tills with an opening growth just short of the next tier: the "nearly there" story.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from storeos.demo.plan import Plan
from storeos.demo.sales_plan import TicketSpec

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "浩然",
    "子轩",
    "欣怡",
    "梓涵",
    "宇航",
    "一诺",
    "思远",
    "雨桐",
    "晨曦",
    "佳怡",
    "俊杰",
    "嘉懿",
    "若汐",
    "博文",
    "诗涵",
    "天佑",
    "梦琪",
    "昊天",
    "雅静",
    "文博",
    "可馨",
]
PHONE_PREFIXES = (
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "186",
    "187",
    "188",
)
TICKET_SHARE = 0.35  # of the till tickets a member scanned their code on
HOME_STORE_SHARE = 0.8  # of a member's tickets at their home store


@dataclass(frozen=True)
class TierSpec:
    code: str
    name: str
    upgrade: int
    retention: int
    discount: str
    multiplier: str
    gift_wrapping: bool = False
    priority_booking: bool = False
    birthday_coupon: str = "0"  # yuan off the birthday coupon ("0": none)


@dataclass(frozen=True)
class RewardSpec:
    code: str
    name: str
    kind: str  # RewardKind: goods | coupon | experience
    points: int
    stock: int = 0  # goods
    coupon_value: str = "0"  # coupon: yuan off
    min_tier: int = 0
    sessions: int = 0  # experience: sessions at the first store, a week apart
    capacity: int = 0


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    tiers: tuple[TierSpec, ...]
    campaign: tuple[str, str, tuple[int, ...]]  # (name, multiplier, weekdays), in store only
    activities: tuple[tuple[str, str, int, int], ...]  # (code, name, points, times a day)
    rewards: tuple[RewardSpec, ...]
    plan: tuple[str, str, int, str, str, str]  # (code, name, days, fee, multiplier, discount)
    tags: tuple[tuple[str, str, dict], ...]  # (code, name, rule)
    referral_points: int
    tier_mix: tuple[int, ...]  # how many of every 100 members start in each tier


@dataclass(frozen=True)
class MemberSpec:
    index: int
    name: str
    phone: str
    birthday: dt.date
    home_store: str
    channel: str  # pos | online_mall | mini_program
    joined_at: dt.datetime
    opening_growth: int  # migrated growth value, dated between joining and the history
    opening_points: int  # migrated points, expiring at the programme's usual date
    expiring_points: int  # migrated points that expire within the month
    expiring_in_days: int
    consent: bool
    referrer: int | None  # another member's index
    near_boundary: bool  # kept off the tills, just short of the next tier
    shopper: float  # how often they shop, relative


@dataclass(frozen=True)
class MembersPlan:
    programme: ProgrammeSpec
    members: tuple[MemberSpec, ...]
    ticket_members: dict[str, int]  # ticket number → member index
    ticket_coupons: dict[str, str]  # ticket number → coupon template code (claimed online)
    redeemers: tuple[int, ...]  # members who spend points on a reward
    subscribers: tuple[int, ...]  # members who buy the paid plan today
    active: tuple[int, ...]  # members who sign in, review and share photos in the app


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phones(rng: random.Random, count: int) -> list[str]:
    phones: set[str] = set()
    out = []
    while len(out) < count:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in phones:
            phones.add(phone)
            out.append(phone)
    return out


def _birthday(rng: random.Random, today: dt.date, this_month: bool) -> dt.date:
    year = today.year - rng.randint(22, 58)
    month = today.month if this_month else rng.randint(1, 12)
    return dt.date(year, month, rng.randint(1, 28))


def _opening_growth(rng: random.Random, tiers: tuple[TierSpec, ...], rank: int) -> int:
    """Growth that puts a member in tier `rank`, with room below the next one."""
    low = tiers[rank].upgrade
    high = tiers[rank + 1].upgrade if rank + 1 < len(tiers) else low * 2
    return rng.randint(low, low + int((high - low) * 0.6))


def _members(
    rng: random.Random, plan: Plan, programme: ProgrammeSpec, count: int, now: dt.datetime
) -> list[MemberSpec]:
    today = now.date()
    stores = [spec.code for spec in plan.stores]
    phones = _phones(rng, count)
    tiers = programme.tiers
    ranks = [rank for rank, share in enumerate(programme.tier_mix) for _ in range(share)]
    members = []
    for index in range(count):
        near = index % 40 == 7  # a few, spread over the list
        rank = rng.choice(ranks)
        if near:
            rank = min(rank, len(tiers) - 2)
        new = not near and rng.random() < 0.1  # joined during the history
        days = rng.randint(2, 58) if new else rng.randint(75, 900)
        joined = now - dt.timedelta(days=days, seconds=rng.randrange(8 * 3600))
        if near:
            growth = int(tiers[rank + 1].upgrade * rng.uniform(0.91, 0.97))
        else:
            growth = 0 if new else _opening_growth(rng, tiers, rank)
        expiring = not new and (near or rng.random() < 0.15)
        referrer = None
        if index > 20 and rng.random() < 0.06:
            referrer = rng.randrange(index)
        members.append(
            MemberSpec(
                index=index,
                name=_name(rng),
                phone=phones[index],
                birthday=_birthday(rng, today, this_month=index % 25 == 3),
                home_store=rng.choices(stores, [3] + [2] * (len(stores) - 1))[0],
                channel=rng.choices(("pos", "mini_program", "online_mall"), (6, 3, 1))[0],
                joined_at=joined,
                opening_growth=growth,
                opening_points=0 if new else rng.randint(50, 60 + growth // 4),
                expiring_points=rng.randint(80, 600) if expiring else 0,
                expiring_in_days=rng.randint(4, 27),
                consent=rng.random() < 0.7,
                referrer=referrer,
                near_boundary=near,
                shopper=rng.choice((0.3, 0.6, 1.0, 1.0, 1.5, 2.5)) * (1 + rank * 0.5),
            )
        )
    # Referrers joined before the members they brought in.
    return [
        m
        if m.referrer is None or members[m.referrer].joined_at < m.joined_at
        else _without_referrer(m)
        for m in members
    ]


def _without_referrer(member: MemberSpec) -> MemberSpec:
    from dataclasses import replace

    return replace(member, referrer=None)


def _assign_tickets(
    rng: random.Random, members: list[MemberSpec], tickets: tuple[TicketSpec, ...]
) -> dict[str, int]:
    """A share of the tickets gets a member who had joined by then, mostly one of the store's."""
    shoppers = [m for m in members if not m.near_boundary]
    by_store: dict[str, list[MemberSpec]] = {}
    for member in shoppers:
        by_store.setdefault(member.home_store, []).append(member)
    out = {}
    for ticket in tickets:
        if rng.random() >= TICKET_SHARE:
            continue
        pool = by_store.get(ticket.store, shoppers)
        if rng.random() >= HOME_STORE_SHARE:
            pool = shoppers
        pool = [m for m in pool if m.joined_at < ticket.at]
        if pool:
            out[ticket.number] = rng.choices(pool, [m.shopper for m in pool])[0].index
    return out


def build_members_plan(
    plan: Plan,
    *,
    programme: ProgrammeSpec,
    count: int,
    seed: int,
    now: dt.datetime,
    tickets: tuple[TicketSpec, ...],
    coupon_tickets: dict[str, str] | None = None,
) -> MembersPlan:
    """`coupon_tickets`: the member tickets paid with a claimed coupon (see promotions_plan)."""
    rng = random.Random(f"{plan.scenario}-members-{seed}")
    members = _members(rng, plan, programme, count, now)
    ticket_members = _assign_tickets(rng, members, tickets)
    ordinary = [m.index for m in members if not m.near_boundary and not m.expiring_points]
    redeemers = tuple(sorted(rng.sample(ordinary, min(12, len(ordinary)))))
    rest = [i for i in ordinary if i not in redeemers]
    subscribers = tuple(sorted(rng.sample(rest, min(3, len(rest)))))
    active = tuple(sorted(rng.sample(range(len(members)), len(members) // 5)))
    return MembersPlan(
        programme=programme,
        members=tuple(members),
        ticket_members=ticket_members,
        ticket_coupons=dict(coupon_tickets or {}),
        redeemers=redeemers,
        subscribers=subscribers,
        active=active,
    )


def coupon_tickets_pick(
    *,
    tickets: tuple[TicketSpec, ...],
    ticket_members: dict[str, int],
    prices: dict[str, Decimal],
    template: str,
    min_spend: Decimal,
    now: dt.datetime,
    seed: str,
    count: int = 8,
) -> dict[str, str]:
    """Member tickets of the last three weeks well above the coupon's minimum spend: the
    customer claimed the coupon online and scanned it at the till ("claim online, use in store")."""
    rng = random.Random(seed)
    fits = [
        t.number
        for t in tickets
        if t.number in ticket_members
        and now - dt.timedelta(days=21) < t.at < now - dt.timedelta(days=1)
        and sum(prices[code] * n for code, n in t.lines) >= 2 * min_spend
    ]
    picked = rng.sample(fits, min(count, len(fits)))
    return {number: template for number in sorted(picked)}


LEGO_PROGRAMME = ProgrammeSpec(
    code="LEGO-VIP",
    name="砖块工坊会员俱乐部",
    tiers=(
        TierSpec("bronze", "铜卡", 0, 0, "0", "1", birthday_coupon="10"),
        TierSpec("silver", "银卡", 1000, 600, "0.02", "1.2", birthday_coupon="30"),
        TierSpec("gold", "金卡", 3000, 2000, "0.05", "1.5", True, False, "50"),
        TierSpec("diamond", "钻石卡", 8000, 6000, "0.08", "2", True, True, "100"),
    ),
    campaign=("周末门店 1.5 倍积分", "1.5", (5, 6)),
    activities=(
        ("sign_in", "每日签到", 5, 1),
        ("review", "商品评价", 20, 2),
        ("build_photo", "晒拼搭作品", 30, 1),
        ("survey", "问卷调查", 20, 1),
        ("referral", "推荐好友", 200, 0),
        ("event", "参加线下活动", 100, 1),
    ),
    rewards=(
        RewardSpec("R-KEYCHAIN", "人仔钥匙扣", "goods", 800, stock=60),
        RewardSpec("R-BRICKBOX", "积木收纳盒", "goods", 2500, stock=20, min_tier=1),
        RewardSpec("R-COUPON20", "20 元无门槛券", "coupon", 2000, coupon_value="20"),
        RewardSpec("R-CLASS", "周末拼搭课（亲子）", "experience", 1500, sessions=4, capacity=12),
    ),
    plan=("LEGO-PLUS", "砖块 Plus 年卡", 365, "199.00", "1.5", "0.03"),
    tags=(
        (
            "technic_fan",
            "机械组爱好者",
            {"scope": "series", "code": "TECH", "min_count": 3, "days": 180},
        ),
        (
            "city_fan",
            "城市组爱好者",
            {"scope": "series", "code": "CITY", "min_count": 3, "days": 180},
        ),
        (
            "minifig_collector",
            "人仔收藏家",
            {"scope": "category", "code": "MINIF", "min_count": 3, "days": 180},
        ),
    ),
    referral_points=200,
    tier_mix=(45, 30, 18, 7),
)

LIQUOR_PROGRAMME = ProgrammeSpec(
    code="JY-VIP",
    name="久悦会员",
    tiers=(
        TierSpec("silver", "银卡", 0, 0, "0", "1", birthday_coupon="20"),
        TierSpec("gold", "金卡", 5000, 3000, "0.03", "1.5", True, False, "100"),
        TierSpec("black", "黑卡", 20000, 15000, "0.06", "2", True, True, "300"),
    ),
    campaign=("周末门店 1.5 倍积分", "1.5", (5, 6)),
    activities=(
        ("sign_in", "每日签到", 5, 1),
        ("review", "商品评价", 20, 2),
        ("survey", "问卷调查", 30, 1),
        ("referral", "推荐好友", 300, 0),
        ("event", "品鉴会签到", 100, 1),
    ),
    rewards=(
        RewardSpec("R-GLASS", "水晶品鉴杯（对）", "goods", 3000, stock=40),
        RewardSpec("R-COUPON50", "50 元无门槛券", "coupon", 5000, coupon_value="50"),
        RewardSpec(
            "R-TASTING", "酱香白酒品鉴会", "experience", 4000, min_tier=1, sessions=3, capacity=16
        ),
    ),
    plan=("JY-PLUS", "久悦尊享年卡", 365, "299.00", "1.5", "0.02"),
    tags=(
        (
            "baijiu_lover",
            "白酒爱好者",
            {"scope": "category", "code": "BAIJIU", "min_count": 3, "days": 180},
        ),
        (
            "wine_lover",
            "葡萄酒爱好者",
            {"scope": "category", "code": "WINE", "min_count": 3, "days": 180},
        ),
        ("tea_lover", "茶友", {"scope": "category", "code": "TEA", "min_count": 3, "days": 180}),
    ),
    referral_points=300,
    tier_mix=(60, 30, 10),
)

PROGRAMMES = {"lego": (LEGO_PROGRAMME, 300), "liquor": (LIQUOR_PROGRAMME, 200)}
