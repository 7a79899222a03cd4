"""The words after an API name become parameters, or a clear error."""

from __future__ import annotations

import pytest

from sscli.args import parse_words
from sscli.errors import UsageError


def test_values_keep_equals_spaces_quotes_and_unicode():
    parsed = parse_words(["a=x=y", "b=two words", "c='q\"", "d=é☃𝄞", "e="])
    assert parsed.params == {
        "a": "x=y",
        "b": "two words",
        "c": "'q\"",
        "d": "é☃𝄞",
        "e": "",
    }


def test_map_parameters_pass_through_as_written():
    parsed = parse_words(["tags[0].key=env", "tags[0].value=prod"])
    assert parsed.params == {"tags[0].key": "env", "tags[0].value": "prod"}


def test_word_without_equals_is_an_error_not_dropped():
    with pytest.raises(UsageError, match="expected key=value, got 'zoneid'"):
        parse_words(["name=a", "zoneid"])


def test_value_from_file(tmp_path):
    path = tmp_path / "key.pub"
    path.write_text("ssh-ed25519 AAAA user@host\n", encoding="utf-8")
    parsed = parse_words([f"publickey=@{path}"])
    assert parsed.params["publickey"] == "ssh-ed25519 AAAA user@host\n"


def test_missing_file_is_named(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        parse_words([f"userdata=@{tmp_path / 'nope'}"])


def test_double_at_is_a_literal_at():
    assert parse_words(["name=@@home"]).params == {"name": "@home"}
    assert parse_words(["name=@"]).params == {"name": "@"}


def test_filter_and_exclude_are_taken_out_of_the_request():
    parsed = parse_words(["filter=id, name,state", "EXCLUDE=nic", "zoneid=1"])
    assert parsed.params == {"zoneid": "1"}
    assert parsed.fields == ["id", "name", "state"]
    assert parsed.exclude == ["nic"]


@pytest.mark.parametrize("char", ["\t", "\x00", "\x1b", "\x7f", "\x0b"])
def test_control_characters_are_refused(char):
    with pytest.raises(UsageError, match="control character"):
        parse_words([f"name=a{char}b"])


def test_newlines_are_allowed_for_certificates():
    cert = "-----BEGIN CERTIFICATE-----\r\nMIIB\n-----END CERTIFICATE-----\n"
    assert parse_words([f"certificate={cert}"]).params["certificate"] == cert


@pytest.mark.parametrize("word", ["=x", "a b=c", "a&b=c", "é=1", "[0]=x"])
def test_odd_names_are_refused(word):
    with pytest.raises(UsageError, match="bad parameter name"):
        parse_words([word])


def test_a_parameter_given_twice_is_an_error():
    with pytest.raises(UsageError, match="given twice"):
        parse_words(["name=a", "name=b"])


def test_undecodable_bytes_from_the_shell_are_refused():
    with pytest.raises(UsageError, match="not valid UTF-8"):
        parse_words(["name=\udcff"])
