// swhost: SWHostStatic. Implementation lands in its own files.
