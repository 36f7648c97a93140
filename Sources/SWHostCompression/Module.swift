// swhost: SWHostCompression. Implementation lands in its own files.
