"""Catalog: resolve an API name, check parameters before sending, details for help.

A call reads only the compact index (index.py) and parses the params of the one
API it calls; descriptions and response fields are read only for help (api()).
The catalog is the profile's synced one (`sscli sync`), else the bundled 4.18.
"""

from __future__ import annotations

from sscli.catalog import store
from sscli.catalog.index import (
    NO_LIST_API,
    ParamSpec,
    line_is_async,
    parse_index,
    parse_params,
)
from sscli.errors import ConfigError, UsageError

INTEGER_TYPES = ("integer", "long", "short")
BOOLEAN_TYPE = "boolean"
BOOLEAN_VALUES = ("true", "false")
# The client adds these to every request; they are never "unknown".
PROTOCOL_PARAMS = frozenset(
    {
        "apikey",
        "command",
        "expires",
        "response",
        "sessionkey",
        "signature",
        "signatureversion",
    }
)
MAX_SUGGESTIONS = 3
CLOSE_RUNNER_UP = 0.08  # a suggestion this much less alike than the best is noise
# Nouns tried, in order, for the example in "list what? e.g. sscli list zones".
EXAMPLE_NOUNS = ("Zones", "VirtualMachine", "Network", "Volume")


class Catalog:
    def __init__(self, source: str, lines: dict[str, str], details_path: str):
        self.source = source
        self.details_path = details_path
        self._lines = lines
        self._params: dict[str, dict[str, ParamSpec]] = {}
        self._lowered: dict[str, str] | None = None

    @classmethod
    def load(cls, profile_name: str | None = None) -> Catalog:
        """The profile's synced catalog, else the bundled one."""
        if profile_name:
            index_path, details_path = store.profile_paths(profile_name)
            parsed = parse_index(store.read_text(index_path))
            if parsed:
                return cls(*parsed, details_path)
        parsed = parse_index(store.read_text(store.BUNDLED_INDEX))
        if parsed is None:
            raise ConfigError(
                f"the bundled API catalog {store.BUNDLED_INDEX} is missing or "
                "damaged; reinstall sscli"
            )
        return cls(*parsed, store.BUNDLED_DETAILS)

    # -- names ---------------------------------------------------------------

    def names(self) -> list[str]:
        return list(self._lines)

    def canonical(self, name: str) -> str | None:
        if name in self._lines:
            return name
        if self._lowered is None:
            self._lowered = {known.lower(): known for known in self._lines}
        return self._lowered.get(name.lower())

    def resolve(self, words: list[str]) -> tuple[str, list[str]]:
        """The API named by the first word, or by two (`list virtualmachines`)."""
        if not words:
            raise UsageError("no API given; see `sscli help` for the list")
        found = self.canonical(words[0])
        if found:
            return found, list(words[1:])
        verb = self.lone_verb(words)
        if verb:
            raise UsageError(
                f"{verb} what? e.g. sscli {verb} {self._example_noun(verb)}; "
                f"sscli help {verb} shows them all"
            )
        if len(words) > 1 and "=" not in words[1]:
            found = self.canonical(words[0] + words[1])
            if found:
                return found, list(words[2:])
        raise UsageError(self._unknown_api_message(words))

    def _unknown_api_message(self, words: list[str]) -> str:
        typed, candidates = self.suggestions(words)
        if candidates:
            return f"Unknown API {typed!r}; did you mean {_either(candidates)}?"
        return (
            f"Unknown API {typed!r}; see `sscli help` for the list "
            "(or `sscli sync` if the cloud is newer than the catalog)"
        )

    def suggestions(self, words: list[str]) -> tuple[str, list[str]]:
        """The name the words tried to give, and the closest APIs, in the grammar
        typed: `list zone` gets `list zones`, `listZone` gets `listZones`."""
        if len(words) > 1 and "=" not in words[1] and self._is_verb(words[0]):
            verb = words[0]
            candidates = closest_names(verb + words[1], self.names())
            return f"{verb} {words[1]}", [
                _in_two_words(name, verb) for name in candidates
            ]
        return words[0], closest_names(words[0], self.names())

    def _is_verb(self, word: str) -> bool:
        """True for `list` in `list virtualmachnes`: some API starts with it."""
        return bool(self.verb_names(word))

    def verb_names(self, verb: str) -> list[str]:
        """The APIs of one verb: list -> listZones, listHosts, ... (any case)."""
        lowered = verb.lower()
        return [
            name
            for name in self._lines
            if name.lower().startswith(lowered)
            and name[len(verb) : len(verb) + 1].isupper()
        ]

    def lone_verb(self, words: list[str]) -> str | None:
        """`list` in `sscli list` or `sscli list id=1`: a verb with no noun."""
        if not words or self.canonical(words[0]) or not self._is_verb(words[0]):
            return None
        if len(words) > 1 and "=" not in words[1] and words[1][:1] != "-":
            return None
        return words[0]

    def _example_noun(self, verb: str) -> str:
        for noun in EXAMPLE_NOUNS:
            if self.canonical(verb + noun):
                return noun.lower()
        shortest = min(self.verb_names(verb), key=lambda name: (len(name), name))
        return shortest[len(verb) :].lower()

    def is_async(self, name: str) -> bool:
        return line_is_async(self._lines[self._known(name)])

    def _known(self, name: str) -> str:
        found = self.canonical(name)
        if found is None:
            raise UsageError(self._unknown_api_message([name]))
        return found

    # -- parameters ------------------------------------------------------------

    def params(self, name: str) -> dict[str, ParamSpec]:
        """{param: (type, required, list API or "-")} of one API."""
        name = self._known(name)
        if name not in self._params:
            self._params[name] = parse_params(self._lines[name])
        return self._params[name]

    def related_list_api(self, api_name: str, param: str) -> str | None:
        """The list API whose ids fill `param` of `api_name`, from `related`."""
        specs = self.params(api_name)
        spec = specs.get(_spelt_as_catalog(specs, param).split("[", 1)[0])
        if spec is None or spec[2] == NO_LIST_API:
            return None
        return spec[2]

    def check(self, name: str, params: dict[str, str]) -> list[str]:
        """Raise UsageError for what the server would refuse; return warnings.

        Parameter names match in any case and are renamed in `params` to the
        catalog's spelling, as the API name is; booleans are lower-cased
        (CloudStack reads them in any case, so nothing changes for the server).
        """
        name = self._known(name)
        specs = self.params(name)
        _respell(specs, params)
        self._check_required(name, specs, params)
        warnings = []
        for key, value in params.items():
            spec = specs.get(key.split("[", 1)[0])
            if spec is None:
                warning = self._unknown_param_warning(name, specs, key)
                if warning:
                    warnings.append(warning)
                continue
            params[key] = _checked_value(name, key, spec[0], value)
        return warnings

    @staticmethod
    def _check_required(name: str, specs: dict, params: dict[str, str]) -> None:
        """An empty value (`zoneid=`) does not count: the server would refuse it."""
        given = {key.split("[", 1)[0] for key, value in params.items() if value}
        missing = [
            param
            for param, (_, required, _) in sorted(specs.items())
            if required and param not in given
        ]
        if missing:
            how = "them as name=value"
            if len(missing) == 1:
                how = f"it as {missing[0]}=VALUE"
            raise UsageError(
                f"{name} needs {', '.join(missing)}; add {how} (see `sscli {name} -h`)"
            )

    @staticmethod
    def _unknown_param_warning(name: str, specs: dict, key: str) -> str | None:
        base = key.split("[", 1)[0]
        if base.lower() in PROTOCOL_PARAMS:
            return None
        candidates = closest_names(base, list(specs))
        if candidates:
            hint = f"did you mean {_either(candidates)}?"
        else:
            hint = f"sending it anyway (see `sscli {name} -h`)"
        return f"unknown parameter {key!r} for {name}; {hint}"

    # -- help ----------------------------------------------------------------

    def api(self, name: str):
        """Everything about one API (an Api from details.py), for help."""
        from sscli.catalog.details import api_from_entry, read_details

        name = self._known(name)
        entry = read_details(self.details_path, name)
        if entry is None:
            raise ConfigError(
                f"the catalog file {self.details_path} lacks {name}; "
                "run `sscli sync` to fetch it again"
            )
        return api_from_entry(entry)


