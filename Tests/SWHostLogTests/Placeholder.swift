// Tests for SWHostLog land in this folder.
