// swhost: config language.

import CPCRE2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PCRE2 regex compiled (and JIT-compiled when available) at config load.
///
/// JIT compilation is deferred to the first match: it costs ~10µs per pattern, which for a config
/// with thousands of regex locations would dominate load time, and most patterns of a big config
/// are never used by a given worker.
///
/// `@unchecked Sendable`: the compiled `pcre2_code` is only modified by the one-time JIT
/// compilation, which runs under `lock`; every match takes `lock` first (so it happens after
/// the JIT compilation finished) and uses its own match data, which PCRE2 documents as safe for
/// concurrent matching against one code object.
public final class ConfigRegex: @unchecked Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    public let caseless: Bool
    /// Number of capture groups.
    public let captureCount: Int
    /// Named groups → group number.
    public let names: [String: Int]
    private let code: OpaquePointer
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    /// Guarded by `lock`.
    private var jitAttempted = false

    /// The error text nginx prints: `pcre2_compile() failed: MESSAGE in "RE"` (plus ` at "REST"`
    /// when the error is not at the end).
    public struct CompileError: Error, Sendable, Hashable {
        public var message: String
    }

    public init(_ pattern: String, caseless: Bool = false) throws(CompileError) {
        self.pattern = pattern
        self.caseless = caseless
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let options: UInt32 = caseless ? PCRE2_CASELESS : 0
        let compiled: OpaquePointer? = pattern.withCString { p in
            pcre2_compile_8(UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), pattern.utf8.count, options,
                            &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
            let text = String(decoding: buffer.prefix(Int(max(0, n))), as: UTF8.self)
            let utf8 = Array(pattern.utf8)
            if errorOffset >= utf8.count {
                throw CompileError(message: "pcre2_compile() failed: \(text) in \"\(pattern)\"")
            }
            let rest = String(decoding: utf8[errorOffset...], as: UTF8.self)
            throw CompileError(message: "pcre2_compile() failed: \(text) in \"\(pattern)\" at \"\(rest)\"")
        }
        self.code = compiled
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var names: [String: Int] = [:]
        if let table, nameCount > 0 {
            for i in 0..<Int(nameCount) {
                let entry = table + i * Int(entrySize)
                let number = Int(entry[0]) << 8 | Int(entry[1])
                names[String(cString: entry + 2)] = number
            }
        }
        self.names = names
    }

    deinit {
        pcre2_code_free_8(code)
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// JIT-compiles on first use (optional: without JIT support PCRE2 interprets).
    private func prepare() {
        pthread_mutex_lock(lock)
        if !jitAttempted {
            jitAttempted = true
            _ = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE)
        }
        pthread_mutex_unlock(lock)
    }

    /// Matches `subject`; nil when it does not match.
    public func match(_ subject: String) -> RegexMatch? {
        var s = subject
        return s.withUTF8 { buffer in match(utf8: buffer, subject: subject) }
    }

    /// True when `subject` matches, without building a `RegexMatch` (for `gzip_disable`, `if ($x ~ re)` without captures).
    public func matches(_ subject: String) -> Bool {
        var s = subject
        prepare()
        return s.withUTF8 { buffer in
            guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return false }
            defer { pcre2_match_data_free_8(data) }
            return pcre2_match_8(code, buffer.baseAddress, buffer.count, 0, 0, data, nil) >= 0
        }
    }

    private func match(utf8 buffer: UnsafeBufferPointer<UInt8>, subject: String) -> RegexMatch? {
        prepare()
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return nil }
        defer { pcre2_match_data_free_8(data) }
        let rc = pcre2_match_8(code, buffer.baseAddress, buffer.count, 0, 0, data, nil)
        guard rc >= 0 else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(data)!
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(captureCount + 1)
        for i in 0...captureCount {
            let start = ovector[2 * i], end = ovector[2 * i + 1]
            if start == Int.max || end == Int.max || i >= Int(rc) && rc > 0 {
                ranges.append(nil)
            } else {
                ranges.append(start..<end)
            }
        }
        return RegexMatch(subject: subject, ranges: ranges, names: names)
    }

    public var description: String { pattern }

    public static func == (a: ConfigRegex, b: ConfigRegex) -> Bool { a.pattern == b.pattern && a.caseless == b.caseless }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern); hasher.combine(caseless) }
}
