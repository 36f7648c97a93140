// Tests for SWHostHTTPCore land in this folder.
