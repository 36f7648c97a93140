// swhost: SWHostTesting. Implementation lands in its own files.
