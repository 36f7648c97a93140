// Tests for SWHostEndToEnd land in this folder.
