"""The Executor seam: a build rendered on a real Dask cluster of worker processes gives the same files,
errors and manifest as the built-in process pool."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

import pytest

from reports.batch import build
from reports.build_record import RECORD_NAME
from tests.conftest import SHIPPED


def _portfolio(folder: Path) -> Path:
    folder.mkdir()
    text = SHIPPED.read_text("utf-8")
    for i in range(3):
        (folder / f"deal-{i}.yaml").write_text(text.replace("id: zhejiang-alibaba-2023", f"id: deal-{i}"), "utf-8")
    (folder / "broken.yaml").write_text("schema_version: 1\nid: broken\ntitle: [unclosed\n", "utf-8")
    (folder / "invalid.json").write_text('{"schema_version": 1, "id": "Not A Slug"}', "utf-8")
    return folder


def _documents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != RECORD_NAME}


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[Executor]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        yield client.get_executor()


def test_a_dask_cluster_builds_what_the_process_pool_builds(tmp_path: Path, dask_executor: Executor) -> None:
    data = _portfolio(tmp_path / "data")
    pool = build([data], tmp_path / "pool", formats=("pdf",), jobs=2, manifest=tmp_path / "pool.json")
    dask = build([data], tmp_path / "dask", formats=("pdf",), executor=dask_executor,
                 manifest=tmp_path / "dask.json")
    assert dask.workers == 0  # none of ours: the cluster's
    assert len(_documents(tmp_path / "dask")) == 6
    assert _documents(tmp_path / "dask") == _documents(tmp_path / "pool")
    assert [i.file for i in dask.failed] == [str(data / "broken.yaml"), str(data / "invalid.json")]
    assert [p.format() for i in dask.failed for p in i.errors] == [p.format() for i in pool.failed for p in i.errors]
    assert dask.exit_code == pool.exit_code == 1
    shown = (tmp_path / "dask.json").read_text("utf-8").replace(str(tmp_path / "dask"), "OUT")
    assert shown == (tmp_path / "pool.json").read_text("utf-8").replace(str(tmp_path / "pool"), "OUT")
    # The record works the same through the seam: an edit makes only its agreement's documents again
    # (both: each carries its data file, so a memo-only edit changes the briefing's bytes too).
    edited = data / "deal-1.yaml"
    edited.write_text(edited.read_text("utf-8").replace("Strategy Team", "Strategy Office"), "utf-8")
    again = build([data], tmp_path / "dask", formats=("pdf",), executor=dask_executor)
    assert again.rendered == 2 and {o.path.rsplit("/", 1)[1] for o in again.outputs if o.status == "written"} == {
        "deal-1-memo.pdf", "deal-1-briefing.pdf"}


def test_any_executor_plugs_in_and_is_left_open(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data")
    (data / "broken.yaml").unlink()
    (data / "invalid.json").unlink()
    with ThreadPoolExecutor(2) as threads:
        result = build([data], tmp_path / "out", kinds=("memo",), formats=("pdf",), executor=threads)
        assert result.rendered == 3 and threads.submit(lambda: 42).result() == 42  # still usable
    alone = build([data], tmp_path / "alone", kinds=("memo",), formats=("pdf",), jobs=1)
    assert _documents(tmp_path / "out") == _documents(tmp_path / "alone")
    assert [o.sha256 for o in result.outputs] == [o.sha256 for o in alone.outputs]


def test_the_python_api_takes_an_executor_and_says_what_was_current(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    import reports
    from reports.console import summary_line

    with ProcessPoolExecutor(max_workers=1) as pool:
        first = reports.build([SHIPPED], tmp_path, kinds=["memo"], formats=["pdf"], executor=pool)
        second = reports.build([SHIPPED], tmp_path, kinds=["memo"], formats=["pdf"], executor=pool)
    def files(result: reports.batch.BuildResult) -> list[tuple[str, str]]:
        return [(o["path"], o["sha256"]) for i in result.manifest()["inputs"] for o in i["outputs"]]

    assert first.ok and second.ok and files(first) == files(second)
    assert (first.rendered, second.rendered, second.reused) == (1, 0, 1)
    assert summary_line(second).endswith("; 1 already up to date")
    forced = reports.build([SHIPPED], tmp_path, kinds=["memo"], formats=["pdf"], force=True)
    assert forced.rendered == 1
