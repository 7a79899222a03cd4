"""Property tests: the signer and the word parser against independent checks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sscli import signing
from sscli.args import CONTROL_CHARS, parse_words
from sscli.client import Client
from sscli.config import Profile
from sscli.errors import UsageError
from sscli.simulator import Simulator
from sscli.simulator.auth import compute_signature

# Every code point but lone surrogates, which no UTF-8 string can hold.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
NAME = st.text(
    st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-[]"
    ),
    min_size=1,
    max_size=30,
).filter(lambda name: name[0] not in ".-[]")


# Client and server name the algorithms differently.
ALGORITHMS = [("HmacSHA1", "sha1"), ("HmacSHA512", "sha512")]


@pytest.mark.parametrize(("algorithm", "server_name"), ALGORITHMS)
@given(st.dictionaries(NAME, ANY_TEXT, max_size=8), st.text(min_size=1, max_size=64))
def test_signature_matches_the_servers_own_computation(
    algorithm, server_name, params, secretkey
):
    expected = compute_signature(params, secretkey, server_name)
    assert signing.signature(params, secretkey, algorithm) == expected


@given(ANY_TEXT)
def test_encoding_keeps_only_what_java_keeps(value):
    encoded = signing.encode_value(value)
    plain = encoded.replace("%", "")
    assert all(ch.isascii() and (ch.isalnum() or ch in ".-*_") for ch in plain)


@given(ANY_TEXT)
@example("@\x00")  # a NUL in a file name: open() raises ValueError, not OSError
def test_parser_keeps_a_value_exactly_or_refuses_it_clearly(value):
    try:
        parsed = parse_words([f"name={value}"])
    except UsageError as err:
        assert CONTROL_CHARS.search(value) or value.startswith("@")
        assert "name" in str(err)
        return
    expected = value[1:] if value.startswith("@@") else value
    assert parsed.params == {"name": expected}


@given(st.text(max_size=40))
def test_parser_never_fails_other_than_clearly(word):
    try:
        parse_words([word])
    except UsageError:
        pass


@pytest.fixture(scope="module")
def server():
    with Simulator(vms=3) as sim:
        yield sim


# Past the 4 KB a GET may take, whatever the characters: the call goes as a POST.
LONG_VALUE = 4100
LONG_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=LONG_VALUE, max_size=6000
)


@pytest.mark.parametrize("algorithm", [name for name, _ in ALGORITHMS])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(value=st.one_of(ANY_TEXT, LONG_TEXT))
def test_any_value_survives_the_wire_and_the_servers_check(server, algorithm, value):
    client = Client(
        Profile(
            url=server.url,
            apikey=server.apikey,
            secretkey=server.secretkey,
            timeout=10,
            signaturealgorithm=algorithm,
        )
    )
    try:
        answer = client.request("listZones", {"keyword": value})
    finally:
        client.session.close()
    assert isinstance(answer, dict)  # a 401 would have raised
    sent = server.requests[-1]
    assert sent.params["keyword"] == value
    if len(value) >= LONG_VALUE:
        assert sent.method == "POST" and sent.query == ""
