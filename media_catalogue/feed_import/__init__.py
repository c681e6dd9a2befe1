"""Bringing an existing podcast or video channel over from another host (intake, beside ingest and sync).

- `fetch`: bounded downloads (size, time, redirects, schemes, no private destinations unless allowed).
- `document`: a feed document's bytes to an lxml tree, or a refusal saying what was found and what is accepted.
- `parse`: an RSS 2.0 podcast feed to plain dataclasses, with the GUID rules and a warning for what cannot be mapped.
- `notes`: HTML descriptions to sanitized Markdown show notes.
- `apply`: writes the show and its episodes; `files` brings media, artwork, chapters and transcripts through ingest.
- `videos`: YouTube channel/playlist and Vimeo feeds into videos.
- `moves`: a show's feed moving out (itunes:new-feed-url and a 301).
"""
