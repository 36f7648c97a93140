// swhost: config language.

/// `add_header NAME VALUE [always]`.
public struct AddHeader: Sendable, Hashable {
    public var name: String
    public var value: VariableTemplate
    /// Without `always` the header is added only to 200, 201, 204, 206, 301, 302, 303, 304, 307, 308.
    public var always: Bool
}

/// `expires`.
public enum Expires: Sendable, Hashable {
    case off
    /// `epoch`: `Expires: Thu, 01 Jan 1970 00:00:01 GMT`, `Cache-Control: no-cache`.
    case epoch
    /// `max`: `Expires: Thu, 31 Dec 2037 23:55:55 GMT`, `Cache-Control: max-age=315360000`.
    case max
    /// A time from now, or from the file's modification time with `modified`. Negative times
    /// give `Cache-Control: no-cache`.
    case after(ConfigTime, modified: Bool)
    /// `@15h30m`: a time of day.
    case dailyAt(ConfigTime)
}

/// `if_modified_since off | exact | before`.
public enum IfModifiedSince: String, Sendable, Hashable { case off, exact, before }

/// `satisfy`: how the `allow`/`deny` rules and `auth_basic` combine.
public enum Satisfy: String, Sendable, Hashable { case all, any }

/// `lingering_close`: `always` lingers after every response the client may still be sending to.
public enum LingeringClose: String, Sendable, Hashable { case off, on, always }
