"""The click group: global options, built-in commands, and any API by name."""

from __future__ import annotations

import sys
import time

import click

from sscli import __version__, config
from sscli.call import RunOptions, make_client, run_call
from sscli.errors import SscliError, UsageError
from sscli.options import GLOBAL_OPTIONS, IMPORT_SOURCES

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 88}
SECRET_SETTINGS = ("secretkey", "password")
SHORT_HELP_LIMIT = 200  # the whole first sentence: help wraps it, not click
# How a simulator is stopped: one serving here, or one in the background.
CTRL_C_STOP = "Ctrl-C stops it"
DETACHED_STOP = "sscli simulator --stop stops it"


def _global_options() -> list[click.Option]:
    """The group's options (sscli/options.py); they may follow any command too."""
    built = []
    for names, dest, valued, help_text in GLOBAL_OPTIONS:
        declarations = [*names, dest]  # the bare name is where click stores it
        if not valued:
            built.append(click.Option(declarations, is_flag=True, help=help_text))
        elif dest == "output":
            formats = (*config.OUTPUT_FORMATS, config.AUTO_OUTPUT)
            choice = click.Choice(formats, case_sensitive=False)
            built.append(click.Option(declarations, type=choice, help=help_text))
        else:
            built.append(click.Option(declarations, help=help_text))
    return built


def _api_command(name: str) -> click.Command:
    def callback(words: tuple[str, ...]) -> None:
        ctx = click.get_current_context()
        run_call([ctx.info_name, *words], _options(ctx))

    return click.Command(
        name,
        callback=callback,
        params=[click.Argument(["words"], nargs=-1, type=click.UNPROCESSED)],
        context_settings={"ignore_unknown_options": True, "help_option_names": []},
        add_help_option=False,
    )


