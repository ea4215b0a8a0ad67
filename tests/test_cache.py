"""Incremental builds: every ingredient of a document's key, changed alone, makes exactly the documents
it decides; a record that cannot be trusted makes everything; the manifest never tells the difference."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reports import build_record, digests, workers
from reports.batch import BuildResult, build
from reports.build_record import RECORD_NAME
from reports.errors import OutputError
from reports.pipeline import Options
from reports.theme import DEFAULT_THEME

MINIMAL = Path(__file__).resolve().parent.parent / "data" / "minimal.yaml"
KINDS = ("note", "letter", "dyn")
NOTE = "# {{ data.title }}\n\n{% import 'partials/macros.md.j2' as m %}{% include 'partials/extra.md.j2' %}\n"
LETTER = "# Letter to {{ data.parties[0].name }}\n\n{{ data.summary }} <span>raw</span>\n\n![seal](seal.png)\n"
DYN = "# Dynamic\n\n{% include 'partials/' ~ ('extra' if data.title else 'none') ~ '.md.j2' %}\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763"
                    "f8ffff3f0005fe02fea7d6a5c90000000049454e44ae426082")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Two agreements (YAML and JSON, unlike the shipped one) and a template folder with three kinds:
    one including a partial, one showing an image, one naming its partial by an expression."""
    data = tmp_path / "data"
    data.mkdir()
    text = MINIMAL.read_text("utf-8")
    (data / "alpha.yaml").write_text(text.replace("id: minimal-example", "id: alpha"), "utf-8")
    import yaml

    beta = yaml.safe_load(text.replace("id: minimal-example", "id: beta-2"))
    beta["agreement"]["signed"] = "2024-01-15"
    (data / "beta.json").write_text(json.dumps(beta), "utf-8")
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    (tpl / "note.md.j2").write_text(NOTE, "utf-8")
    (tpl / "letter.md.j2").write_text(LETTER, "utf-8")
    (tpl / "dyn.md.j2").write_text(DYN, "utf-8")
    (tpl / "partials" / "extra.md.j2").write_text("Summary: {{ data.summary }}\n", "utf-8")
    (tpl / "seal.png").write_bytes(PNG)
    return tmp_path


class Made:
    """(data file stem, kind) of every document rendered, in order. Builds render in worker processes,
    forked from this one with the spy below: each call is appended to a file, read back here."""

    def __init__(self, log: Path) -> None:
        self.log = log
        log.write_text("", "utf-8")

    def _calls(self) -> list[tuple[str, str]]:
        return [(stem, kind) for stem, kind in (line.split("\t") for line in self.log.read_text("utf-8").splitlines())]

    def clear(self) -> None:
        self.log.write_text("", "utf-8")

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._calls())

    def __len__(self) -> int:
        return len(self._calls())

    def __contains__(self, item: object) -> bool:
        return item in self._calls()

    def __eq__(self, other: object) -> bool:
        return self._calls() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._calls())


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Made:
    calls = Made(tmp_path_factory.mktemp("made") / "calls.tsv")
    real = workers.render_formats

    def spy(agreement: Any, kind: str, formats: Any, options: Any, *, source: str, **more: Any) -> Any:
        with calls.log.open("a", encoding="utf-8") as log:  # one line per call, from whichever process
            log.write(f"{Path(source).stem}\t{kind}\n")
        return real(agreement, kind, formats, options, source=source, **more)

    monkeypatch.setattr(workers, "render_formats", spy)
    return calls


def _build(root: Path, *, formats: tuple[str, ...] = ("pdf",), kinds: tuple[str, ...] = KINDS,
           **options: Any) -> BuildResult:
    more = {k: options.pop(k) for k in ("force", "check", "manifest", "executor") if k in options}
    opts = Options(template_dir=root / "tpl", **options)
    return build([root / "data"], root / "out", kinds=kinds, formats=formats, options=opts, **more)


ALL = {(stem, kind) for stem in ("alpha", "beta") for kind in KINDS}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


