"""RSS feed routes (filled in by the feeds work)."""

from fastapi import APIRouter

router = APIRouter()
