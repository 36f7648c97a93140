// swhost: SWHostLog. Implementation lands in its own files.
