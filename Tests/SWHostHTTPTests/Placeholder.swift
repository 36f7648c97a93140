// Tests for SWHostHTTP land in this folder.
