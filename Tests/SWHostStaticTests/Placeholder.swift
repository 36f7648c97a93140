// Tests for SWHostStatic land in this folder.
