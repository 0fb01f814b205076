"""Random days in a small office: whatever happens, the office's rules hold.

A hypothesis state machine drives the core with connects, drops, joins, locks, knocks,
taps, ticks and room changes by anyone (refusals are part of the game), and after every
step checks the invariants and that a Mirror fed every delivery matches the server.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from rooms.errors import OfficeError
from rooms.knock import Resolution
from rooms.mirror import Mirror
from rooms.office import Office, Outcome, Rules
from rooms.people import Person, Role
from rooms.presence import Availability, Link
from rooms.protocol import (
    AnswerKnock,
    AnswerTap,
    CreateRoom,
    DeleteRoom,
    JoinRoom,
    KnockOn,
    KnockResolved,
    LeaveRoom,
    LockRoom,
    OfficeRequest,
    PresenceChanged,
    RoomSpec,
    SendChat,
    SetPresence,
    StateEvent,
    TapPerson,
    TapResolved,
)
from rooms.room import Access, Room
from rooms.site import Site
from rooms.state import OfficeState

T0 = 1_700_000_000.0

PEOPLE = [
    Person(id="ada", display_name="Ada", role=Role.ADMIN),
    Person(id="eri", display_name="Eri", role=Role.ADMIN),
    Person(id="mika", display_name="Mika", role=Role.MANAGER),
    Person(id="ken", display_name="Ken"),
    Person(id="yui", display_name="Yui"),
    Person(id="sora", display_name="Sora"),
    Person(id="taro", display_name="Taro"),
    Person(id="hana", display_name="Hana"),
]
ROOMS = [
    Room(id="lobby", name="Lobby", capacity=4),
    Room(id="focus", name="Focus", capacity=3),
    Room(
        id="board",
        name="Board",
        capacity=2,
        access=Access.PRIVATE,
        members=frozenset({"ada", "ken", "yui"}),
    ),
    Room(id="vault", name="Vault", capacity=3, locked=True),
]
SITES = [Site(id="tono", name="Tono")]

PIDS = [p.id for p in PEOPLE]
people = st.sampled_from(PIDS)
picks = st.integers(0, 15)  # an index into whatever there is to choose from


class OfficeDay(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.office = Office(Rules(knock_timeout=120, tap_timeout=120, reconnect_grace=30))
        self.office.load(PEOPLE, ROOMS, SITES)
        self.now = T0
        # one mirror sees every delivery; Ken's sees only what is addressed to him
        self.mirror = Mirror()
        self.mirror.load(self.office.snapshot("ada"))
        self.kens = Mirror()
        self.kens.load(self.office.snapshot("ken"))

    # ------------------------------------------------------------ running outcomes

    @property
    def state(self) -> OfficeState:
        return self.office.state

    def request(
        self, actor: str, request: OfficeRequest, *, let_in: str | None = None
    ) -> Outcome | None:
        """Decide and commit; `let_in` may enter a locked room through this request.

        Like the server, only people with a live connection send requests.
        """
        if self.state.presence_of(actor).link is not Link.ONLINE:
            return None
        try:
            outcome = self.office.decide(actor, request, self.now)
        except OfficeError as exc:
            event(f"refused {type(request).__name__}: {exc.code}")
            return None
        event(f"done {type(request).__name__}" + (" (let in)" if let_in else ""))
        self.commit(outcome, let_in=let_in)
        return outcome

    def commit(self, outcome: Outcome, *, let_in: str | None = None) -> None:
        before = self.state
        rooms_before = dict(before.rooms)
        where_before = {pid: before.room_of(pid) for pid in PIDS}
        knocks_before = set(before.knocks)
        taps_before = set(before.taps)
        seq = before.seq
        resolved: set[str] = set()
        for delivery in outcome.deliveries:
            message = delivery.event
            if isinstance(message, StateEvent):
                seq += 1
                assert message.seq == seq, "state events are numbered one by one"
                assert delivery.to is None, "everyone sees the office change"
            if isinstance(message, PresenceChanged):
                pid, room_id = message.person_id, message.presence.room_id
                room = rooms_before.get(room_id) if room_id is not None else None
                if room is not None and room.locked and room_id != where_before[pid]:
                    # the only ways through a locked door: admitted, or called in
                    assert pid == let_in, f"{pid} walked into locked {room_id}"
            if isinstance(message, KnockResolved):
                assert message.knock_id in knocks_before
                assert message.knock_id not in resolved, "a knock is resolved once"
                resolved.add(message.knock_id)
            if isinstance(message, TapResolved):
                assert message.tap_id in taps_before
                assert message.tap_id not in resolved, "a tap is resolved once"
                resolved.add(message.tap_id)
        for delivery in self.office.commit(outcome):
            assert delivery.to is None or delivery.to, "nobody to deliver to"
            assert self.mirror.receive(delivery.event)
            if delivery.to is None or "ken" in delivery.to:
                assert self.kens.receive(delivery.event)

    # ------------------------------------------------------------ links and time

    @initialize(
        online=st.frozensets(people, min_size=5),
        seats=st.lists(picks, min_size=len(PIDS), max_size=len(PIDS)),
    )
    def morning(self, online: frozenset[str], seats: list[int]) -> None:
        """Most people sign in, and most of those go to a room (or try to)."""
        for pid in sorted(online):
            self.commit(self.office.connect(pid, self.now))
        for pid, seat in zip(PIDS, seats, strict=True):
            if seat % 4:
                self.join(pid, seat)

    @rule(pid=people, how=st.sampled_from(["connect", "drop", "sign out"]))
    def link(self, pid: str, how: str) -> None:
        if how == "connect":
            self.commit(self.office.connect(pid, self.now))
        else:
            signed_out = how == "sign out"
            self.commit(self.office.disconnect(pid, self.now, signed_out=signed_out))

    @rule(seconds=st.sampled_from([0, 1, 10, 29, 30, 31, 60, 119, 120, 121]))
    def tick(self, seconds: int) -> None:
        self.now += seconds
        self.commit(self.office.tick(self.now))

    # ------------------------------------------------------------ choosing
    # Rules pick among what exists (and now and then something that does not), so that
    # random runs reach the interesting paths: full rooms, locked doors, answers.

    def _room(self, pick: int, *, first: list[str] | None = None) -> str:
        choices = [*(first or []), *sorted(self.state.rooms), "attic"]
        return choices[pick % len(choices)]

    def _online(self) -> list[str]:
        return [pid for pid in PIDS if self.state.presence_of(pid).link is Link.ONLINE]

    def _someone_outside(self, room_id: str, pick: int) -> str:
        outside = [pid for pid in self._online() if self.state.room_of(pid) != room_id]
        choices = [*outside * 3, *PIDS]
        return choices[pick % len(choices)]

    def _someone_in_a_room(self, pick: int) -> str:
        inside = [pid for pid in self._online() if self.state.room_of(pid) is not None]
        choices = [*inside * 3, *PIDS]
        return choices[pick % len(choices)]

    # ------------------------------------------------------------ rooms

    @rule(pid=people, pick=picks)
    def join(self, pid: str, pick: int) -> None:
        self.request(pid, JoinRoom(id=1, room_id=self._room(pick)))

    @rule(pid=people)
    def leave(self, pid: str) -> None:
        self.request(pid, LeaveRoom(id=1))

    @rule(who=picks, pick=picks, locked=st.sampled_from([True, True, False]))
    def lock(self, who: int, pick: int, locked: bool) -> None:
        pid = self._someone_in_a_room(who)
        mine = self.state.room_of(pid)
        room_id = self._room(pick, first=[mine] * 8 if mine else None)
        self.request(pid, LockRoom(id=1, room_id=room_id, locked=locked))

    @rule(pid=people, availability=st.sampled_from(list(Availability)))
    def set_availability(self, pid: str, availability: Availability) -> None:
        self.request(pid, SetPresence(id=1, availability=availability))

    @rule(pick=picks)
    def chat(self, pick: int) -> None:
        pid = self._someone_in_a_room(pick)
        outcome = self.request(pid, SendChat(id=1, text="hello"))
        if outcome is not None:
            (delivery,) = outcome.deliveries
            assert delivery.to == self.state.occupants_of(self.state.room_of(pid) or "")

    @rule(
        pid=people,
        room_id=st.sampled_from(["lab", "den", "lobby"]),
        capacity=st.integers(1, 3),
        access=st.sampled_from(list(Access)),
        members=st.frozensets(people, max_size=4),
    )
    def create_room(
        self, pid: str, room_id: str, capacity: int, access: Access, members: frozenset[str]
    ) -> None:
        spec = RoomSpec(
            id=room_id, name=room_id.title(), capacity=capacity, access=access, members=members
        )
        self.request(pid, CreateRoom(id=1, room=spec))

    @rule(pid=people, pick=picks)
    def delete_room(self, pid: str, pick: int) -> None:
        self.request(pid, DeleteRoom(id=1, room_id=self._room(pick)))

    # ------------------------------------------------------------ knocks and taps

    @rule(who=picks, pick=picks)
    def knock(self, who: int, pick: int) -> None:
        st_ = self.state
        doors = sorted(r.id for r in st_.rooms.values() if r.locked and st_.occupants_of(r.id))
        room_id = self._room(pick, first=doors * 4)
        self.request(self._someone_outside(room_id, who), KnockOn(id=1, room_id=room_id))

    @rule(pick=picks, who=picks, admit=st.booleans())
    def answer_knock(self, pick: int, who: int, admit: bool) -> None:
        knocks = sorted(self.state.knocks.values(), key=lambda k: k.id)
        if not knocks:
            self.request(PIDS[who % len(PIDS)], AnswerKnock(id=1, knock_id="gone", admit=admit))
            return
        knock = knocks[pick % len(knocks)]
        # mostly someone inside answers; now and then anyone tries
        candidates = [*sorted(self.state.occupants_of(knock.room_id)) * 3, *PIDS]
        pid = candidates[who % len(candidates)]
        inside = self.state.occupants_of(knock.room_id)
        let_in = knock.person_id if admit else None
        request = AnswerKnock(id=1, knock_id=knock.id, admit=admit)
        if self.request(pid, request, let_in=let_in) is not None:
            assert pid in inside, "only people inside answer"
            assert knock.id not in self.state.knocks
            assert (self.state.room_of(knock.person_id) == knock.room_id) is admit

    @rule(pick=picks, callee=people)
    def tap(self, pick: int, callee: str) -> None:
        self.request(self._someone_in_a_room(pick), TapPerson(id=1, person_id=callee))

    @rule(pick=picks, accept=st.booleans(), wrong=st.sampled_from([None, None, None, *PIDS]))
    def answer_tap(self, pick: int, accept: bool, wrong: str | None) -> None:
        taps = sorted(self.state.taps.values(), key=lambda t: t.id)
        if not taps:
            self.request(wrong or "ken", AnswerTap(id=1, tap_id="gone", accept=accept))
            return
        tap = taps[pick % len(taps)]
        actor = wrong or tap.to_id
        outcome = self.request(actor, AnswerTap(id=1, tap_id=tap.id, accept=accept), let_in=actor)
        if outcome is not None:
            assert actor == tap.to_id, "only the tapped person answers"
            assert tap.id not in self.state.taps
            resolution = next(
                e.resolution
                for d in outcome.deliveries
                if isinstance(e := d.event, TapResolved) and e.tap_id == tap.id
            )
            expected = Resolution.ACCEPTED if accept else Resolution.DECLINED
            assert resolution is expected
            assert (self.state.room_of(actor) == tap.room_id) is accept

    # ------------------------------------------------------------ whole exchanges
    # A knock or a tap and its answer in one rule, so that runs reach the answers often;
    # each request still goes through `request` and its checks.

    @rule(host=picks, guest=picks, answer=st.sampled_from(["admit", "decline", "unlock"]))
    def knock_and_answer(self, host: int, guest: int, answer: str) -> None:
        pid = self._someone_in_a_room(host)
        room_id = self.state.room_of(pid)
        if room_id is None:
            return
        guest_id = self._someone_outside(room_id, guest)
        self.request(pid, LockRoom(id=1, room_id=room_id, locked=True))
        made = self.request(guest_id, KnockOn(id=1, room_id=room_id))
        if made is None or made.ref is None:
            return
        if answer == "unlock":
            # the host opens the door instead, and the guest walks in
            self.request(pid, LockRoom(id=1, room_id=room_id, locked=False))
            if self.request(guest_id, JoinRoom(id=1, room_id=room_id)) is not None:
                event("knock made moot by an open door")
                assert made.ref not in self.state.knocks
            return
        admit = answer == "admit"
        request = AnswerKnock(id=1, knock_id=made.ref, admit=admit)
        if self.request(pid, request, let_in=guest_id if admit else None) is not None:
            event(f"knock answered: {answer}")
            assert (self.state.room_of(guest_id) == room_id) is admit
            assert made.ref not in self.state.knocks

    @rule(host=picks, guest=picks, accept=st.booleans(), lock=st.booleans())
    def tap_and_answer(self, host: int, guest: int, accept: bool, lock: bool) -> None:
        pid = self._someone_in_a_room(host)
        room_id = self.state.room_of(pid)
        if room_id is None:
            return
        guest_id = self._someone_outside(room_id, guest)
        if lock:
            self.request(pid, LockRoom(id=1, room_id=room_id, locked=True))
        made = self.request(pid, TapPerson(id=1, person_id=guest_id))
        if made is not None and made.ref is not None:
            request = AnswerTap(id=1, tap_id=made.ref, accept=accept)
            answered = self.request(guest_id, request, let_in=guest_id)
            if answered is not None:
                event("tap answered: " + ("accepted" if accept else "declined"))
                assert (self.state.room_of(guest_id) == room_id) is accept
                assert made.ref not in self.state.taps

    # ------------------------------------------------------------ invariants

    @invariant()
    def everyone_is_in_at_most_one_room(self) -> None:
        st_ = self.state
        seen: set[str] = set()
        for room_id, occupants in st_.occupants.items():
            assert not occupants & seen, f"someone is in two rooms, one of them {room_id}"
            seen |= occupants
            for pid in occupants:
                assert st_.room_of(pid) == room_id
        for pid, presence in st_.presence.items():
            if presence.room_id is not None:
                assert presence.room_id in st_.rooms, f"{pid} is in a room that is gone"
                assert pid in st_.occupants[presence.room_id]

    @invariant()
    def the_occupants_index_matches_presence(self) -> None:
        rebuilt: dict[str, set[str]] = {room_id: set() for room_id in self.state.rooms}
        for pid, presence in self.state.presence.items():
            if presence.room_id is not None:
                rebuilt.setdefault(presence.room_id, set()).add(pid)
        assert self.state.occupants == rebuilt

    @invariant()
    def rooms_respect_capacity_and_membership(self) -> None:
        for room in self.state.rooms.values():
            occupants = self.state.occupants_of(room.id)
            assert len(occupants) <= room.capacity, f"{room.id} is over capacity"
            if room.access is Access.PRIVATE:
                assert occupants <= room.members, f"a stranger is in private {room.id}"

    @invariant()
    def only_people_online_or_reconnecting_are_in_rooms(self) -> None:
        for pid, presence in self.state.presence.items():
            if presence.room_id is not None:
                assert presence.link is not Link.OFFLINE, f"{pid} is offline in a room"

    @invariant()
    def pending_knocks_and_taps_make_sense(self) -> None:
        st_ = self.state
        knockers = [k.person_id for k in st_.knocks.values()]
        assert len(knockers) == len(set(knockers)), "one knock per person"
        for knock in st_.knocks.values():
            assert knock.room_id in st_.rooms
            assert st_.occupants_of(knock.room_id), "a knock waits with nobody to answer"
            assert st_.room_of(knock.person_id) != knock.room_id, "the knocker is already in"
        for tap in st_.taps.values():
            assert st_.room_of(tap.from_id) == tap.room_id, "the tapper left but the tap waits"
            assert st_.room_of(tap.to_id) != tap.room_id, "the tapped person is already there"

    @invariant()
    def the_mirror_matches_the_server(self) -> None:
        mirror, server = self.mirror.state, self.state
        assert self.mirror.synced
        assert mirror.seq == server.seq
        assert mirror.people == server.people
        assert mirror.presence == server.presence
        assert mirror.rooms == server.rooms
        assert mirror.sites == server.sites
        assert mirror.occupants == server.occupants
        assert mirror.taps == server.taps
        # a mirror forgets knocks on doors its owner (Ada) is not behind
        assert set(mirror.knocks) <= set(server.knocks)
        for knock in server.knocks.values():
            if knock.person_id == "ada" or server.room_of("ada") == knock.room_id:
                assert mirror.knocks[knock.id] == knock

    @invariant()
    def kens_mirror_matches_on_what_everyone_sees(self) -> None:
        kens, server = self.kens.state, self.state
        assert self.kens.synced
        assert kens.seq == server.seq
        assert kens.people == server.people
        assert kens.presence == server.presence
        assert kens.rooms == server.rooms
        assert kens.occupants == server.occupants
        # he hears of every knock and tap he is part of, and of none that is over
        for knock in server.knocks.values():
            if knock.person_id == "ken":
                assert kens.knocks[knock.id] == knock
        for tap in server.taps.values():
            if "ken" in (tap.from_id, tap.to_id):
                assert kens.taps[tap.id] == tap
        assert set(kens.knocks) <= set(server.knocks), "a knock Ken saw ended without him"
        assert set(kens.taps) <= set(server.taps), "a tap Ken saw ended without him"

    @invariant()
    def a_fresh_snapshot_matches_too(self) -> None:
        fresh = Mirror()
        fresh.load(self.office.snapshot("ken"))
        assert fresh.state.presence == self.state.presence
        assert fresh.state.rooms == self.state.rooms
        assert fresh.state.occupants == self.state.occupants
        assert fresh.state.seq == self.state.seq


OfficeDay.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestOfficeDay = OfficeDay.TestCase
