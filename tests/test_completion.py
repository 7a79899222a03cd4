"""Shell completion, driven through the real bash function in completions/.

Each test sources completions/sscli.bash in a fresh bash, sets COMP_WORDS and
COMP_CWORD the way bash splits a line (`zoneid=` is two words: zoneid and =),
calls _sscli and reads COMPREPLY. The sscli executable is the one installed
next to this Python.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sscli.catalog import sync
from sscli.completion import answer
from sscli.completion.scripts import FILE_NAMES, script

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"
BIN_DIR = Path(sys.executable).parent
# compopt is stubbed to say what the function asked of it, on the last line.
CALL_FUNCTION = (
    'source "$SCRIPT"; compopt() { ASKED="$*"; }; '
    'COMP_WORDS=("$@"); COMP_CWORD=$CWORD; _sscli; '
    'printf "%s\\n" "${COMPREPLY[@]}" "compopt $ASKED"'
)
HANG_GUARD = 30  # seconds; only so that a broken test cannot block the suite


pytestmark = pytest.mark.skipif(
    not (BIN_DIR / "sscli").exists() or shutil.which("bash") is None,
    reason="needs bash and sscli installed next to this Python (pip install -e .)",
)


def bash_complete(
    *words: str, cword: int | None = None, bin_dir: Path = BIN_DIR, cwd=None
) -> tuple[list[str], str]:
    """COMPREPLY for the line `words`, the cursor in the last word by default."""
    found, errors, _ = run_bash(*words, cword=cword, bin_dir=bin_dir, cwd=cwd)
    return found, errors


def bash_spacing(*words: str) -> tuple[list[str], bool]:
    """COMPREPLY, and whether the function told bash to add no space after it."""
    found, errors, asked = run_bash(*words)
    assert errors == ""
    return found, asked == "compopt -o nospace"


def run_bash(
    *words: str, cword: int | None = None, bin_dir: Path = BIN_DIR, cwd=None
) -> tuple[list[str], str, str]:
    env = dict(
        os.environ,
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        SCRIPT=str(COMPLETIONS / "sscli.bash"),
        CWORD=str(len(words) - 1 if cword is None else cword),
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", CALL_FUNCTION, "bash", *words],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        cwd=cwd,
    )
    assert done.returncode == 0
    *lines, asked = done.stdout.splitlines()
    return [line for line in lines if line], done.stderr, asked.strip()


def reply(*words: str) -> list[str]:
    found, errors = bash_complete(*words)
    assert errors == ""
    return found


def write_config(config_dir: Path, current: str, profiles: dict[str, dict]) -> None:
    lines = [f'current_profile = "{current}"']
    for name, values in profiles.items():
        lines.append(f"[profiles.{name}]")
        lines += [f'{key} = "{value}"' for key, value in values.items()]
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def config_dir(tmp_path) -> Path:
    return tmp_path / "config"


# -- the scripts -----------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completions_dir_holds_the_generated_scripts(shell):
    saved = (COMPLETIONS / FILE_NAMES[shell]).read_text(encoding="utf-8")
    assert saved == script(shell)


# zsh's completion system, stubbed down to what the script calls: _describe
# prints the candidates it was given, one a line, then ZSH_NO_SPACE if it was
# told to add no suffix.
ZSH_NO_SPACE = "(no space)"
ZSH_CALL = (
    "compdef() { :; }; source $SCRIPT; compset() { :; }; "
    '_describe() { print -rl -- "${(@P)4}"; '
    f'[[ $5 == -S && -z $6 ]] && print -r -- "{ZSH_NO_SPACE}"; }}; '
    'words=("$@"); CURRENT=$#; _sscli'
)
FISH_CALL = 'source $SCRIPT; complete -C "$argv"'


def shell_complete(shell: str, words: list[str], bin_dir: Path) -> list[str]:
    """The candidates each shell's script gets for the line, cursor at its end."""
    if shell == "bash":
        found, _ = bash_complete(*words, bin_dir=bin_dir)
        return found
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    env = dict(
        os.environ,
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        SCRIPT=str(COMPLETIONS / FILE_NAMES[shell]),
    )
    if shell == "zsh":
        argv = ["zsh", "-f", "-c", ZSH_CALL, "zsh", *words]
    else:
        argv = ["fish", "--no-config", "-c", FISH_CALL, " ".join(words)]
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=HANG_GUARD
    )
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout.splitlines()


