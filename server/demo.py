"""The demo office: 10 rooms, 3 satellite sites and 12 people in two teams, every role."""

from __future__ import annotations

from typing import Final

from rooms.people import Person, Role
from rooms.room import Access, Room
from rooms.site import Site

# Demo only: `init --demo` prints it, and it is meant for a local trial office.
DEMO_PASSWORD: Final = "yoriai-demo"  # noqa: S105

DEMO_PEOPLE: Final = (
    Person(id="aiko", display_name="佐藤 愛子 (Aiko Sato)", team="support", role=Role.ADMIN),
    Person(id="kenji", display_name="鈴木 健二 (Kenji Suzuki)", team="support", role=Role.MANAGER),
    Person(id="yui", display_name="高橋 結衣 (Yui Takahashi)", team="support"),
    Person(id="haruto", display_name="田中 陽翔 (Haruto Tanaka)", team="support"),
    Person(id="mei", display_name="伊藤 芽衣 (Mei Ito)", team="support"),
    Person(id="sota", display_name="渡辺 蒼太 (Sota Watanabe)", team="support"),
    Person(id="emma", display_name="Emma Wilson", team="dev", role=Role.MANAGER, language="en"),
    Person(id="riku", display_name="山本 陸 (Riku Yamamoto)", team="dev"),
    Person(id="hana", display_name="中村 花 (Hana Nakamura)", team="dev"),
    Person(id="minjun", display_name="김민준 (Minjun Kim)", team="dev", language="ko"),
    Person(id="wei", display_name="王伟 (Wei Wang)", team="dev", language="zh-Hans"),
    Person(id="daichi", display_name="小林 大地 (Daichi Kobayashi)", team="dev"),
)

_MANAGEMENT: Final = frozenset(p.id for p in DEMO_PEOPLE if p.role is not Role.MEMBER)

DEMO_ROOMS: Final = (
    Room(id="lobby", name="ロビー Lobby", capacity=30),
    *(Room(id=f"room-{n}", name=f"会議室 {n} Room {n}", capacity=8) for n in range(1, 8)),
    Room(
        id="management",
        name="管理者室 Management",
        capacity=6,
        access=Access.PRIVATE,
        members=_MANAGEMENT,
    ),
    Room(id="focus", name="集中ブース Focus booth", capacity=4, locked=True),
)

DEMO_SITES: Final = (
    Site(
        id="tono",
        name="遠野サテライトオフィス Tono satellite",
        region="Iwate",
        seats=12,
        operator="遠野市 Tono City",
        seat_names=("A1", "A2", "A3", "B1", "B2", "B3"),
        # The demo runs on one machine: its own loopback stands in for the site's network.
        networks=("127.0.0.0/8",),
        closes="20:00",
    ),
    Site(
        id="kamiyama",
        name="神山サテライトオフィス Kamiyama satellite",
        region="Tokushima",
        seats=20,
        operator="神山町 Kamiyama Town",
        closes="21:00",
    ),
    Site(
        id="shirahama",
        name="白浜ワーケーション Shirahama workation",
        region="Wakayama",
        seats=15,
        operator="白浜町 Shirahama Town",
    ),
)
