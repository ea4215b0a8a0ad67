"""The ``reports`` command group: its help page, ``--version`` and ``--debug``, and the one place where
errors meet the exit code.

The commands themselves live in the sibling modules and are added to ``main`` by ``reports.cli``; this
module knows none of them.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import click

from reports.cli.options import debug_option
from reports.errors import EXIT_INTERRUPTED, ReportsError
from reports.limits import EXIT_INTERNAL, EXIT_TERMINATED, Terminated, internal_problem, terminate_like_interrupt
from reports.version import __version__

# pyHanko imports cryptography's DSA class, which warns of its deprecation on every `verify` and signed
# build; the tool signs with RSA or ECDSA keys only, so the warning says nothing to its user.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=UserWarning)


class _Group(click.Group):
    """The one place where errors meet the exit code: --debug tracebacks, Ctrl-C (130), SIGTERM (143)
    and bugs of ours (3, one line)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with terminate_like_interrupt():  # kill (SIGTERM) cleans up exactly as Ctrl-C does
                return super().invoke(ctx)
        except ReportsError:
            if ctx.meta.get("reports.debug"):
                import traceback

                traceback.print_exc()
            raise
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            click.echo("terminated" if terminated else "interrupted", err=True)
            ctx.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # `reports ... | head` closed the pipe: nothing left to say, nowhere to say it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except Exception as exc:  # a bug of ours: one line, and the traceback only under --debug
            from reports.workers import WorkerBug

            if isinstance(exc, WorkerBug):  # met in a worker: its own line, and its traceback carried back
                if ctx.meta.get("reports.debug"):
                    click.echo(exc.traceback, err=True)
                click.echo(exc.problem.format(), err=True)
                ctx.exit(EXIT_INTERNAL)
            if ctx.meta.get("reports.debug"):
                import traceback

                traceback.print_exc()
            where = ctx.meta.get("reports.file") or f"reports {ctx.invoked_subcommand or ''}".rstrip()
            click.echo(internal_problem(where, exc).format(), err=True)
            ctx.exit(EXIT_INTERNAL)


HELP = """Turn agreement data (YAML or JSON) into a PDF briefing and a Word memo.

\b
Start with `reports build`: it builds the shipped example agreement into out/
as briefing and memo, each in PDF and DOCX. Then try your own data:
  reports new my-deal            write a starter data file
  reports validate my-deal.yaml  check it; every mistake located
  reports build my-deal.yaml     build its documents
  reports diff old.yaml my-deal.yaml
                                 redline: what changed since old.yaml, marked
Run `reports COMMAND --help` for a command's options.

\b
Exit codes:
  0    success
  1    data, template or document errors (or --check found outdated files)
  2    usage errors (unknown option or kind, missing file argument)
  3    internal error: a bug of ours, one line each (--debug: traceback); outranks 1
  130  interrupted (Ctrl-C); finished files are kept, no partial files are left
  143  terminated (SIGTERM); as for Ctrl-C
"""


@click.group(cls=_Group, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="reports")
@debug_option
def main() -> None:
    """The ``reports`` command group."""
