"""A safety roll-call from start to answers to end, on a real server with every role."""

from __future__ import annotations

import pytest

from client.rollcall import RollCallModel
from client.session import SessionError
from client.sites import SiteDesk
from rooms.rollcall import Safety

from .support import AT_TONO, HOME, PEOPLE, SitesOffice


async def test_a_roll_call_from_start_to_answers(sites: SitesOffice) -> None:
    sessions = {p.id: await sites.session(p.id) for p in PEOPLE}
    models = {pid: RollCallModel(s, lang="en") for pid, s in sessions.items()}
    with pytest.raises(SessionError) as info:
        await SiteDesk(sessions["mika"]).start_rollcall("not mine to start")
    assert info.value.code == "forbidden"

    await sessions["ken"].check_in(AT_TONO)
    ada = SiteDesk(sessions["ada"])
    await ada.start_rollcall("震度6弱の地震 / earthquake")
    # every client shows the banner
    for pid, model in models.items():
        await sessions[pid].wait_until(lambda m=model: m.active is not None)
        assert model.banner() == "Safety roll-call: 震度6弱の地震 / earthquake Please answer."

    mika, sam = models["mika"], models["sam"]
    await mika.refresh()
    await sam.refresh()
    assert mika.unanswered == ["ken", "mika", "yui"]
    assert sam.unanswered == ["lee", "sam"]

    await SiteDesk(sessions["ken"]).answer_rollcall(Safety.SAFE)  # where he checked in
    await SiteDesk(sessions["lee"]).answer_rollcall(Safety.NEED_HELP, HOME, "roof leaking")
    await sessions["mika"].wait_until(lambda: "ken" in mika.answers)
    await sessions["sam"].wait_until(lambda: "lee" in sam.answers)
    # live, and each manager sees only their own staff
    assert mika.unanswered == ["mika", "yui"] and set(mika.answers) == {"ken"}
    assert mika.answers["ken"].location == AT_TONO
    assert sam.unanswered == ["sam"] and set(sam.answers) == {"lee"}
    assert sam.answers["lee"].note == "roof leaking"
    assert sam.counts()[Safety.NEED_HELP] == 1
    await sessions["ada"].wait_until(lambda: len(models["ada"].answers) == 2)
    assert models["ken"].banner().endswith("(you answered: safe)")
    assert set(models["yui"].answers) == set()  # a member sees only their own

    # the server's status agrees, for a manager who connects only now
    late = RollCallModel(await sites.session("mika"))
    assert late.active is not None and set(late.answers) == {"ken"}
    await late.refresh()
    assert late.unanswered == ["mika", "yui"]
    status = await SiteDesk(sessions["yui"]).rollcall_status()
    assert status.answers == [] and status.unanswered == ["yui"]

    await SiteDesk(sessions["yui"]).answer_rollcall(Safety.NOT_WORKING)
    await sessions["mika"].wait_until(lambda: mika.unanswered == ["mika"])

    # a restart keeps the roll-call and its answers
    await sites.server.close()
    from server.app import YoriaiServer
    from tests.integration.support import fast_config

    again = await YoriaiServer.open(fast_config(sites.db))
    try:
        assert again.office.state.rollcall is not None
        assert set(again.office.state.rollcall_answers) == {"ken", "lee", "yui"}
    finally:
        await again.close()
    sites.server = await YoriaiServer.open(fast_config(sites.db))
    _h, port = await sites.server.start()
    sites.url = f"ws://127.0.0.1:{port}"
    ada = SiteDesk(await sites.session("ada"))
    ken = RollCallModel(await sites.session("ken"))
    assert ken.active is not None
    await ada.end_rollcall()
    await ken.session.wait_until(lambda: ken.active is None)
    assert ken.banner() == ""
    with pytest.raises(SessionError) as info:
        await SiteDesk(ken.session).answer_rollcall(Safety.SAFE)
    assert info.value.code == "not_found"