# Each change, and the documents it must make again (the others stay as they are).
CHANGES: dict[str, tuple[Callable[[Path], object], set[tuple[str, str]]]] = {
    "data file": (lambda r: _edit(r / "data" / "alpha.yaml", "together.", "together again."),
                  {("alpha", k) for k in KINDS}),
    "partial": (lambda r: _edit(r / "tpl" / "partials" / "extra.md.j2", "Summary:", "In short:"),
                {(s, k) for s in ("alpha", "beta") for k in ("note", "dyn")}),
    "kind template": (lambda r: _edit(r / "tpl" / "letter.md.j2", "Letter to", "A letter to"),
                      {(s, k) for s in ("alpha", "beta") for k in ("letter", "dyn")}),
    # A macro file of its own (imported without context, it cannot name `data`). Each build renders in
    # fresh workers, so the override is seen: a process that rendered before kept the built-in compiled.
    "override of a built-in partial": (
        lambda r: (r / "tpl" / "partials" / "macros.md.j2").write_text(
            "{% macro seal() %}(sealed){% endmacro %}\n", "utf-8"),
        {(s, k) for s in ("alpha", "beta") for k in ("note", "dyn")}),
    "image in the template folder": (lambda r: (r / "tpl" / "seal.png").write_bytes(PNG + b"\0"), ALL),
    "watermark": (lambda r: {"watermark": "DRAFT"}, ALL),
    "language": (lambda r: {"lang": "fr"}, ALL),
    "strict": (lambda r: {"strict": True, "_expect_errors": True}, set()),
    "memo overrides": (lambda r: {"overrides": {"to": "The Board"}}, ALL),
    "theme": (lambda r: {"theme": DEFAULT_THEME.model_copy(update={"page_size": "Letter"})}, ALL),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_ingredient_makes_exactly_the_documents_it_decides(site: Path, made: Made,
                                                                 change: str) -> None:
    apply, expected = CHANGES[change]
    assert _build(site).ok and set(made) == ALL
    made.clear()
    applied = apply(site)
    options = applied if isinstance(applied, dict) else {}
    errors_expected = options.pop("_expect_errors", False)
    result = _build(site, **options)
    if errors_expected:  # --strict turns the letter's warning into an error: that document is not kept
        assert not result.ok and {(Path(i.file).stem, "letter") for i in result.failed} == {
            ("alpha", "letter"), ("beta", "letter")}
        return
    assert result.ok, result.manifest()
    assert set(made) == expected, change
    again = list(made)
    made.clear()
    assert _build(site, **options).ok and made == [], f"{change}: a second build made {again} again"


def test_source_date_epoch_and_the_tools_code_are_in_the_key(site: Path, made: Made,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert _build(site).ok
    made.clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert _build(site).ok and set(made) == ALL
    made.clear()
    # Another version of the package (any change to its .py files) distrusts the whole record.
    monkeypatch.setattr(digests, "tool_digest", lambda: "0" * 64)
    assert _build(site).ok and set(made) == ALL


def test_reference_document_and_theme_files_count_by_content(site: Path, made: Made) -> None:
    from reports.load import load_theme
    from reports.paths import builtin_templates_dir

    reference = site / "corporate.docx"
    shutil.copy(builtin_templates_dir() / "reference.docx", reference)
    theme_file = site / "theme" / "theme.yaml"
    theme_file.parent.mkdir()
    (theme_file.parent / "logo.png").write_bytes(PNG)
    theme_file.write_text("logo: logo.png\n", "utf-8")
    kinds = ("letter",)
    options = {"reference_docx": reference, "theme": load_theme(theme_file)}
    assert _build(site, kinds=kinds, formats=("docx",), **options).ok
    made.clear()
    assert _build(site, kinds=kinds, formats=("docx",), **options).ok and made == []
    (theme_file.parent / "logo.png").write_bytes(PNG + b"\0\0")  # the logo's bytes, same path
    assert _build(site, kinds=kinds, formats=("docx",), **options).ok and len(made) == 2
    made.clear()
    with reference.open("ab") as handle:  # the reference's bytes (a zip still reads with a tail)
        handle.write(b"\0")
    _build(site, kinds=kinds, formats=("docx",), **options)
    assert len(made) == 2


def test_manifest_of_an_incremental_build_is_that_of_a_full_one(site: Path, made: Made) -> None:
    first = _build(site, formats=("pdf", "docx"))
    assert first.ok and any(i.warnings for i in first.inputs)  # the letter's raw HTML is warned about
    made.clear()
    _edit(site / "data" / "alpha.yaml", "together.", "together, again.")
    incremental = _build(site, formats=("pdf", "docx"))
    assert {stem for stem, _ in made} == {"alpha"}
    made.clear()
    current = _build(site, formats=("pdf", "docx"))  # nothing to make
    assert made == []
    full = _build(site, formats=("pdf", "docx"), force=True)
    assert set(made) == ALL
    assert current.manifest() == full.manifest()
    assert [o.status for o in full.outputs] == ["unchanged"] * 12
    # The build that made alpha's documents wrote them; otherwise it reported what a full build does.
    assert [o.status for o in incremental.outputs] == ["written"] * 6 + ["unchanged"] * 6
    for output in incremental.outputs:
        output.status = "unchanged"
    assert incremental.manifest() == full.manifest()


def test_a_deleted_or_edited_output_comes_back(site: Path, made: Made) -> None:
    assert _build(site).ok
    made.clear()
    out = site / "out"
    good = (out / "alpha-note.pdf").read_bytes()
    (out / "alpha-note.pdf").unlink()
    letter = out / "beta-2-letter.pdf"
    info = letter.stat()
    data = bytearray(letter.read_bytes())
    data[len(data) // 2] ^= 1  # one bit, same size, and the old modification time put back
    letter.write_bytes(bytes(data))
    os.utime(letter, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert _build(site).ok
    assert sorted(made) == [("alpha", "note"), ("beta", "letter")]
    assert (out / "alpha-note.pdf").read_bytes() == good


def test_a_copied_output_folder_is_proved_current_by_its_hashes(site: Path, made: Made) -> None:
    assert _build(site).ok
    shutil.rmtree(site / "data-copy", ignore_errors=True)
    moved = site / "out-restored"
    shutil.copytree(site / "out", moved)  # new inodes and times, as a CI cache restores them
    shutil.rmtree(site / "out")
    moved.rename(site / "out")
    made.clear()
    assert _build(site).ok and made == []
    record = json.loads((site / "out" / RECORD_NAME).read_text("ascii"))
    stats = {name: entry["stat"][0] for name, entry in record["outputs"].items()}
    assert stats["alpha-note.pdf"] == (site / "out" / "alpha-note.pdf").stat().st_ino  # refreshed


def test_force_makes_everything(site: Path, made: Made) -> None:
    assert _build(site).ok
    made.clear()
    again = _build(site)
    assert again.ok and (again.rendered, again.reused) == (0, 6)
    forced = _build(site, force=True)
    assert forced.ok and set(made) == ALL and (forced.rendered, forced.reused) == (6, 0)


def test_check_makes_every_document_and_never_reads_the_record(site: Path, made: Made) -> None:
    assert _build(site).ok
    record = site / "out" / RECORD_NAME
    before = record.read_bytes(), record.stat().st_mtime_ns
    made.clear()
    result = _build(site, check=True)
    # Every document is made in memory and compared, whatever the record says.
    assert result.ok and set(made) == ALL and [o.status for o in result.outputs] == ["ok"] * 6
    assert result.reused == 0 and result.rendered == 6
    note = site / "out" / "alpha-note.pdf"
    info = note.stat()
    data = bytearray(note.read_bytes())
    data[-20] ^= 1
    note.write_bytes(bytes(data))
    os.utime(note, ns=(info.st_atime_ns, info.st_mtime_ns))
    made.clear()
    result = _build(site, check=True)
    assert not result.ok and [o.path for o in result.stale] == [note.as_posix()]
    assert set(made) == ALL
    assert (record.read_bytes(), record.stat().st_mtime_ns) == before  # --check writes nothing, the record neither


def _poison(root: Path, stem: str, suffix: str, name: str) -> None:
    """Edit the record as a pull request could: the entry of ``name`` made to claim that the file on disk
    now is what the data file (as it now is) makes: the current key, the file's hash, size and identity."""
    record = root / "out" / RECORD_NAME
    value = json.loads(record.read_text("ascii"))
    source = str(root / "data" / f"{stem}{suffix}")
    digest = digests.data_digest(source)
    assert digest is not None
    kind, fmt = name.removeprefix(f"{json.loads(json.dumps(value))['inputs'][source][1]}-").split(".")
    keys = digests.Keys(Options(template_dir=root / "tpl"), KINDS, ("pdf",))
    path = root / "out" / name
    identity = build_record.file_identity(path)
    assert identity is not None
    value["inputs"][source][0] = digest
    value["outputs"][name].update(key=keys.key(source, digest, kind, fmt), size=path.stat().st_size,
                                  sha256=hashlib.sha256(path.read_bytes()).hexdigest(), stat=list(identity))
    record.write_text(json.dumps(value), "ascii")


def test_check_is_exact_against_a_record_edited_to_match_a_changed_document(site: Path,
                                                                          made: Made) -> None:
    # The data changes, the document on disk does not, and the record is edited to say it is current.
    assert _build(site).ok
    _edit(site / "data" / "alpha.yaml", "together.", "together again.")
    _poison(site, "alpha", ".yaml", "alpha-note.pdf")
    result = _build(site, check=True)
    stale = {Path(o.path).name for o in result.stale}
    assert not result.ok and "alpha-note.pdf" in stale and stale == {f"alpha-{k}.pdf" for k in KINDS}
    assert result.exit_code == 1


def test_check_is_exact_against_a_swapped_document_and_its_record(site: Path, made: Made) -> None:
    # Another variant: the document is swapped for another one (here the note), and the record says it is current.
    assert _build(site).ok
    shutil.copyfile(site / "out" / "alpha-note.pdf", site / "out" / "alpha-letter.pdf")
    _poison(site, "alpha", ".yaml", "alpha-letter.pdf")
    result = _build(site, check=True)
    assert not result.ok and [o.path for o in result.stale] == [(site / "out" / "alpha-letter.pdf").as_posix()]
    assert [o.status for o in result.outputs].count("differs") == 1


def _lie(root: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    record = root / "out" / RECORD_NAME
    value = json.loads(record.read_text("ascii"))
    change(value)
    record.write_text(json.dumps(value), "ascii")
    return record


def _give_id(value: dict[str, Any], stem: str, new_id: str) -> None:
    """Give ``stem``'s data file the id ``new_id`` in the record, and rename its entries to match."""
    for source, pair in value["inputs"].items():
        if Path(source).stem == stem:
            old = pair[1]
            pair[1] = new_id
    value["outputs"] = {(new_id + name[len(old):] if name.startswith(old + "-") else name): entry
                        for name, entry in value["outputs"].items()}


def _add_entry(value: dict[str, Any], name: str) -> None:
    value["outputs"][name] = value["outputs"]["alpha-note.pdf"]


RECORD_LIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "another agreement's id": lambda v: _give_id(v, "alpha", "beta-2"),
    "an id no data file has": lambda v: _give_id(v, "alpha", "gamma"),
    "an id leaving the folder": lambda v: _give_id(v, "alpha", "../escaped"),
    "an id with a slash": lambda v: _give_id(v, "alpha", "sub/alpha"),
    "a kind with a slash": lambda v: _add_entry(v, "alpha-a/../../memo.pdf"),
    "an output name outside the folder": lambda v: _add_entry(v, "../x-note.pdf"),
    "an unknown format": lambda v: _add_entry(v, "alpha-note.exe"),
}


@pytest.mark.parametrize("lie", list(RECORD_LIES))
def test_a_record_id_or_name_is_checked_never_followed(site: Path, made: Made, lie: str) -> None:
    assert _build(site).ok
    expected = {p.name: p.read_bytes() for p in (site / "out").glob("*.pdf")}
    _lie(site, RECORD_LIES[lie])
    made.clear()
    result = _build(site)
    assert result.ok, result.inputs
    # Each agreement's documents under its own names, nothing else, nothing outside the folder.
    assert {p.name: p.read_bytes() for p in (site / "out").glob("*.pdf")} == expected
    assert sorted(p.name for p in site.iterdir()) == ["data", "out", "tpl"]
    assert {Path(o.path).name for o in result.outputs} == set(expected)
    if lie != "an id no data file has":  # a claim the data file does not make is simply not used
        assert result.record_error and result.record_error.startswith(
            f"warning: the build record {RECORD_NAME} was ignored"), result.record_error
        assert set(made) == ALL
    assert json.loads((site / "out" / RECORD_NAME).read_text("ascii"))["version"] == 1


def test_a_record_id_the_data_file_does_not_declare_is_not_used(site: Path) -> None:
    assert build_record.declares_id(b"title: x\nid: alpha\n", "alpha")
    assert build_record.declares_id(b'{"title": "x", "id": "alpha"}', "alpha")
    assert not build_record.declares_id(b"title: x\nid: alpha\nid: beta\n", "alpha")
    assert not build_record.declares_id(b"title: x\n  id: alpha\n", "alpha")
    assert not build_record.declares_id(b"id: alpha\n", "../alpha")
    assert build_record.is_agreement_id("a-b-2") and not build_record.is_agreement_id("a--b")


def test_the_record_id_rule_is_the_models() -> None:
    from reports.model import Agreement

    pattern = Agreement.model_json_schema()["properties"]["id"]
    assert pattern["pattern"] == "^" + build_record._ID.pattern + "$"
    assert pattern["maxLength"] == build_record.MAX_ID_LENGTH


def test_a_record_at_its_size_bound_is_refused_by_its_shape_and_over_it_by_its_size(
        site: Path, made: Made) -> None:
    assert _build(site).ok
    record = site / "out" / RECORD_NAME
    bound = build_record.max_record_bytes(site / "out")
    good = json.loads(record.read_text("ascii"))
    head = json.dumps({**good, "padding": []})[:-3] + '"padding": ['
    for size, why in ((bound, "a list longer than"), (bound + 1, "larger than the")):
        items = (size - len(head) - 2) // 3
        text = head + ",".join(["[]"] * items) + "]}"
        text = text[:-2] + " " * (size - len(text)) + "]}"
        assert len(text) == size
        record.write_text(text, "ascii")
        made.clear()
        result = _build(site)
        assert result.ok and set(made) == ALL
        assert result.record_error and why in result.record_error, result.record_error
    assert bound < 64 * 1024 * 1024  # proportional to the folder, not a fixed 256 MB


def test_python_O_neither_escapes_the_folder_nor_trusts_the_record(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = tmp_path / "data"
    data.mkdir()
    (data / "memo.yaml").write_bytes(MINIMAL.read_bytes())
    out = tmp_path / "out"
    command = [sys.executable, "-O", "-m", "reports", "build", str(data), "-d", str(out), "--kind", "memo",
               "--format", "pdf", "-j", "1"]
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    assert subprocess.run(command, env=env, capture_output=True, timeout=300).returncode == 0
    value = json.loads((out / RECORD_NAME).read_text("ascii"))
    _give_id(value, "memo", "../escaped")
    (out / RECORD_NAME).write_text(json.dumps(value), "ascii")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"the build record {RECORD_NAME} was ignored" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]
    assert (out / "minimal-example-memo.pdf").is_file()


def _records(root: Path) -> Iterator[tuple[str, Callable[[Path], None]]]:
    good = json.loads((root / "out" / RECORD_NAME).read_text("ascii"))

    def write(value: object) -> Callable[[Path], None]:
        return lambda path: path.write_text(json.dumps(value), "ascii")

    def entry(field: str, value: object) -> dict[str, Any]:
        changed = json.loads(json.dumps(good))
        next(iter(changed["outputs"].values()))[field] = value
        return changed

    yield "garbage", lambda path: path.write_bytes(b"\x00\xff not json")
    yield "truncated", lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    yield "another version", write({**good, "version": 99})
    yield "another tool", write({**good, "tool": "f" * 64})
    yield "not a record", write({"outputs": {}, "inputs": {}})
    yield "a list", write([1, 2, 3])
    yield "stat of the wrong type", write(entry("stat", "yesterday"))
    yield "negative size", write(entry("size", -1))
    yield "key not hex", write(entry("key", "k" * 64))
    yield "warning of the wrong shape", write(entry("warnings", [{"file": 1}]))
    yield "deeply nested", lambda path: path.write_bytes(b"[" * 100_000)
    yield "a folder", lambda path: (path.unlink(), path.mkdir())  # type: ignore[func-returns-value]


def test_a_record_that_cannot_be_trusted_means_everything_is_made(site: Path, made: Made) -> None:
    assert _build(site).ok
    expected = {p.name: p.read_bytes() for p in (site / "out").glob("*.pdf")}
    for name, spoil in list(_records(site)):
        made.clear()
        record = site / "out" / RECORD_NAME
        spoil(record)
        result = _build(site)
        assert set(made) == ALL, name
        assert {p.name: p.read_bytes() for p in (site / "out").glob("*.pdf")} == expected, name
        if record.is_dir():  # cannot be replaced: the build says so and still succeeds
            assert result.ok and result.record_error and "build record could not be written" in result.record_error
            record.rmdir()
            assert _build(site).ok
        else:
            assert result.ok, name
            # A record of another version is expected after an upgrade; anything else is said once.
            assert result.record_error is None or result.record_error.startswith(
                f"warning: the build record {RECORD_NAME} was ignored"), name
            assert json.loads(record.read_text("ascii"))["version"] == build_record.RECORD_VERSION, name


def test_a_record_entry_claiming_other_bytes_is_not_believed(site: Path, made: Made) -> None:
    # A record naming the right key but another file's hash and identity: the file is checked, not the claim.
    assert _build(site).ok
    record = site / "out" / RECORD_NAME
    value = json.loads(record.read_text("ascii"))
    value["outputs"]["alpha-note.pdf"]["sha256"] = "0" * 64
    value["outputs"]["alpha-note.pdf"]["stat"] = [0, 0, 0, 0]
    record.write_text(json.dumps(value), "ascii")
    made.clear()
    assert _build(site).ok and made == [("alpha", "note")]


def test_the_record_is_refused_as_a_manifest_and_is_not_read_as_data(site: Path) -> None:
    assert _build(site).ok
    with pytest.raises(OutputError, match="the build record"):
        _build(site, manifest=site / "out" / RECORD_NAME)
    # A build whose data folder is also its output folder does not take the record for an agreement.
    shutil.copy(site / "data" / "alpha.yaml", site / "out" / "alpha.yaml")
    result = build([site / "out"], site / "out", kinds=("letter",), formats=("pdf",),
                   options=Options(template_dir=site / "tpl"))
    assert result.ok and [Path(i.file).name for i in result.inputs] == ["alpha.yaml"]


def test_incremental_false_neither_reads_nor_writes_a_record(site: Path, made: Made) -> None:
    result = build([site / "data"], site / "out", kinds=("letter",), formats=("pdf",),
                   options=Options(template_dir=site / "tpl"), incremental=False)
    assert result.ok and not (site / "out" / RECORD_NAME).exists() and len(made) == 2


def test_template_references_are_followed_and_computed_names_widen_the_key(tmp_path: Path) -> None:
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    (tpl / "a.md.j2").write_text("{% extends 'partials/base.md.j2' %}", "utf-8")
    (tpl / "partials" / "base.md.j2").write_text("{% from 'partials/m.md.j2' import x %}{{ x() }}", "utf-8")
    (tpl / "partials" / "m.md.j2").write_text("{% macro x() %}x{% endmacro %}", "utf-8")
    (tpl / "partials" / "unused.md.j2").write_text("u", "utf-8")
    before = digests.template_digest("a", tpl)
    (tpl / "partials" / "unused.md.j2").write_text("changed", "utf-8")
    assert digests.template_digest("a", tpl) == before  # not reachable from a: not part of its key
    (tpl / "partials" / "m.md.j2").write_text("{% macro x() %}y{% endmacro %}", "utf-8")
    assert digests.template_digest("a", tpl) != before  # two steps away, still in the key
    (tpl / "b.md.j2").write_text("{% include name %}", "utf-8")
    dynamic = digests.template_digest("b", tpl)
    (tpl / "partials" / "unused.md.j2").write_text("changed again", "utf-8")
    assert digests.template_digest("b", tpl) != dynamic  # a computed name: every file counts


def test_new_options_count_without_a_change_to_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # The options are walked field by field: one added to Options later is in the key at once.
    import dataclasses

    extended = dataclasses.make_dataclass("Extended", [("pdf_archival", bool, dataclasses.field(default=False))],
                                          bases=(Options,), frozen=True)
    assert digests.options_digest(extended()) != digests.options_digest(extended(pdf_archival=True))
    assert digests.options_digest(Options(timeout=5)) == digests.options_digest(Options(timeout=60))


def test_the_chinese_face_found_on_the_machine_is_in_the_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The face is not named by the theme but found among the machine's fonts: installing another font
    # (or updating the one found) changes documents with Chinese text, so it changes the key.
    from reports.fonts import cjk as cjk_fonts

    font = tmp_path / "face.ttf"
    font.write_bytes(b"\0" * 100)
    chosen: list[Any] = [cjk_fonts.CjkFace(font, 0, "Some Song", False)]
    monkeypatch.setattr(cjk_fonts, "find_cjk_face", lambda preferred=None, base=None: chosen[0])
    first = digests.options_digest(Options())
    font.write_bytes(b"\0" * 101)  # the same file, updated
    second = digests.options_digest(Options())
    chosen[0] = cjk_fonts.CjkFace(font, 1, "Some Song", False)  # another face of the collection
    third = digests.options_digest(Options())
    chosen[0] = None  # no Chinese face on the machine
    assert len({first, second, third, digests.options_digest(Options())}) == 4
