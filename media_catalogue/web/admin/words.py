"""Words for people, not for programs: the label of every enumerated value the workspace shows, languages by their
own names, field names as the forms call them, and audit entries as sentences ("Amina uploaded the audio of
Episode 3"). Every string is marked for the gettext catalogues and translated when shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..templating import N_, ROLE_LABELS, language_label

Gettext = Callable[[str], str]

LABELS: dict[str, dict[str, str]] = {
    "episode_type": {"full": N_("Full episode"), "trailer": N_("Trailer"), "bonus": N_("Bonus")},
    "show_type": {"episodic": N_("Episodic: newest first"), "serial": N_("Serial: listen in order")},
    "status": {
        "draft": N_("Draft"), "scheduled": N_("Scheduled"), "published": N_("Published"),
        "unpublished": N_("Unpublished"), "deleted": N_("Deleted"), "live": N_("Live"),
    },
    "link_kind": {
        "other": N_("Other page"), "spotify": "Spotify", "apple": "Apple Podcasts", "youtube": "YouTube",
        "facebook": "Facebook", "website": N_("Website"), "vimeo": "Vimeo",
    },
    "staff_role": {"admin": N_("Admin"), "editor": N_("Editor"), "contributor": N_("Contributor"),
                   "viewer": N_("Viewer")},
    "severity": {"error": N_("Must fix"), "warning": N_("Should fix"), "info": N_("Good to know")},
    "import_state": {
        "preview": N_("Preview"), "queued": N_("Waiting to start"), "running": N_("Importing"), "done": N_("Finished"),
        "failed": N_("Failed"), "stalled": N_("Stopped: the server running it restarted"),
    },
    "file_state": {"waiting": N_("Waiting"), "downloading": N_("Downloading"), "done": N_("Downloaded"),
                   "failed": N_("Failed")},
    "object_type": {"episode": N_("Episodes"), "show": N_("Shows"), "video": N_("Videos"), "person": N_("People"),
                    "project": N_("Projects"), "user": N_("Accounts"), "import": N_("Imports")},
    "via": {"web": N_("in the workspace"), "api": N_("through the API"), "cli": N_("on the command line")},
    "field": {
        "title": N_("Title"), "slug": N_("Address"), "number": N_("Episode number"), "season": N_("Season"),
        "season_name": N_("Season name"), "episode_type": N_("Type"), "explicit": N_("Explicit content"),
        "summary": N_("Summary"), "show_notes": N_("Show notes"), "people": N_("People"), "chapters": N_("Chapters"),
        "links": N_("Links"), "translations": N_("Translations"), "published_at": N_("Go live on"),
        "status": N_("Status"), "artwork_key": N_("Artwork"), "media": N_("Audio"), "transcripts": N_("Transcripts"),
        "guid": N_("Permanent identifier"), "description": N_("Description"), "language": N_("Language"),
        "timezone": N_("Time zone"), "category": N_("Category"), "owner_email": N_("Owner's e-mail"),
        "owner_name": N_("Owner"), "author": N_("Author"), "website": N_("Website"), "name": N_("Name"),
        "bio": N_("Biography"), "audio": N_("Audio"), "artwork": N_("Artwork"), "deleted_at": N_("Deleted on"),
        "subtitle": N_("Subtitle"), "copyright": N_("Copyright"), "license": N_("License"),
        "funding_url": N_("Support page"), "spotify_url": N_("Spotify address"),
        "apple_podcasts_url": N_("Apple Podcasts address"), "show_type": N_("Order of episodes"),
        "owner.email": N_("Owner's e-mail"), "owner.name": N_("Owner"), "subcategory": N_("Category"),
        "funding_text": N_("Support link text"), "project": N_("Project"), "complete": N_("Complete"),
        "published_on": N_("Date"), "subtitle_languages": N_("Subtitle languages"), "kind": N_("Type"),
        "url": N_("Video address"), "series": N_("Series"),
    },
}  # fmt: skip

# "%(who)s ... %(what)s": one sentence per audit action; unknown actions fall back to a neutral sentence.
ACTIONS = {
    "episode.create": N_("%(who)s created %(what)s"),
    "episode.update": N_("%(who)s edited %(what)s"),
    "episode.publish": N_("%(who)s published %(what)s"),
    "episode.schedule": N_("%(who)s scheduled %(what)s"),
    "episode.unpublish": N_("%(who)s unpublished %(what)s"),
    "episode.delete": N_("%(who)s deleted %(what)s"),
    "episode.restore": N_("%(who)s restored %(what)s"),
    "episode.purge_files": N_("%(who)s removed the files of %(what)s"),
    "episode.upload_primary": N_("%(who)s uploaded the audio of %(what)s"),
    "episode.upload_audio": N_("%(who)s uploaded the audio of %(what)s"),
    "episode.upload_alternate": N_("%(who)s uploaded another version of the audio of %(what)s"),
    "episode.upload_artwork": N_("%(who)s uploaded the artwork of %(what)s"),
    "episode.upload_transcript": N_("%(who)s uploaded a transcript of %(what)s"),
    "show.create": N_("%(who)s created the show %(what)s"),
    "show.update": N_("%(who)s changed the settings of %(what)s"),
    "show.delete": N_("%(who)s deleted the show %(what)s"),
    "show.import": N_("%(who)s imported the feed of %(what)s"),
    "show.import.owner_confirmed": N_("%(who)s confirmed the owner agreed to move %(what)s"),
    "show.move_feed": N_("%(who)s moved the feed of %(what)s"),
    "import.confirm": N_("%(who)s started importing a feed into %(what)s"),
    "video.create": N_("%(who)s added the video %(what)s"),
    "video.update": N_("%(who)s edited the video %(what)s"),
    "video.delete": N_("%(who)s deleted the video %(what)s"),
    "video.import": N_("%(who)s imported the video %(what)s"),
    "person.create": N_("%(who)s added %(what)s to the people"),
    "person.update": N_("%(who)s edited %(what)s"),
    "person.delete": N_("%(who)s removed %(what)s from the people"),
    "project.create": N_("%(who)s created the project %(what)s"),
    "project.update": N_("%(who)s edited the project %(what)s"),
    "project.delete": N_("%(who)s deleted the project %(what)s"),
    "user.login": N_("%(who)s signed in"),
    "user.create": N_("%(who)s created the account %(what)s"),
    "user.disable": N_("%(who)s disabled the account %(what)s"),
    "user.enable": N_("%(who)s enabled the account %(what)s"),
    "user.grant": N_("%(who)s gave a role to %(what)s"),
    "user.revoke": N_("%(who)s took a role from %(what)s"),
    "user.reset_password": N_("%(who)s reset the password of %(what)s"),
    "token.create": N_("%(who)s created an API token"),
    "token.revoke": N_("%(who)s revoked an API token"),
}
OTHER_ACTION = N_("%(who)s changed %(what)s")
# The interface languages and content languages offered in menus, each named in its own language.
CONTENT_LANGUAGES = ("en", "fr", "nl", "de", "ar", "es", "it", "pt", "tr", "ro", "pl", "uk", "ru", "ti", "so")


def own_name(code: str | None) -> str:
    """A language in its own words ("Nederlands", "Français"), whatever the interface language."""
    return language_label(code, (code or "en").replace("-", "_"))


def template_globals(gettext: Gettext, language: str) -> dict[str, Any]:
    def label(kind: str, value: Any) -> str:
        value = getattr(value, "value", value)
        if kind == "person_role":
            return gettext(ROLE_LABELS[value]) if value in ROLE_LABELS else str(value or "")
        text = LABELS.get(kind, {}).get(str(value))
        return gettext(text) if text else str(value if value is not None else "")

    def sentence(entry: Any) -> str:
        template = gettext(ACTIONS.get(entry.action, OTHER_ACTION))
        return template % {"who": entry.actor, "what": entry.object_label or label("object_type", entry.object_type)}

    return {
        "label": label,
        "labels": lambda kind: [(value, label(kind, value)) for value in LABELS[kind]],
        "sentence": sentence,
        "own_name": own_name,
        "content_languages": [(code, own_name(code)) for code in CONTENT_LANGUAGES],
        "language_in_ui": lambda code: language_label(code, language),
        "check_anchor": check_anchor,
        "check_advice": lambda finding: check_advice(finding, gettext),
    }


# The feed checker speaks to text-file authors (`published`, show.yaml); the workspace gives its advice in the
# form's own words and links each finding to the field that fixes it.
CHECK_ANCHORS = {
    "published": "published_at", "enclosure_url": "audio", "enclosure_length": "audio", "enclosure_type": "audio",
    "medium": "audio", "video": "audio", "transcripts": "transcript", "guid": "publish",
    "owner.email": "owner_email", "owner.name": "owner_name", "artwork_key": "artwork",
}  # fmt: skip
ADVICE = {
    "date-missing": N_("Choose the day and time in “Go live on”, or publish it now."),
    "date-imprecise": N_("Choose the exact day in “Go live on” when you know it."),
    "episode-title-missing": N_("Write a title."),
    "episode-description-missing": N_("Write a summary or show notes."),
    "episode-number-missing": N_("Fill in “Episode number”."),
    "enclosure-missing": N_("Upload the audio file."),
    "enclosure-unreachable": N_("Upload the audio file again."),
    "duration-missing": N_("Upload the audio file itself, so that its duration is measured."),
    "guid-missing": N_("Publish it from the workspace: publishing gives it its permanent identifier."),
    "artwork-size": N_("Upload a square image between 1400×1400 and 3000×3000 pixels."),
    "artwork-format": N_("Upload the artwork as a JPEG or PNG file."),
    "artwork-colour": N_("Upload the artwork as an RGB JPEG or PNG (not CMYK)."),
    "artwork-unreachable": N_("Upload the artwork again."),
    "transcript-language-missing": N_("Upload the transcript again and choose the language spoken in it."),
    "chapters-invalid": N_("Give every chapter a start time."),
    "title-missing": N_("Write a title."),
    "description-missing": N_("Write a description of the show."),
    "description-too-long": N_("Shorten the description."),
    "owner-email-missing": N_("Fill in “Owner's e-mail”: directories send the ownership check there."),
    "owner-email-invalid": N_("Correct “Owner's e-mail”."),
    "owner-name-missing": N_("Fill in “Owner”."),
    "author-missing": N_("Fill in “Author”."),
    "category-missing": N_("Choose a category from Apple's list."),
    "category-unknown": N_("Choose a category from Apple's list."),
    "subcategory-unknown": N_("Choose a category from Apple's list."),
    "artwork-missing": N_("Upload the show's artwork."),
}


def check_anchor(finding: Any) -> str:
    field = finding.field or "title"
    return "field-" + CHECK_ANCHORS.get(field, field)


def check_advice(finding: Any, gettext: Gettext) -> str:
    if finding.rule in ADVICE:
        return gettext(ADVICE[finding.rule])
    fields = LABELS["field"]
    return re.sub(r"`([a-z_]+)`", lambda m: "“" + gettext(fields.get(m.group(1), m.group(1))) + "”", finding.fix)
