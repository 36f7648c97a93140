// Tests for SWHostCompression land in this folder.
