"""RSS feeds as pure functions of catalogue objects (build.py), our feedgen extensions, and the feed checker."""

# feedgen.util uses lxml.etree after a bare `import lxml`; make sure the submodule is loaded whichever feeds module
# is imported first.
import lxml.etree  # noqa: F401
