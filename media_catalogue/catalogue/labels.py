"""The names of the catalogue's credit roles and video kinds, marked for translation once: the public pages, the
staff workspace (web.templating) and the newsletter digest (digest.words) translate them when they render."""

from __future__ import annotations

from ..errors import N_

ROLE_LABELS = {
    "host": N_("host"), "guest": N_("guest"), "interviewer": N_("interviewer"), "panelist": N_("panelist"),
    "moderator": N_("moderator"), "speaker": N_("speaker"), "producer": N_("producer"),
}  # fmt: skip
VIDEO_KIND_LABELS = {
    "vlog": N_("Vlog"), "video_podcast": N_("Video podcast"), "testimony": N_("Testimony"),
    "webinar": N_("Webinar"), "short_video": N_("Short video"),
}  # fmt: skip