class ApiGroup(click.Group):
    """A group whose unknown commands are CloudStack APIs."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        builtin = super().get_command(ctx, cmd_name)
        if builtin is not None:
            return builtin
        return _api_command(cmd_name)


@click.group(
    cls=ApiGroup,
    context_settings=CONTEXT,
    params=_global_options(),
    invoke_without_command=True,
)
@click.version_option(__version__, "-V", "--version", prog_name="sscli")
@click.pass_context
def cli(ctx: click.Context, **values) -> None:
    """Call any Apache CloudStack API: sscli API [key=value ...]

    \b
      sscli set profile mycloud
      sscli set url https://cloud.example.com/client/api
      sscli set apikey KEY
      sscli set secretkey            (asks without echo)
      sscli listZones
      sscli listVirtualMachines state=Running filter=id,name -o csv
      sscli list virtualmachines zoneid=...     (CloudMonkey grammar)
      sscli help deployVirtualMachine
      sscli                          the shell (lines piped in run as a batch)

    Options go before or after the API name. Exit codes are listed in the README.
    """
    ctx.obj = values
    if ctx.invoked_subcommand is None:
        ctx.exit(_open_shell(values))


def _open_shell(values: dict) -> int:
    """A prompt on a terminal; lines piped into stdin run one by one."""
    if not sys.stdin.isatty():
        from sscli.batch import run_batch

        return run_batch(sys.stdin, values)
    from sscli.shell import run_shell

    return run_shell(values)


def _options(ctx: click.Context) -> RunOptions:
    return RunOptions.from_values(ctx.find_root().obj or {})


@cli.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, type=click.UNPROCESSED, metavar="[KEY [VALUE]]")
@click.pass_context
def set_command(ctx: click.Context, words: tuple[str, ...]) -> None:
    """Show or change the current profile's settings.

    \b
      sscli set                       show the current profile (secrets masked)
      sscli set profile NAME          switch to (or create) a profile
      sscli set url URL | apikey K | secretkey [S] | username U | password [P]
      sscli set domain D | output FORMAT|auto | timeout SECONDS
      sscli set verifycert true|false | asyncblock true|false | cafile PATH
      sscli set signaturealgorithm HmacSHA1|HmacSHA512
    """
    chosen = _options(ctx).profile
    if not words:
        _show_profile(_options(ctx))
        return
    key, value = _key_and_value(words)
    if key == "profile":
        _switch_profile(value)
        return
    if value is None:
        if key not in SECRET_SETTINGS:
            raise UsageError(f"give a value: sscli set {key} VALUE")
        value = _read_secret(key)
    name = config.set_value(key, value, profile=chosen)
    shown = config.shown_value(key, config.parse_setting(key, value))
    click.echo(f"{key} = {shown} in profile {name!r}", err=True)


def _key_and_value(words: tuple[str, ...]) -> tuple[str, str | None]:
    """KEY [VALUE]; more words are counted, never quoted: they may be a secret."""
    key = words[0].lower()
    if len(words) > 2:
        hint = (
            ""
            if key == "profile"
            else f"; quote one with spaces: sscli set {key} 'A B'"
        )
        raise UsageError(f"set {key} takes one value, got {len(words) - 1} words{hint}")
    return key, words[1] if len(words) == 2 else None


def _read_secret(key: str) -> str:
    """Ask without echo on a terminal; read one line when piped (`... | sscli set`)."""
    if sys.stdin.isatty():
        return click.prompt(key, hide_input=True, err=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UsageError(f"no {key} given on standard input")
    return line


def _switch_profile(name: str | None) -> None:
    if not name:
        raise UsageError("give a profile name: sscli set profile NAME")
    created = config.switch_profile(name)
    note = "Created and switched to" if created else "Switched to"
    click.echo(f"{note} profile {name!r}", err=True)


def _show_profile(options: RunOptions) -> None:
    """The settings this run resolves to: `sscli -o csv set` shows output = csv."""
    profile = config.resolve(options.profile, options.output)
    shown = {"profile": profile.name, **profile.masked()}
    del shown["name"]
    for key, value in shown.items():
        variable = profile.variable(key)
        click.echo(
            f"{key} = {value} (from {variable})" if variable else f"{key} = {value}"
        )


@cli.command("shell")
@click.pass_context
def shell_command(ctx: click.Context) -> None:
    """The interactive shell, with history and TAB completion (Ctrl-D leaves).

    \b
      sscli -p mycloud shell
      sscli:mycloud> list zones filter=id,name
    """
    ctx.exit(_open_shell(ctx.find_root().obj or {}))


@cli.group("profiles", invoke_without_command=True)
@click.pass_context
def profiles_command(ctx: click.Context) -> None:
    """List the profiles; the current one is marked with *.

    \b
      sscli profiles
      sscli profiles import cmk [PATH]     from CloudMonkey's ~/.cmk/config
      sscli profiles import cs [PATH]      from exoscale cs's ~/.cloudstack.ini
      sscli profiles delete NAME
    """
    if ctx.invoked_subcommand is not None:
        return
    current, names = config.profile_names()
    for name in names:
        click.echo(f"{'*' if name == current else ' '} {name}")
    note = _profile_in_use_note(_options(ctx).profile, names)
    if note:
        click.echo(note, err=True)


def _profile_in_use_note(flag: str | None, names: list[str]) -> str:
    """What a command uses when no listed profile is it: the story `sscli set`
    tells too, since both pick the profile with config.choose_profile."""
    used, source = config.choose_profile(config.load_file(), flag)
    if used in names:
        return ""
    if not source:
        start = "No profiles yet" if not names else "No profile is current"
        return f"{start}; {used!r} is used until you run: sscli set profile NAME"
    named_by = {config.FLAG_SOURCE: "-p", config.FILE_SOURCE: "current_profile"}
    return (
        f"{named_by.get(source, source)} names profile {used!r}, which does not "
        f"exist yet: create it with: sscli set profile {used}"
    )


@profiles_command.command("delete")
@click.argument("name")
def delete_profile_command(name: str) -> None:
    """Delete a profile, its settings and what the cache holds for it."""
    from sscli.catalog.store import forget_profile

    was_current = config.delete_profile(name)
    forget_profile(name)
    click.echo(f"Deleted profile {name!r}", err=True)
    if was_current:
        click.echo(_after_current_deleted(), err=True)


def _after_current_deleted() -> str:
    """What the next command uses once the current profile is gone."""
    _, names = config.profile_names()
    if config.DEFAULT_PROFILE in names:
        return (
            f"It was current; profile {config.DEFAULT_PROFILE!r} is current now "
            "(switch with: sscli set profile NAME)"
        )
    others = f" (profiles: {', '.join(names)})" if names else ""
    return (
        f"It was current; commands now use an empty profile "
        f"{config.DEFAULT_PROFILE!r} until you run: sscli set profile NAME{others}"
    )


@profiles_command.command("import")
@click.argument("source", type=click.Choice(IMPORT_SOURCES))
@click.argument("path", required=False)
def import_command(source: str, path: str | None) -> None:
    """Import CloudMonkey (cmk) or cs profiles; existing keys are updated.

    What sscli cannot use (a bad value, a key it has no setting for, such as
    cs's method or timeout, a section without a url or credentials) is left out
    with a warning that says why; the profile cmk or cs uses by default becomes
    the current one.

    \b
      sscli profiles import cmk            from ~/.cmk/config
      sscli profiles import cs ./lab.ini   from a file of cs's format
    """
    from sscli.importing import import_profiles

    imported = import_profiles(source, path)
    for warning in imported.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for name, values in imported.profiles.items():
        click.echo(
            f"Imported profile {name!r} ({values.get('url', 'no url')})", err=True
        )
    if imported.current:
        click.echo(f"Current profile: {imported.current!r}", err=True)


@cli.command("wait", context_settings={"ignore_unknown_options": True})
@click.argument("jobid")
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def wait_command(ctx: click.Context, jobid: str, words: tuple[str, ...]) -> None:
    """Wait for an async job that is already running, and show its result.

    \b
      sscli wait JOBID
      sscli wait JOBID filter=id,state -o table
    """
    from sscli.args import parse_words
    from sscli.call import finish_job, prepare_output

    selection = parse_words(list(words))
    if selection.params:
        raise UsageError(
            f"wait takes only filter= and exclude=, not {next(iter(selection.params))}="
        )
    options = _options(ctx)
    profile = config.resolve(options.profile, options.output)
    rendering = prepare_output(profile, options, selection.fields, selection.exclude)
    client = make_client(profile, options)
    rendering.write(finish_job(client, {"jobid": jobid}, profile))


@cli.command("login")
@click.pass_context
def login_command(ctx: click.Context) -> None:
    """Log in with the profile's username and password and cache the session."""
    options = _options(ctx)
    profile = config.resolve(options.profile, options.output)
    if profile.apikey or profile.secretkey:
        raise UsageError(
            f"profile {profile.name!r} uses API keys; login is for username/password"
        )
    login = make_client(profile, options).log_in()
    minutes = max(0, int((login.expires_at - time.time()) // 60))
    click.echo(
        f"Logged in as {profile.username} on profile {profile.name!r} "
        f"(session cached for {minutes} min)",
        err=True,
    )


@cli.command("logout")
@click.pass_context
def logout_command(ctx: click.Context) -> None:
    """End the profile's login session and forget it."""
    options = _options(ctx)
    profile = config.resolve(options.profile, options.output)
    if make_client(profile, options).log_out():
        click.echo(f"Logged out of profile {profile.name!r}", err=True)
    else:
        click.echo(f"No login session for profile {profile.name!r}", err=True)


@cli.command("help")
@click.argument("topic", nargs=-1)
@click.pass_context
def help_command(ctx: click.Context, topic: tuple[str, ...]) -> None:
    """Describe a command or an API, or list the APIs whose names have a word.

    \b
      sscli help                      sscli's commands, then every API
      sscli help set                  one of sscli's own commands
      sscli help deployVirtualMachine
      sscli help list zones           (CloudMonkey grammar)
      sscli help list                 every list API
      sscli help snapshot             APIs whose names contain snapshot
    """
    from sscli.catalog import Catalog
    from sscli.help import help_for, show_help

    own = _command_help(ctx, topic)
    if own is not None:
        show_help(own + "\n")
        return
    catalog = Catalog.load(_profile_name(_options(ctx)))
    commands = {
        name: command.get_short_help_str(limit=SHORT_HELP_LIMIT)
        for name, command in cli.commands.items()
        if not command.hidden
    }
    show_help(help_for(catalog, list(topic), commands=commands))


def _command_help(ctx: click.Context, topic: tuple[str, ...]) -> str | None:
    """What `sscli set --help` shows, for `sscli help set`; None for an API."""
    context = ctx.find_root()
    for word in topic:
        group = context.command
        # .commands, not get_command: ApiGroup makes any unknown word an API.
        if not isinstance(group, click.Group) or word not in group.commands:
            return None
        command = group.commands[word]
        context = command.context_class(
            command, info_name=word, parent=context, **command.context_settings
        )
    return context.get_help() if topic else None


def _profile_name(options: RunOptions) -> str | None:
    try:
        return config.resolve(options.profile, options.output).name
    except SscliError:  # help works without a usable profile
        return None


@cli.command("sync")
@click.pass_context
def sync_command(ctx: click.Context) -> None:
    """Fetch the server's API list (listApis) and cache it for this profile."""
    from sscli.catalog import sync

    options = _options(ctx)
    profile = config.resolve(options.profile, options.output)
    count = sync(make_client(profile, options), profile.name)
    click.echo(f"{count} APIs cached for profile {profile.name!r}", err=True)


@cli.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion_command(shell: str) -> None:
    """Print the shell completion script: eval "$(sscli completion bash)"."""
    from sscli.completion import script

    sys.stdout.write(script(shell))


@cli.command("simulator")
@click.option(
    "--port",
    default=0,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1; 0 picks a free one.",
)
@click.option(
    "--vms",
    default=300,
    show_default=True,
    type=click.IntRange(0, 1_000_000),
    help="VMs in the cloud.",
)
@click.option(
    "--page-size",
    default=500,
    show_default=True,
    type=click.IntRange(1),
    help="The server's default.page.size.",
)
@click.option("--detach", is_flag=True, help="Run in the background and return.")
@click.option("--stop", is_flag=True, help="Stop the one started with --detach.")
@click.option("--ready-file", hidden=True, help="Written once serving (--detach).")
@click.pass_context
def simulator_command(
    ctx: click.Context,
    port: int,
    vms: int,
    page_size: int,
    detach: bool,
    stop: bool,
    ready_file: str,
) -> None:
    """Serve a local CloudStack-compatible API and save the profile 'simulator'.

    \b
      sscli simulator                 serve until Ctrl-C
      sscli simulator --detach        serve in the background (again: reuse it)
      sscli -p simulator listZones    then call it like any cloud
      sscli simulator --stop          (a note, not an error, when none runs)
    """
    from sscli import simulator_process

    if stop:
        stopped = simulator_process.stop()
        click.echo(
            "Simulator stopped." if stopped else "No simulator running.", err=True
        )
    elif detach:
        given = {
            name
            for name in ("port", "vms", "page_size")
            if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
        }
        serving, reused = simulator_process.start_detached(port, vms, page_size, given)
        state = "already running" if reused else "started"
        _announce_simulator(serving, state, DETACHED_STOP)
    else:
        sim, serving = simulator_process.start_here(port, vms, page_size)
        # A ready file means this is the child of --detach, talking to its log.
        _announce_simulator(
            serving, "started", DETACHED_STOP if ready_file else CTRL_C_STOP
        )
        if ready_file:  # after the words: the log holds them once --detach returns
            simulator_process.say_ready(ready_file, serving)
        simulator_process.serve_until_stopped(sim)


def _announce_simulator(serving, state: str, how_to_stop: str) -> None:
    """The URL and apikey to use it; the secret key stays in the profile."""
    lines = (
        f"CloudStack simulator {state} at {serving.url} with {serving.vms} VMs; "
        f"{how_to_stop}.",
        f"apikey: {serving.apikey}",
        "Saved profile 'simulator' with its secret key (not shown here; "
        "sscli -p simulator set shows it masked).",
        "Try: sscli -p simulator listZones",
    )
    for line in lines:
        click.echo(line, err=True)
