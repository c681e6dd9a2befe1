"""What the feed checker reports: findings with a severity, the rule broken, what is wrong, how to fix it and
which field to edit."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol


class Severity(enum.StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message: str
    fix: str
    show: str
    episode: str | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        return f"{self.show}/{self.episode}" if self.episode else self.show


class StorageProbe(Protocol):
    """What the checker needs of storage.Storage (which satisfies it)."""

    def exists(self, key: str) -> bool: ...
    def open(self, key: str) -> Any: ...


class Report:
    def __init__(self, show: str) -> None:
        self.show = show
        self.findings: list[Finding] = []

    def error(self, rule: str, message: str, fix: str, *, episode: str | None = None, field: str | None = None) -> None:
        self.findings.append(Finding(Severity.error, rule, message, fix, self.show, episode, field))

    def warning(
        self, rule: str, message: str, fix: str, *, episode: str | None = None, field: str | None = None
    ) -> None:
        self.findings.append(Finding(Severity.warning, rule, message, fix, self.show, episode, field))
