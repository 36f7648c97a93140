// swhost: the public Swift handler API.

#if canImport(Glibc)
import Glibc
#endif

/// The C-ABI contract between swhost and a `load_module` library.
///
/// A module exports one C function, `swhost_module_register`:
/// ```swift
/// @_cdecl("swhost_module_register")
/// public func swhost_module_register(_ hostVersion: Int32, _ registry: UnsafeMutableRawPointer) -> Int32 {
///     HandlerModule.register(hostVersion: hostVersion, registry: registry) { registry in
///         registry.register("hello_module", handler: HelloModule())
///     }
/// }
/// ```
/// The host passes its ``HandlerModule/apiVersion`` and its ``HandlerRegistry``; the module
/// registers only when the versions match and returns its own version either way, so the host
/// can say which side is out of date. SWHostKit is built without library evolution: a module
/// must be built from the same SWHostKit source with the same Swift compiler as the swhost that
/// loads it.
public enum HandlerModule {
    /// The handler API version. Emitted into the client, so a module carries the version it was
    /// compiled against rather than reading the host's.
    @_alwaysEmitIntoClient
    public static var apiVersion: Int32 { 2 }

    /// The symbol every module exports.
    public static let entryPointName = "swhost_module_register"

    /// The entry point's C type: `(host API version, registry) -> module API version`.
    public typealias EntryPoint = @convention(c) (Int32, UnsafeMutableRawPointer) -> Int32

    /// For a module's entry point: runs `body` with the host's registry when the host's API
    /// version equals this module's, and returns this module's version.
    @_alwaysEmitIntoClient
    public static func register(hostVersion: Int32, registry: UnsafeMutableRawPointer, _ body: (HandlerRegistry) -> Void) -> Int32 {
        if hostVersion == apiVersion {
            body(Unmanaged<HandlerRegistry>.fromOpaque(registry).takeUnretainedValue())
        }
        return apiVersion
    }

    /// Loads the shared library at `path` and lets it register its handlers in `registry`
    /// (the `load_module` hook). Loading the same path twice registers once.
    ///
    /// Throws with nginx-style messages: `dlopen() "PATH" failed (REASON)`, `dlsym() "PATH",
    /// "swhost_module_register" failed (REASON)`, and a version mismatch naming both versions.
    public static func load(path: String, into registry: HandlerRegistry = .shared) throws(HandlerConfigError) {
        // RTLD_NOW: a module missing a symbol fails here, at -t time, not on its first request.
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw HandlerConfigError("dlopen() \"\(path)\" failed (\(lastDLError()))")
        }
        guard let symbol = dlsym(handle, entryPointName) else {
            let reason = lastDLError()
            dlclose(handle)
            throw HandlerConfigError("dlsym() \"\(path)\", \"\(entryPointName)\" failed (\(reason))")
        }
        let entry = unsafeBitCast(symbol, to: EntryPoint.self)
        let moduleVersion = entry(apiVersion, Unmanaged.passUnretained(registry).toOpaque())
        if moduleVersion != apiVersion {
            // The library stays loaded: unloading Swift code with registered metadata is unsafe.
            throw HandlerConfigError("module \"\(path)\" is built for swhost handler API version \(moduleVersion), this swhost has version \(apiVersion); rebuild the module against this swhost's SWHostKit")
        }
    }

    private static func lastDLError() -> String {
        guard let text = dlerror() else { return "unknown error" }
        return String(cString: text)
    }
}
