// swhost: config language.

/// The location chosen for a URI, with the captures of the regex that chose it (for `alias`, `$1`).
public struct LocationMatch: Sendable {
    public let location: LocationConfig
    public let captures: RegexMatch?
}
