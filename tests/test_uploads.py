"""A previewed upload is kept one way, shared by every server process, for one stated lifetime."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from litestar.stores.base import NamespacedStore
from litestar.stores.redis import RedisStore

from conference.app import create_app
from conference.redis_fallback import FallbackStore
from conference.spreadsheets import MAX_FILE_BYTES, ImportFileError
from conference.store import DatabaseStore
from conference.uploads import KEPT_FOR, PreviewedUploads, previewed_uploads, upload_key
from tests.conftest import REDIS_URL, require

DATA = "Họ và tên\nHoàng Cao Thắng\n".encode()


@pytest.fixture(params=["database", "redis"])
async def store(request: pytest.FixtureRequest, db) -> AsyncIterator[NamespacedStore]:
    """The two stores an application keeps uploads in: the database's, or Redis."""
    if request.param == "database":
        yield DatabaseStore().with_namespace("test-uploads")
        return
    require(bool(REDIS_URL), "CONFERENCE_TEST_REDIS_URL is not set")
    redis = RedisStore.with_client(url=REDIS_URL, namespace="conference-test-uploads")
    async with redis:  # closes its connections at the end
        await redis.delete_all()
        yield redis
        await redis.delete_all()


async def test_a_kept_file_is_taken_once(store):
    uploads = PreviewedUploads(store)
    upload_id = await uploads.keep(DATA, purpose="delegates-1")
    assert await uploads.take(upload_id, purpose="delegates-1") == DATA
    assert await uploads.take(upload_id, purpose="delegates-1") is None


async def test_of_many_takes_at_once_one_gets_the_file(store):
    uploads = PreviewedUploads(store)
    upload_id = await uploads.keep(DATA, purpose="delegates-1")
    taken = await asyncio.gather(
        *(uploads.take(upload_id, purpose="delegates-1") for _ in range(8))
    )
    assert taken.count(DATA) == 1 and taken.count(None) == 7


async def test_a_file_kept_by_one_process_is_taken_by_another(store):
    # Two processes share nothing but the store: each builds its own PreviewedUploads.
    upload_id = await PreviewedUploads(store).keep(DATA, purpose="delegates-1")
    assert await PreviewedUploads(store).take(upload_id, purpose="delegates-1") == DATA


async def test_a_file_kept_for_one_import_is_not_found_by_another(store):
    uploads = PreviewedUploads(store)
    upload_id = await uploads.keep(DATA, purpose="delegates-1")
    assert await uploads.take(upload_id, purpose="award-recipients-1") is None
    assert await uploads.take(upload_id, purpose="delegates-2") is None
    assert await uploads.take(upload_id, purpose="delegates-1") == DATA


@pytest.mark.parametrize("upload_id", ["", "../../etc/passwd", "x" * 200, "a:b"])
async def test_an_id_not_given_by_keep_finds_nothing(store, upload_id):
    assert await PreviewedUploads(store).take(upload_id, purpose="delegates-1") is None


async def test_a_file_is_kept_for_one_hour(store):
    assert timedelta(hours=1) == KEPT_FOR
    upload_id = await PreviewedUploads(store).keep(DATA, purpose="delegates-1")
    left = await store.expires_in(upload_key("delegates-1", upload_id))
    assert left is not None and 3590 <= left <= 3600


async def test_a_file_is_gone_once_its_lifetime_is_over(store):
    uploads = PreviewedUploads(store, kept_for=timedelta(seconds=1))
    upload_id = await uploads.keep(DATA, purpose="delegates-1")
    key = upload_key("delegates-1", upload_id)
    assert await store.get(key) == DATA
    deadline = time.monotonic() + 10
    while await store.get(key) is not None:
        assert time.monotonic() < deadline, "the file outlived its lifetime"
        await asyncio.sleep(0.1)
    assert await uploads.take(upload_id, purpose="delegates-1") is None


async def test_a_file_larger_than_an_import_reads_is_not_kept(store):
    with pytest.raises(ImportFileError):
        await PreviewedUploads(store).keep(b"x" * (MAX_FILE_BYTES + 1), purpose="delegates-1")


async def test_expired_files_are_deleted_from_the_database_when_another_is_kept(db):
    store = DatabaseStore().with_namespace("test-uploads")
    short = PreviewedUploads(store, kept_for=timedelta(seconds=-1))  # expired at once
    old = await short.keep(DATA, purpose="delegates-1")
    await PreviewedUploads(store).keep(DATA, purpose="delegates-1")
    assert await store.expires_in(upload_key("delegates-1", old)) is None  # no row left


@pytest.mark.parametrize("redis", [False, True], ids=["database", "redis"])
async def test_two_server_processes_share_the_uploads(db, tmp_path, redis):
    if redis:
        require(bool(REDIS_URL), "CONFERENCE_TEST_REDIS_URL is not set")
    settings = db.settings(tmp_path, redis_url=REDIS_URL if redis else None)
    first, second = (create_app(settings, engine=db.engine) for _ in range(2))
    kept_in = previewed_uploads(first)
    assert isinstance(kept_in.store, FallbackStore if redis else DatabaseStore)
    upload_id = await kept_in.keep(DATA, purpose="delegates-1")
    assert await previewed_uploads(second).take(upload_id, purpose="delegates-1") == DATA
    assert await kept_in.take(upload_id, purpose="delegates-1") is None