def _respell(specs: dict, params: dict[str, str]) -> None:
    """Rename `ZoneId` to the catalog's `zoneid`, in place and in order."""
    respelt: dict[str, str] = {}
    typed: dict[str, str] = {}
    for key, value in params.items():
        spelt = _spelt_as_catalog(specs, key)
        if spelt in respelt:
            raise UsageError(
                f"parameter {spelt} given twice (as {typed[spelt]!r} and {key!r}); "
                "keep one"
            )
        respelt[spelt], typed[spelt] = value, key
    params.clear()
    params.update(respelt)


def _spelt_as_catalog(specs: dict, key: str) -> str:
    """`ZoneId` -> `zoneid`, `Tags[0].key` -> `tags[0].key`; unknown names as typed."""
    base = key.split("[", 1)[0]
    if base in specs:
        return key
    lowered = base.lower()
    for known in specs:
        if known.lower() == lowered:
            return known + key[len(base) :]
    return key


def _checked_value(api: str, key: str, kind: str, value: str) -> str:
    """Other types pass empty (`displaytext=` may clear a field); a number or a
    boolean cannot be empty, and the server would refuse one."""
    if not value and kind not in INTEGER_TYPES and kind != BOOLEAN_TYPE:
        return value
    if kind in INTEGER_TYPES and not _is_integer(value):
        raise UsageError(f"{api}: {key} must be a whole number, got {value!r}")
    if kind == BOOLEAN_TYPE:
        lowered = value.lower()
        if lowered not in BOOLEAN_VALUES:
            raise UsageError(f"{api}: {key} must be true or false, got {value!r}")
        return lowered
    return value


def _is_integer(value: str) -> bool:
    digits = value[1:] if value[:1] in "+-" else value
    return digits.isascii() and digits.isdigit()


def closest_names(word: str, choices: list[str]) -> list[str]:
    """Up to three names like `word`, compared case-insensitively; when one is
    clearly the closest (a slip of one letter), only that one."""
    import difflib

    lowered = {choice.lower(): choice for choice in choices}
    matcher = difflib.SequenceMatcher(b=word.lower())
    scored = []
    for choice in difflib.get_close_matches(
        word.lower(), list(lowered), MAX_SUGGESTIONS
    ):
        matcher.set_seq1(choice)
        scored.append((matcher.ratio(), choice))
    best = scored[0][0] if scored else 0.0
    return [
        lowered[choice] for ratio, choice in scored if ratio >= best - CLOSE_RUNNER_UP
    ]


def _in_two_words(name: str, verb: str) -> str:
    """listZones -> `list zones`, CloudMonkey's way; a name of another verb as is."""
    if (
        name.lower().startswith(verb.lower())
        and name[len(verb) : len(verb) + 1].isupper()
    ):
        return f"{name[: len(verb)]} {name[len(verb) :].lower()}"
    return name


def _either(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"
