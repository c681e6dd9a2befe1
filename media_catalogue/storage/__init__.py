"""Media object storage: the Storage protocol and its two implementations, the local file system (default,
under the data directory) and S3 through boto3 (AWS, MinIO, Ceph, Garage, moto).

Every write is atomic: a reader sees either no object, the old complete object or the new complete one, and
a failed write leaves no object and no temp file behind (S3: no incomplete multipart upload). A crash can
leave a temp file (or an incomplete multipart upload) that `cleanup_temp` removes on the next start.
Large objects stream in bounded chunks; nothing reads a whole file into memory. boto3 lives here only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .base import MAX_KEY_LENGTH, TEMP_PREFIX, Storage, StoredObject, validate_key
from .local import LocalStorage
from .s3 import S3Storage

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "MAX_KEY_LENGTH",
    "TEMP_PREFIX",
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StoredObject",
    "create_storage",
    "validate_key",
]


def create_storage(settings: Settings) -> Storage:
    """LocalStorage for a folder path (the default <data_dir>/media), S3Storage for s3://bucket/prefix."""
    url = settings.resolved_storage_url
    if url.startswith("s3://"):
        return S3Storage.from_settings(settings)
    if url.startswith("file://"):
        url = unquote(urlsplit(url).path)
    return LocalStorage(Path(url), temp_dir=settings.temp_dir, public_base_url=settings.storage_public_url)
