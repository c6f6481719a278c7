"""Organizer wording runs within limits of time, output and loop length: saving wording
that would hold up the desk is refused with a message that says which limit."""

from __future__ import annotations

import pytest

from conference import auth
from conference.i18n import translate_error
from conference.invitations.wording import (
    MAX_LOOP_ITEMS,
    MAX_WORDING_CHARS,
    SAMPLE_CONTEXT,
    WordingError,
    render_wording,
)
from conference.tables import Event, Role
from tests.conftest import csrf_token, log_in
from tests.invitations.helpers import make_event

TOO_MUCH = [
    ("{{ 'x' * 10**7 }}", "quá lớn"),
    ("{{ 10**5000 }}", "quá lớn"),
    ("{{ 'x' | center(10**9) }}", "quá lớn"),
    ("{{ 'x'.ljust(10**9) }}", "quá lớn"),
    ("{% for i in range(10**8) %}{% endfor %}", "quá lớn"),
    ("{% for i in range(5000) %}{% endfor %}", f"tối đa {MAX_LOOP_ITEMS} lần"),
    ("{% for i in range(999) %}{% for j in range(999) %}{% endfor %}{% endfor %}", "quá lâu"),
    ("{% for i in range(999) %}{{ 'Kính mời đại biểu dự hội nghị. ' }}{% endfor %}", "ký tự"),
    (
        "{% set ns = namespace(x='ab') %}{% for i in range(40) %}"
        "{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x | length }}",
        "quá lớn",
    ),
]


@pytest.mark.parametrize(("source", "said"), TOO_MUCH)
def test_wording_past_a_limit_is_refused_with_the_limit_named(source, said):
    with pytest.raises(WordingError) as refused:
        render_wording(source, SAMPLE_CONTEXT)
    assert said in translate_error(refused.value)


def test_ordinary_wording_with_loops_and_filters_still_renders():
    source = (
        "Kính mời {{ delegate.honorific }} {{ delegate.full_name | upper }}"
        "{% for i in range(3) %}.{% endfor %} {{ [1, 2] | join(', ') }} {{ 2 ** 10 }}"
    )
    assert render_wording(source, SAMPLE_CONTEXT) == "Kính mời Ông HOÀNG CAO THẮNG... 1, 2 1024"
    written = render_wording(f"{{{{ 'x' * {MAX_WORDING_CHARS} }}}}", SAMPLE_CONTEXT)
    assert len(written) == MAX_WORDING_CHARS


async def test_saving_wording_that_loops_too_long_is_refused_and_nothing_is_stored(
    client, sample_password
):
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    await make_event()
    token = await csrf_token(client, "/events/hn-2022/invitations/")
    page = await client.post(
        "/events/hn-2022/invitations/wording",
        data={"subject": "", "body": TOO_MUCH[6][0], "_csrf_token": token},
    )
    assert page.status_code == 400 and "quá lâu" in page.text
    assert (await Event.select(Event.invitation_body).first())["invitation_body"] == ""