def console_script(folder: Path, first_line: str, body: str) -> Path:
    folder.mkdir()
    path = folder / "sscli"
    path.write_text(f"{first_line}\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_tab_runs_sscli_python_without_its_console_script(shell, tmp_path):
    """The scripts read the interpreter off sscli's first line and skip the rest."""
    ran = tmp_path / "console-script-ran"
    body = f"open({str(ran)!r}, 'w'); raise SystemExit(1)"
    console_script(tmp_path / "bin", f"#!{sys.executable}", body)

    found = shell_complete(shell, ["sscli", "listVirtualMach"], tmp_path / "bin")

    assert "listVirtualMachines" in found
    assert not ran.exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_sscli_that_is_no_python_script_is_run_as_it_is(shell, tmp_path):
    ran = tmp_path / "wrapper-ran"
    real = shlex.quote(str(BIN_DIR / "sscli"))
    body = f'touch {shlex.quote(str(ran))}; exec {real} "$@"'
    console_script(tmp_path / "bin", "#!/bin/sh", body)

    found = shell_complete(shell, ["sscli", "listVirtualMach"], tmp_path / "bin")

    assert "listVirtualMachines" in found
    assert ran.exists()


def test_a_sscli_package_in_the_current_directory_is_not_imported(tmp_path):
    ran = tmp_path / "impostor-ran"
    impostor = tmp_path / "sscli"
    impostor.mkdir()
    (impostor / "__init__.py").write_text(f"open({str(ran)!r}, 'w')\n")

    found, _ = bash_complete("sscli", "listVirtualMach", cwd=tmp_path)

    assert "listVirtualMachines" in found
    assert not ran.exists()


def test_the_cli_prints_the_script(sscli):
    result = sscli("completion", "bash")
    assert result.code == 0
    assert result.out == script("bash")


# -- API names, both grammars ----------------------------------------------------------


def test_cloudmonkey_grammar_completes_the_noun():
    found = reply("sscli", "list", "virt")
    assert "virtualmachines" in found
    assert all(word.startswith("virt") for word in found)


def test_api_names_complete_in_one_word():
    found = reply("sscli", "listVir")
    assert "listVirtualMachines" in found
    assert all(word.startswith("listVir") for word in found)


def test_api_names_complete_whatever_the_case_typed():
    assert "listVirtualMachines" in reply("sscli", "listvirtualm")


def test_an_empty_first_word_offers_commands_and_verbs():
    found = reply("sscli", "")
    assert {"help", "sync", "set", "list", "deploy"} <= set(found)


def test_names_come_from_the_profiles_synced_catalog(config_dir):
    write_config(config_dir, "prod", {"prod": {"url": "https://x/client/api"}})

    class Answer:
        def request(self, command, params):
            api = {"name": "listFrobnicators", "isasync": False, "params": []}
            return {"count": 1, "api": [api]}

    sync(Answer(), "prod")
    assert reply("sscli", "listFrob") == ["listFrobnicators"]
    assert reply("sscli", "-p", "other", "listFrob") == []  # bundled for others


# -- parameters and values -------------------------------------------------------------


def test_parameters_of_the_api_end_with_equals():
    found = reply("sscli", "listZones", "")
    assert {"id=", "name=", "available=", "keyword="} <= set(found)
    assert all(word.endswith("=") for word in found)


def test_parameters_complete_after_cloudmonkey_grammar_too():
    assert reply("sscli", "list", "zones", "availa") == ["available="]


def test_parameters_already_given_are_not_offered_again():
    assert "name=" not in reply("sscli", "listZones", "name", "=", "x", "")


def catalog_fields(api: str) -> list[str]:
    from sscli.catalog.lookup import Catalog

    return [field.name for field in Catalog.load().api(api).response]


def test_filter_offers_the_response_fields_id_and_name_first():
    found = reply("sscli", "listZones", "filter", "=")
    assert sorted(found) == sorted(catalog_fields("listZones"))
    assert found[:2] == ["id", "name"] and "zonetoken" in found


def test_filter_completes_the_field_after_the_last_comma():
    assert reply("sscli", "listVirtualMachines", "filter", "=", "id,displayn") == [
        "id,displayname"
    ]


def test_exclude_does_not_offer_a_field_already_chosen():
    found = reply("sscli", "listZones", "exclude", "=", "id,")
    assert "id,id" not in found and "id,name" in found
    assert len(found) == len(catalog_fields("listZones")) - 1


@pytest.mark.parametrize("key", ["filter", "exclude"])
def test_bash_adds_no_space_after_a_field_so_a_comma_can_follow(key):
    assert bash_spacing("sscli", "listVirtualMachines", key, "=", "id,displayn") == (
        ["id,displayname"],
        True,
    )
    found, no_space = bash_spacing("sscli", "listZones", key, "=")
    assert "id" in found and no_space


def test_bash_adds_no_space_after_a_parameter_name_but_after_a_value():
    assert bash_spacing("sscli", "listZones", "availa") == (["available="], True)
    assert bash_spacing("sscli", "listZones", "available", "=", "t") == (
        ["true"],
        False,
    )
    assert bash_spacing("sscli", "listZone") == (
        ["listZones", "listZonesMetrics"],
        False,
    )


def test_zsh_adds_no_space_after_a_field_or_a_parameter_name():
    line = ["sscli", "listVirtualMachines"]
    assert shell_complete("zsh", [*line, "filter=id,displayn"], BIN_DIR) == [
        "id,displayname",
        ZSH_NO_SPACE,
    ]
    assert shell_complete("zsh", [*line, "keyw"], BIN_DIR) == [
        "keyword=",
        ZSH_NO_SPACE,
    ]
    assert shell_complete("zsh", [*line, "listall=t"], BIN_DIR) == ["true"]


def test_fish_gets_a_field_ending_in_a_comma_so_it_adds_no_space():
    """fish has no switch for it: it adds no space after a word ending in `,`."""
    line = ["sscli", "listVirtualMachines"]
    assert shell_complete("fish", [*line, "exclude=id,displayn"], BIN_DIR) == [
        "exclude=id,displayname,"
    ]
    assert shell_complete("fish", [*line, "listall=t"], BIN_DIR) == ["listall=true"]


def test_a_field_list_with_a_trailing_comma_is_accepted(sscli, sim_profile):
    result = sscli("listZones", "filter=id,name,", "-o", "csv")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "id,name"


def test_boolean_values_after_equals():
    assert reply("sscli", "deployVirtualMachine", "startvm", "=") == ["true", "false"]
    assert reply("sscli", "deployVirtualMachine", "startvm", "=", "F") == ["false"]


def test_output_and_profile_settings(config_dir):
    write_config(config_dir, "alpha", {"alpha": {}, "beta": {}})
    assert reply("sscli", "set", "output", "") == [
        "json",
        "table",
        "csv",
        "text",
        "column",
        "tsv",
        "auto",
    ]
    assert reply("sscli", "set", "profile", "") == ["alpha", "beta"]
    assert reply("sscli", "-p", "b") == ["beta"]
    assert reply("sscli", "-o", "c") == ["csv", "column"]


def test_profiles_offers_its_commands_then_sources_or_profile_names(config_dir):
    write_config(config_dir, "alpha", {"alpha": {}, "beta": {}})
    assert reply("sscli", "profiles", "") == ["delete", "import"]
    assert reply("sscli", "-p", "beta", "profiles", "i") == ["import"]
    assert reply("sscli", "profiles", "import", "") == ["cmk", "cs"]
    assert reply("sscli", "profiles", "import", "cm") == ["cmk"]
    assert reply("sscli", "profiles", "delete", "") == ["alpha", "beta"]
    assert reply("sscli", "profiles", "delete", "alpha", "") == []


def test_option_values_complete_after_an_equals_sign_too(config_dir):
    write_config(config_dir, "alpha", {"alpha": {}, "beta": {}})
    assert reply("sscli", "--profile", "=") == ["alpha", "beta"]
    assert reply("sscli", "--profile", "=", "b") == ["beta"]
    assert reply("sscli", "--output", "=", "c") == ["csv", "column"]
    assert reply("sscli", "--output", "=", "csv", "listZon") == [
        "listZones",
        "listZonesMetrics",
    ]
    assert answer("zsh", 1, ["sscli", "--profile="]) == "alpha\nbeta\n"
    assert answer("fish", 1, ["sscli", "--output=t"]) == (
        "--output=table\n--output=text\n--output=tsv\n"
    )
    assert answer("fish", 1, ["sscli", "--query="]) == ""  # no fixed values


# -- ids from the server ---------------------------------------------------------------


def simulator_profile(config_dir: Path, sim) -> None:
    values = {"url": sim.url, "apikey": sim.apikey, "secretkey": sim.secretkey}
    write_config(config_dir, "sim", {"sim": values})


def listed_zones(sim) -> dict[str, str]:
    """The simulator's zones as {id: name}, read with the CLI itself."""
    from sscli import config
    from sscli.client import Client

    zones = Client(config.resolve("sim")).request("listZones", {})["zone"]
    return {zone["id"]: zone["name"] for zone in zones}


def test_zoneid_offers_the_simulators_zone_ids_with_names(config_dir):
    from sscli.simulator import Simulator

    with Simulator(vms=2) as sim:
        simulator_profile(config_dir, sim)
        zones = listed_zones(sim)
        sim.clear_requests()
        found = reply("sscli", "deployVirtualMachine", "zoneid", "=")
        labelled = [f"{zone_id}  ({name})" for zone_id, name in zones.items()]
        assert sorted(found) == sorted(labelled)
        assert [record.params["command"] for record in sim.requests] == ["listZones"]


def test_one_matching_id_is_offered_bare_for_insertion(config_dir):
    from sscli.simulator import Simulator

    with Simulator(vms=2) as sim:
        simulator_profile(config_dir, sim)
        zone_id = sorted(listed_zones(sim))[0]
        found = reply("sscli", "deployVirtualMachine", "zoneid", "=", zone_id[:8])
        assert found == [zone_id]


def test_ids_are_cached_per_profile_for_the_next_tab(config_dir):
    from sscli.simulator import Simulator

    with Simulator(vms=2) as sim:
        simulator_profile(config_dir, sim)
        first = reply("sscli", "listVirtualMachines", "zoneid", "=")
        second = reply("sscli", "listVirtualMachines", "zoneid", "=")
        assert first == second and first
        assert [record.params["command"] for record in sim.requests] == ["listZones"]


def test_an_unreachable_server_gives_no_ids_and_no_error(config_dir):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    values = {
        "url": f"http://127.0.0.1:{port}/client/api",
        "apikey": "k",
        "secretkey": "s",
    }
    write_config(config_dir, "gone", {"gone": values})
    found, errors = bash_complete("sscli", "deployVirtualMachine", "zoneid", "=")
    assert (found, errors) == ([], "")


def test_a_server_that_never_answers_gives_no_ids(config_dir):
    """The TAB stops waiting at its own deadline; the guard only catches a hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # the kernel completes the handshake; nobody reads
    try:
        values = {
            "url": f"http://127.0.0.1:{listener.getsockname()[1]}/client/api",
            "apikey": "k",
            "secretkey": "s",
        }
        write_config(config_dir, "mute", {"mute": values})
        found, errors = bash_complete("sscli", "deployVirtualMachine", "zoneid", "=")
        assert (found, errors) == ([], "")
    finally:
        listener.close()


def test_a_dropping_server_is_asked_once_and_its_failure_remembered(config_dir):
    """No retry inside a TAB, and the next TAB does not ask again at once."""
    from sscli.simulator import Simulator

    with Simulator(vms=2) as sim:
        simulator_profile(config_dir, sim)
        sim.drop_connections = 10  # each closed without an answer: worth a retry
        first = bash_complete("sscli", "deployVirtualMachine", "zoneid", "=")
        second = bash_complete("sscli", "deployVirtualMachine", "zoneid", "=")
        assert first == second == ([], "")
        assert len(sim.requests) == 1


def test_a_remembered_failure_expires(config_dir, monkeypatch):
    from sscli.completion import ids
    from sscli.simulator import Simulator

    with Simulator(vms=2) as sim:
        simulator_profile(config_dir, sim)
        sim.drop_connections = 1
        assert ids.id_candidates("sim", "listZones") == []
        assert ids.id_candidates("sim", "listZones") == []  # from the cache
        monkeypatch.setattr(ids, "FAILURE_SECONDS", -1)
        found = ids.id_candidates("sim", "listZones")
        assert sorted(found) == sorted(listed_zones(sim).items())
        assert [record.status for record in sim.requests] == [None, 200, 200]


def test_ids_are_offered_when_the_cache_cannot_be_written(
    config_dir, tmp_path, monkeypatch
):
    from sscli.simulator import Simulator

    # A file where a dir should be: unwritable like /proc/nope, even for root.
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SSCLI_CACHE_DIR", str(blocker / "cache"))

    with Simulator(vms=2) as sim:
        simulator_profile(config_dir, sim)
        labelled = [
            f"{zone_id}  ({name})" for zone_id, name in listed_zones(sim).items()
        ]
        found = reply("sscli", "deployVirtualMachine", "zoneid", "=")
        assert sorted(found) == sorted(labelled)


# -- never an error in the terminal ----------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [[], ["bash"], ["bash", "x"], ["bash", "9", "sscli"], ["tcsh", "1", "sscli", "l"]],
)
def test_bad_requests_print_nothing_and_exit_zero(argv):
    done = subprocess.run(
        [str(BIN_DIR / "sscli"), "__complete", *argv],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_a_broken_config_file_prints_nothing(config_dir):
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text("[profiles\nbroken", encoding="utf-8")
    assert bash_complete("sscli", "-p", "") == ([], "")


def test_names_and_params_load_neither_click_nor_requests():
    code = (
        "import sys\n"
        "from sscli.cli import main\n"
        "for argv in (['bash', '1', 'sscli', 'listVir'],\n"
        "             ['bash', '2', 'sscli', 'listZones', ''],\n"
        "             ['bash', '3', 'sscli', 'listZones', 'available', '=']):\n"
        "    sys.argv = ['sscli', '__complete', *argv]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('click', 'requests', 'rich', 'platformdirs', 'tomllib', 'json')\n"
        "sys.__stdout__.write(repr(sorted(set(heavy) & set(sys.modules))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD
    )
    assert done.stdout.endswith("[]"), done.stdout


# -- the word logic, for every shell ---------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "cword", "words", "expected"),
    [
        # bash replaces only the part after the last `=`
        ("bash", 4, ["sscli", "listZones", "available", "=", "t"], "true\n"),
        # zsh's script strips through `=` with compset; fish wants the whole word
        ("zsh", 2, ["sscli", "listZones", "available=t"], "true\n"),
        ("fish", 2, ["sscli", "listZones", "available=t"], "available=true\n"),
        ("fish", 2, ["sscli", "list", "zon"], "zones\nzonesmetrics\n"),
    ],
)
def test_each_shell_gets_the_part_it_replaces(shell, cword, words, expected):
    assert answer(shell, cword, words) == expected


def test_options_anywhere_are_skipped():
    words = ["sscli", "--output=json", "-p", "x", "--debug", "listZones", "availa"]
    assert answer("fish", 6, words) == "available=\n"


def test_a_space_after_equals_starts_a_new_word():
    # bash gives `available= ` as available, =, "" and `available=` as available, =
    lines = answer("bash", 4, ["sscli", "listZones", "available", "=", ""])
    assert "id=\n" in lines and "available=" not in lines


def test_zsh_and_fish_get_labels_after_a_tab(monkeypatch):
    from sscli.completion import ids

    monkeypatch.setattr(ids, "id_candidates", lambda profile, api: [("z1", "Zurich")])
    line = ["sscli", "deployVirtualMachine", "zoneid="]
    assert answer("zsh", 2, line) == "z1\tZurich\n"
    assert answer("fish", 2, line) == "zoneid=z1\tZurich\n"


# -- the lists a TAB keeps so as not to import click -----------------------------------


def test_builtins_and_options_match_the_click_group():
    from sscli import completion
    from sscli.commands import _global_options, cli

    assert set(completion.BUILTINS) == set(cli.commands)
    options = _global_options()
    flags = {name for option in options if option.is_flag for name in option.opts}
    valued = {name for option in options if not option.is_flag for name in option.opts}
    assert flags | {"--help", "--version"} == set(completion.FLAG_OPTIONS)
    assert valued == set(completion.VALUE_OPTIONS)
    profiles = cli.commands["profiles"]
    assert set(profiles.commands) == set(completion.options.PROFILES_COMMANDS)
    sources = profiles.commands["import"].params[0].type.choices
    assert tuple(sources) == completion.options.IMPORT_SOURCES


def test_settings_and_formats_match_the_config():
    from sscli import args, completion, config
    from sscli.completion import settings

    assert set(settings.SETTINGS) == {"profile", *config.SETTINGS}
    assert settings.OUTPUT_FORMATS == config.OUTPUT_FORMATS
    assert settings.PROFILE_ENV == config.ENV_SETTINGS["profile"][0]
    assert completion.SELECTION_KEYS == args.SELECTION_KEYS
