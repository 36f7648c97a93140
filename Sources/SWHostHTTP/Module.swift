// swhost: SWHostHTTP. Implementation lands in its own files.
