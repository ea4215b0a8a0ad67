"""What several ``reports`` commands share: the option sets, their callbacks and the pipeline's options.

Owns the names of the built-in kinds, formats and report styles as the command line offers them, the
``--debug`` flag, the render options (template folder, theme, strictness, time limit, watermark,
language), the reference-document and memo-line options, the usage check of ``--kind`` and the step
from those options to the pipeline's ``Options``. Nothing heavy is imported at the top: the library
is reached inside the functions, when a command runs.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import click

from reports.kinds import DEFAULT_KINDS
from reports.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from reports.writers.registry import FORMATS

KINDS = DEFAULT_KINDS  # the built-in kinds, built by default; any NAME.md.j2 in --template-dir adds one
DOC_FORMATS = FORMATS  # the document formats, as the writer registry defines them
REPORT_STYLES = ("text", "github", "json")

file_arg = click.Path(dir_okay=False, path_type=Path, allow_dash=True)


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["reports.debug"] = True
    return value


debug_option = click.option(
    "--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
    help="Show Python tracebacks for errors (for bug reports).")


KIND_HELP = ("briefing, memo, or the NAME of your own template NAME.md.j2 in --template-dir "
             "(`reports templates` lists them).")


MAX_TIMEOUT = 1_000_000.0  # seconds (11 days): far above any document, far inside what the timer can hold


class Seconds(click.ParamType[float]):
    """A time limit in seconds: a finite number from 0 to ``MAX_TIMEOUT``.

    click's ``FloatRange`` lets ``inf`` and ``nan`` through (``nan`` compares false with both bounds), and
    the interval timer then fails deep inside a build; here they are usage errors, exit 2."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or not 0 <= number <= MAX_TIMEOUT:
            self.fail(f"{value!r} is not a number of seconds from 0 (no limit) to {MAX_TIMEOUT:,.0f}", param, ctx)
        return number


