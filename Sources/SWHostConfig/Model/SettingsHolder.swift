// swhost: config language.

/// Merged settings held by reference.
///
/// `HTTPSettings` is a large struct of several dozen references: every copy retains each of them.
/// The request path keeps a pointer to one of these instead, and reads single fields through it
/// (`holder.value.gzip`), which the compiler lowers to one load; reading through an optional or
/// a branch between two owners made it copy the whole struct per access.
public final class SettingsHolder: Sendable, Hashable {
    public let value: HTTPSettings

    public init(_ value: HTTPSettings) {
        self.value = value
    }

    public static func == (a: SettingsHolder, b: SettingsHolder) -> Bool {
        a === b || a.value == b.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}
