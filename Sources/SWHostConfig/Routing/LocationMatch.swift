// swhost: config language.

/// The location chosen for a URI, with the captures of the regex that chose it (for `alias`, `$1`).
public struct LocationMatch: Sendable {
    public let location: LocationConfig
    public let captures: RegexMatch?
    /// nginx's auto-redirect: the URI is a FastCGI prefix location's name without its trailing
    /// slash (`/app` for `location /app/ { fastcgi_pass ...; }`); answer 301 to the URI plus `/`.
    public let redirectWithSlash: Bool

    public init(location: LocationConfig, captures: RegexMatch?, redirectWithSlash: Bool = false) {
        self.location = location
        self.captures = captures
        self.redirectWithSlash = redirectWithSlash
    }
}