def render_options(func: Any) -> Any:
    options = [
        click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     metavar="FOLDER",
                     help="Your templates: a file here replaces the built-in one of the same name, and "
                          "each NAME.md.j2 at its top is a kind you can build."),
        click.option("--theme", "theme_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="YAML theme: page size, margins, colours, fonts, logo, classification and "
                          "organisation (see docs/theme-guide.md)."),
        click.option("--strict", is_flag=True,
                     help="Treat warnings (unsupported markup, characters no font can draw, a marking the "
                          "data and the theme give differently) as errors."),
        click.option("--timeout", type=Seconds(), default=DEFAULT_TIMEOUT, show_default=True,
                     metavar="SECONDS", help="Stop a document that takes longer than this (0: no limit)."),
        click.option("--memory-limit", type=click.IntRange(min=0), default=DEFAULT_MEMORY_MB, show_default=True,
                     metavar="MB", expose_value=False,
                     callback=lambda ctx, _param, value: ctx.meta.__setitem__("reports.memory_limit", value),
                     help="Stop an agreement whose documents take more memory than this, in the process "
                          "that renders them (Linux; 0: no limit)."),
        click.option("--watermark", metavar="TEXT", expose_value=False,
                     callback=lambda ctx, _param, value: ctx.meta.__setitem__("reports.watermark", value),
                     help="A mark such as DRAFT behind the text of every page, in both formats (instead "
                          "of the theme's watermark; \"\" for none)."),
        click.option("--lang", metavar="LANG", expose_value=False, callback=_lang,
                     help="Language of the document's labels (BCP-47, e.g. zh-Hans); default: the data's "
                          "`language`."),
        click.option("--no-embed-source", is_flag=True, expose_value=False,
                     callback=lambda ctx, _param, value: ctx.meta.__setitem__("reports.no_embed_source", value),
                     help="Leave the data file and the build record out of the documents (by default each "
                          "document carries them: `reports extract` and `reports verify` read them)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def _lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    # The shape of a BCP-47 tag is checked here, as a usage error; which languages have labels is the
    # pipeline's business (reports.i18n).
    if value is not None and not _LANGUAGE_TAG.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a language tag (BCP-47, e.g. en, fr, zh-Hans)")
    ctx.meta["reports.lang"] = value
    return value


reference_option = click.option(
    "--reference-docx", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Your organisation's Word document (.docx or .dotx): the DOCX output takes its styles, fonts, "
         "page set-up, headers and footers, not its text.")


CLASSIFICATION_HELP = ("The protective marking printed at the top and foot of every page and in the title "
                       "block, instead of the data's (memo.classification) and the theme's.")


def _marking(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    # A marking is never dropped: an empty one is a usage error, not a way to print none.
    if value is not None:
        value = " ".join(value.split())
        if not value:
            raise click.BadParameter("give the marking to print, e.g. OFFICIAL (it cannot be empty)")
    return value


def classification_option(func: Any) -> Any:
    """``--classification TEXT`` for the commands that build many documents (``build``, ``watch``)."""
    return click.option("--classification", metavar="TEXT", callback=_marking, help=CLASSIFICATION_HELP)(func)


def memo_options(func: Any) -> Any:
    for name in ("subject", "cc", "from", "to"):
        func = click.option(f"--{name}", f"memo_{name}", metavar="TEXT",
                            help=f"The memo's {name.upper()} line (instead of the data's memo section).")(func)
    return click.option("--classification", "memo_classification", metavar="TEXT", callback=_marking,
                        help=CLASSIFICATION_HELP)(func)


def marking_overrides(classification: str | None) -> dict[str, str]:
    """The pipeline's ``overrides`` for ``--classification`` (none when it is not given)."""
    return {"classification": classification} if classification else {}


def check_kinds(kinds: tuple[str, ...], template_dir: Path | None) -> None:
    """Refuse, as a usage error (exit 2), a kind that is not a safe name or has no template."""
    from reports.kinds import kind_problem

    for kind in kinds:
        problem = kind_problem(kind, template_dir)
        if problem is not None:
            raise click.UsageError(problem)


def pipeline_options(template_dir: Path | None, theme_file: Path | None, reference_docx: Path | None,
                     strict: bool, timeout: float, overrides: dict[str, str] | None = None) -> Any:
    from reports.limits import source_date_epoch
    from reports.load import load_theme
    from reports.pipeline import Options
    from reports.theme import DEFAULT_THEME

    # A bad SOURCE_DATE_EPOCH is one usage error before any document, not one failure per document;
    # the writers read it through the same function.
    source_date_epoch()
    theme = load_theme(theme_file) if theme_file else DEFAULT_THEME
    meta = click.get_current_context().meta
    return Options(theme=theme, template_dir=template_dir, reference_docx=reference_docx,
                   overrides=overrides or {}, strict=strict, timeout=timeout,
                   watermark=meta.get("reports.watermark"), lang=meta.get("reports.lang"),
                   memory_limit=meta.get("reports.memory_limit", DEFAULT_MEMORY_MB),
                   embed_source=not meta.get("reports.no_embed_source", False))


def against_options(func: Any) -> Any:
    """``--against OLD``, ``--against-template-dir`` and ``--author NAME``: build redlines (``build``)."""
    func = against_template_option(func)
    func = click.option("--author", default="reports", show_default=True, metavar="NAME",
                        help="Who the redline's tracked changes are by (Word shows it beside each change).")(func)
    return click.option("--against", metavar="OLD",
                        help="Build redlines against OLD: a data file (the old version of the one DATA file), "
                             "or git:REV (each DATA file as it was at git revision REV).")(func)


def against_template_option(func: Any) -> Any:
    return click.option("--against-template-dir", "against_template_dir",
                        type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="FOLDER",
                        help="The old version's templates, when they differ from the new version's (with "
                             "--against git:REV, a --template-dir inside the repository is taken at REV).")(func)


def redline_options(options: Any, against: str, author: str, inputs: list[Path], out_dir: Path,
                    template_dir: Path | None = None) -> tuple[Any, Path]:
    """The build's options with the resolved old version, and the output folder: OUT/redline unless the
    user chose one (a redline never takes the place of the plain documents by accident)."""
    import dataclasses

    from reports.against import resolve

    if not author.strip() or any(ord(c) < 32 for c in author) or len(author) > 255:
        raise click.BadParameter("expected a name of 1 to 255 characters without control characters",
                                 param_hint="--author")
    spec = resolve(against, inputs, author=author.strip(), template_dir=template_dir)
    source = click.get_current_context().get_parameter_source("out_dir")
    if source is not None and source.name == "DEFAULT":
        out_dir = out_dir / "redline"
    return dataclasses.replace(options, against=spec), out_dir


def sign_options(func: Any) -> Any:
    """``--sign`` and its companions: every PDF signed (PAdES B-B, or B-T with ``--timestamp-url``)."""
    existing = click.Path(exists=True, dir_okay=False, path_type=Path)
    for option in reversed([
        click.option("--sign", "sign_key", type=existing, metavar="KEY",
                     help="Sign every PDF (PAdES) with KEY: a PKCS#12 archive (.p12, .pfx), or a PEM private key "
                          "with --sign-cert. Its password comes from REPORTS_SIGN_PASSWORD or "
                          "--sign-password-file, never the command line. Word files are not signed."),
        click.option("--sign-cert", type=existing, metavar="CERT", help="The PEM certificate of a PEM --sign key."),
        click.option("--sign-chain", type=existing, multiple=True, metavar="CERT",
                     help="More certificates of the signer's chain to carry (repeatable)."),
        click.option("--sign-password-file", type=existing, metavar="FILE",
                     help="A file whose first line is the key's password (instead of REPORTS_SIGN_PASSWORD)."),
        click.option("--timestamp-url", metavar="URL",
                     help="An RFC 3161 time-stamp authority: the signatures get its time (PAdES B-T)."),
    ]):
        func = option(func)
    return func


def signing(options: Any, sign_key: Path | None, sign_cert: Path | None, sign_chain: tuple[Path, ...],
            sign_password_file: Path | None, timestamp_url: str | None) -> Any:
    """``options`` with the build's ``SignSpec`` (None without ``--sign``); the signer is loaded here once,
    so that a wrong password or an expired certificate stops the command before anything is built, and
    a key file others may read is a warning."""
    import dataclasses

    from reports.console import print_problems
    from reports.pipeline import SignSpec

    if sign_key is None:
        for name, value in (("--sign-cert", sign_cert), ("--sign-chain", sign_chain),
                            ("--sign-password-file", sign_password_file), ("--timestamp-url", timestamp_url)):
            if value:
                raise click.UsageError(f"{name} is for signing: give --sign KEY too")
        return options
    if timestamp_url is not None and not timestamp_url.startswith(("http://", "https://")):
        raise click.BadParameter("expected an http:// or https:// address", param_hint="--timestamp-url")
    from reports.sign_outputs import check

    spec = SignSpec(key=sign_key, certificate=sign_cert, chain=tuple(sign_chain),
                    password_file=sign_password_file, timestamp_url=timestamp_url)
    print_problems(list(check(spec)), "text", warning=True)
    return dataclasses.replace(options, sign=spec)

