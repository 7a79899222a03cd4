"""The string to sign and the signature, pinned to real vectors from other clients."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone

import pytest
from conftest import load_data

from sscli import signing

VECTORS = load_data("signature-vectors.json")
ENCODINGS = load_data("encoding-vectors.json")["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_real_vector_signs_as_published(vector):
    assert signing.string_to_sign(vector["params"]) == vector["string_to_sign"]
    assert (
        signing.signature(vector["params"], vector["secretkey"])
        == vector["expected_signature"]
    )


@pytest.mark.parametrize("vector", ENCODINGS, ids=[v["input"] for v in ENCODINGS])
def test_value_encoding_matches_java_urlencoder(vector):
    assert signing.encode_value(vector["input"]) == vector["expected"]


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("~", "%7E"),
        ("*", "*"),
        ("+", "%2B"),
        (" ", "%20"),
        ("é", "%C3%A9"),
        ("☃", "%E2%98%83"),
        ("&", "%26"),
        ("=", "%3D"),
        ("/", "%2F"),
        ("?", "%3F"),
        ("%", "%25"),
        ("\n", "%0A"),
        ("a-b_c.d", "a-b_c.d"),
        ("", ""),
    ],
)
def test_each_special_character_is_encoded_like_the_server(value, encoded):
    assert signing.encode_value(value) == encoded


def test_mixed_value_string_to_sign_is_lowercased_after_encoding():
    params = {"command": "deployVirtualMachine", "displayname": "a~b c*d+é☃&=/?%\nZ"}
    assert signing.string_to_sign(params) == (
        "command=deployvirtualmachine&displayname="
        "a%7eb%20c*d%2b%c3%a9%e2%98%83%26%3d%2f%3f%25%0az"
    )


def test_signature_is_hmac_sha1_of_the_lowercased_string():
    params = {"command": "listZones", "apikey": "Key", "name": "A~B"}
    expected = base64.b64encode(
        hmac.new(
            b"secret", b"apikey=key&command=listzones&name=a%7eb", hashlib.sha1
        ).digest()
    ).decode()
    assert signing.signature(params, "secret") == expected


def test_signature_param_itself_is_never_signed():
    params = {"command": "listZones", "apikey": "k"}
    with_sig = {**params, "signature": "whatever"}
    assert signing.signature(params, "s") == signing.signature(with_sig, "s")


def test_names_sort_case_sensitively_before_lowercasing():
    params = {"b": "1", "B": "2", "a": "3"}
    assert signing.string_to_sign(params) == "b=2&a=3&b=1"


def test_hmacsha512_is_offered():
    params = {"command": "listZones", "apikey": "k"}
    digest = hmac.new(b"s", b"apikey=k&command=listzones", hashlib.sha512).digest()
    assert (
        signing.signature(params, "s", "HmacSHA512")
        == base64.b64encode(digest).decode()
    )


def test_signed_params_adds_version_expiry_and_signature():
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    signed = signing.signed_params(
        {"command": "listZones"},
        "key",
        "secret",
        expires=signing.expires_at(600, now=moment),
    )
    assert signed["signatureVersion"] == "3"
    assert signed["expires"] == "2026-01-02T03:14:05+0000"
    unsigned = {k: v for k, v in signed.items() if k != "signature"}
    assert signed["signature"] == signing.signature(unsigned, "secret")


def test_wire_form_encodes_the_signature_and_bracketed_names():
    wire = signing.urlencode({"tags[0].key": "a b", "signature": "x+/y="})
    assert wire == "tags%5B0%5D.key=a%20b&signature=x%2B%2Fy%3D"
