"""S3 storage through boto3 (AWS, MinIO, Ceph, Garage, moto): multipart above a threshold, aborted on failure.

boto3 is imported here only."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterable, Iterator
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from ..errors import Invalid, NotFound, StorageError

if TYPE_CHECKING:
    from ..config import Settings


from .base import (
    _COPY_BUFFER,
    S3_MIN_PART_SIZE,
    StoredObject,
    _check_range,
    _public_url,
    _TempFiles,
    validate_key,
)


class _BodyReader(io.RawIOBase):
    """A botocore StreamingBody as a proper (buffered) binary file object."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class S3Storage(_TempFiles):
    """Objects under `prefix/` in an S3 bucket; multipart upload above the threshold, aborted on failure."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        prefix: str = "",
        *,
        temp_dir: Path,
        public_base_url: str | None = None,
        multipart_threshold: int = 8 * 1024 * 1024,
    ) -> None:
        super().__init__(temp_dir)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.public_base_url = public_base_url
        self.multipart_threshold = max(1, multipart_threshold)
        self.part_size = max(self.multipart_threshold, S3_MIN_PART_SIZE)

    @classmethod
    def from_settings(cls, settings: Settings, location: str | None = None) -> S3Storage:
        """The media storage of `settings`, or another s3://bucket/prefix (the static export's target) reached
        with the same endpoint, region and credentials."""
        import boto3
        from botocore.config import Config

        url = urlsplit(location or settings.resolved_storage_url)
        if url.scheme != "s3" or not url.netloc:
            raise Invalid(f"storage_url must look like s3://bucket/prefix, not {url.geturl()!r}", code="bad_config")
        config = Config(
            s3={"addressing_style": "path"} if settings.s3_endpoint_url else {},
            retries={"max_attempts": 5, "mode": "standard"},
        )
        client = boto3.session.Session().client(
            "s3", endpoint_url=settings.s3_endpoint_url or None, region_name=settings.s3_region, config=config
        )
        return cls(
            client,
            url.netloc,
            url.path,
            temp_dir=settings.temp_dir,
            public_base_url=settings.storage_public_url,
            multipart_threshold=settings.s3_multipart_threshold,
        )

    def __repr__(self) -> str:
        return f"S3Storage('s3://{self.bucket}/{self.prefix}')"

    def _full(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _list_prefix(self) -> str:
        return f"{self.prefix}/" if self.prefix else ""

    @staticmethod
    def _is_missing(exc: Exception) -> bool:
        from botocore.exceptions import ClientError

        if not isinstance(exc, ClientError):
            return False
        code = str(exc.response.get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    @staticmethod
    def _error(action: str, key: str, exc: Exception) -> StorageError:
        return StorageError(f"S3 could not {action} {key}: {exc}")

    def _head(self, key: str) -> StoredObject | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._full(key))
        except ClientError as exc:
            if self._is_missing(exc):
                return None
            raise self._error("read", key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("read", key, exc) from exc
        etag = head.get("ETag")
        modified = head.get("LastModified")  # botocore's tzutc: made datetime.UTC, which HTTP date formatting needs
        return StoredObject(
            key=key,
            size=int(head["ContentLength"]),
            etag=etag.strip('"') if etag else None,
            content_type=head.get("ContentType"),
            last_modified=modified.astimezone(UTC) if modified is not None else None,
        )

    def _after_put(self, key: str) -> StoredObject:
        stored = self._head(key)
        if stored is None:
            raise StorageError(f"S3 lost {key} right after writing it")
        return stored

    def put_file(self, key: str, source: Path, *, content_type: str) -> StoredObject:
        from boto3.exceptions import S3UploadFailedError
        from boto3.s3.transfer import TransferConfig
        from botocore.exceptions import BotoCoreError, ClientError

        full = self._full(key)
        config = TransferConfig(
            multipart_threshold=self.multipart_threshold, multipart_chunksize=self.part_size, use_threads=True
        )
        if not Path(source).is_file():
            raise StorageError(f"cannot store {source} as {key}: not a file")
        try:
            # s3transfer aborts the multipart upload itself when a part fails.
            self.client.upload_file(
                str(source), self.bucket, full, ExtraArgs={"ContentType": content_type}, Config=config
            )
        except (BotoCoreError, ClientError, S3UploadFailedError, OSError) as exc:
            raise self._error("write", key, exc) from exc
        return self._after_put(key)

    def put_stream(self, key: str, chunks: Iterable[bytes], *, content_type: str) -> StoredObject:
        from botocore.exceptions import BotoCoreError, ClientError

        full = self._full(key)
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            for chunk in chunks:  # exceptions from the producer propagate unchanged (after the abort)
                buffer += chunk
                if len(buffer) >= self.part_size:
                    if upload_id is None:
                        upload_id = self.client.create_multipart_upload(
                            Bucket=self.bucket, Key=full, ContentType=content_type
                        )["UploadId"]
                    self._upload_part(full, upload_id, parts, buffer)
                    buffer = bytearray()
            if upload_id is None:
                self.client.put_object(Bucket=self.bucket, Key=full, Body=bytes(buffer), ContentType=content_type)
            else:
                if buffer:
                    self._upload_part(full, upload_id, parts, buffer)
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=full, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
                upload_id = None
        except BaseException as exc:
            if upload_id is not None:
                with contextlib.suppress(Exception):
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=full, UploadId=upload_id)
            if isinstance(exc, BotoCoreError | ClientError):
                raise self._error("write", key, exc) from exc
            raise
        return self._after_put(key)

    def _upload_part(self, full: str, upload_id: str, parts: list[dict[str, Any]], data: bytearray) -> None:
        number = len(parts) + 1
        response = self.client.upload_part(
            Bucket=self.bucket, Key=full, UploadId=upload_id, PartNumber=number, Body=bytes(data)
        )
        parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def put_bytes(self, key: str, data: bytes, *, content_type: str) -> StoredObject:
        return self.put_stream(key, [data], content_type=content_type)

    def put_published(self, key: str, data: bytes, *, content_type: str, cache_control: str | None) -> None:
        """One small object of a static site (export/): a single PUT (atomic), with the Content-Type and
        Cache-Control a website bucket or CDN serves it with."""
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {"CacheControl": cache_control} if cache_control else {}
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._full(key), Body=data, ContentType=content_type, **extra
            )
        except (BotoCoreError, ClientError) as exc:
            raise self._error("write", key, exc) from exc

    def read_bytes(self, key: str) -> bytes | None:
        """A small object's bytes, or None when it does not exist."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._get(key)["Body"].read()  # type: ignore[no-any-return]
        except NotFound:
            return None
        except (BotoCoreError, ClientError) as exc:
            if self._is_missing(exc):
                return None
            raise self._error("read", key, exc) from exc

    def _get(self, key: str, **extra: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._full(key), **extra)
        except ClientError as exc:
            if self._is_missing(exc):
                raise NotFound(f"no stored object {key}") from exc
            raise self._error("read", key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("read", key, exc) from exc

    def open(self, key: str) -> BinaryIO:
        body = self._get(key)["Body"]
        return io.BufferedReader(_BodyReader(body), buffer_size=_COPY_BUFFER)  # type: ignore[return-value]

    def iter_range(self, key: str, start: int, end: int, chunk_size: int = 65536) -> Iterator[bytes]:
        """Bytes start..end inclusive (an HTTP Range); stops early at the end of the object."""
        from botocore.exceptions import BotoCoreError, ClientError

        _check_range(start, end, chunk_size)
        try:
            response = self._get(key, Range=f"bytes={start}-{end}")
        except StorageError as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") == "InvalidRange":
                return  # start is past the end of the object, like reading past EOF locally
            raise
        body = response["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        except BotoCoreError as exc:
            raise self._error("read", key, exc) from exc
        finally:
            body.close()

    def stat(self, key: str) -> StoredObject | None:
        return self._head(key)

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._full(key))
        except (BotoCoreError, ClientError) as exc:
            if not self._is_missing(exc):
                raise self._error("delete", key, exc) from exc

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        base = self._list_prefix()
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=base + prefix):
                for item in page.get("Contents", []):
                    yield item["Key"][len(base) :]
        except (BotoCoreError, ClientError) as exc:
            raise self._error("list", prefix or "/", exc) from exc

    def public_url(self, key: str) -> str | None:
        return _public_url(self.public_base_url, key)

    def local_path(self, key: str) -> Path | None:
        validate_key(key)
        return None

    def incomplete_uploads(self) -> list[dict[str, Any]]:
        """Multipart uploads under our prefix that were started and never completed or aborted."""
        paginator = self.client.get_paginator("list_multipart_uploads")
        uploads: list[dict[str, Any]] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._list_prefix()):
            uploads.extend(page.get("Uploads", []))
        return uploads

    def cleanup_temp(self, older_than_seconds: float = 0) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        removed = self.cleanup_local_temp(older_than_seconds)
        cutoff = time.time() - older_than_seconds
        try:
            for upload in self.incomplete_uploads():
                initiated = upload.get("Initiated")
                if initiated is not None and initiated.timestamp() > cutoff:
                    continue
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
                removed += 1
        except (BotoCoreError, ClientError) as exc:
            raise self._error("clean up uploads in", self._list_prefix() or "/", exc) from exc
        return removed
