"""Browser tests: the resident's pages in headless Chromium against a live server."""
