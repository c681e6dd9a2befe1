"""Refusals and validation messages in the staff's language. The refusal codes of ingest and validation stay what
they are (the API and scripts rely on them); the workspace shows a translated sentence for each. English keeps the
original, more detailed message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..templating import N_

Gettext = Callable[[str], str]

REFUSALS = {
    "bad_filename": N_("The file name cannot be used: rename the file (letters, digits, spaces, dots and dashes) and upload it again."),  # noqa: E501
    "too_large": N_("The file is larger than the limit; export it at a lower bitrate (128 kbps MP3 is about 58 MB per hour) and upload it again."),  # noqa: E501
    "zero_duration": N_("The file plays for less than a second: there is no audio to publish."),
    "absurd_duration": N_("The file claims to play for more than 24 hours; its header is probably damaged. Export it again."),  # noqa: E501
    "no_audio": N_("The file has no audio track."),
    "unsupported_channels": N_("The file has more than two audio channels; export a stereo (or mono, for speech) version."),  # noqa: E501
    "unsupported_sample_rate": N_("The audio's sample rate is one podcast apps do not reliably play; export at 44.1 kHz or 48 kHz."),  # noqa: E501
    "truncated": N_("The file is incomplete: the upload or export was probably interrupted. Export it again and upload the complete file."),  # noqa: E501
    "corrupt": N_("The audio is damaged. Export the file again from the editing software."),
    "unsupported_format": N_("Podcast apps cannot play this kind of file: export an MP3 or M4A and upload that."),
    "not_media": N_("This is not an audio or video file. Upload an MP3 or M4A file."),
    "transcript_invalid": N_("The transcript file cannot be read: upload a WebVTT (.vtt) or SubRip (.srt) file."),
    "chapters_invalid": N_("The chapters cannot be read."),
    "bad_language": N_("Choose the language from the list."),
    "artwork_not_image": N_("This is not an image: upload the artwork as a JPEG or PNG file."),
    "artwork_too_large": N_("The image is larger than 10 MB: export it again as a JPEG (quality 85 is usually under 1 MB)."),  # noqa: E501
    "artwork_format": N_("Upload the artwork as a JPEG or PNG file."),
    "artwork_not_square": N_("The image is not square: podcast directories need a square image."),
    "artwork_size": N_("Upload a square image between 1400×1400 and 3000×3000 pixels."),
    "artwork_color_mode": N_("Upload the artwork as an RGB JPEG or PNG (not CMYK, greyscale or transparent)."),
    "artwork_corrupt": N_("The image is damaged or incomplete: export it again."),
    "empty_upload": N_("Choose a file first."),
    "not_publishable": N_("This episode cannot be published yet: see what is missing below."),
    "import_confirmed": N_("This import was already confirmed."),
    "csrf_failed": N_("The form is out of date or did not come from this site: reload the page and try again."),
    "precondition_failed": N_("Someone else changed this while you were editing. Reload the page to see their changes; what you typed is kept below."),  # noqa: E501
}  # fmt: skip

VALIDATION = {
    "missing": N_("This is needed."),
    "string_too_short": N_("This cannot be empty."),
    "string_too_long": N_("This is too long."),
    "string_pattern_mismatch": N_("This contains characters that are not allowed here."),
    "int_parsing": N_("Write a whole number."),
    "int_from_float": N_("Write a whole number."),
    "greater_than_equal": N_("This number is too small."),
    "greater_than": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "literal_error": N_("Choose one of the values in the list."),
    "enum": N_("Choose one of the values in the list."),
    "bool_parsing": N_("Choose yes or no."),
}


# Sentences the editing services raise as value errors, in the catalogue for validation() to translate.
VALUE_ERRORS = (
    N_("This address is used by the site itself (/shows/page/2 is a page of the show list): choose another one, for example page-podcast."),  # noqa: E501
    N_("not a time zone name such as Europe/Brussels"),
    N_("must be a web address starting with http:// or https://"),
)  # fmt: skip


def refusal(exc: Any, gettext: Gettext, language: str) -> str:
    """The sentence to show for a CatalogueError: translated by its code, or its message when it is a known one."""
    message = str(getattr(exc, "message", exc))
    if language == "en":
        return message
    translated = gettext(message)
    if translated != message:
        return translated
    code = getattr(exc, "code", "")
    return gettext(REFUSALS[code]) if code in REFUSALS else message


def validation(error: dict[str, Any], gettext: Gettext, language: str) -> str:
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if language == "en" and error.get("type") not in ("missing", "string_too_short"):
        return message
    kind = str(error.get("type", ""))
    if kind in VALIDATION:
        return gettext(VALIDATION[kind])
    return gettext(message)


def translations_for_script(gettext: Gettext) -> dict[str, str]:
    """Code -> sentence, for the upload script that reads the staff API's refusals."""
    return {code: gettext(text) for code, text in REFUSALS.items()}
