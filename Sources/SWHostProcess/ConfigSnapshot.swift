// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig

/// The parsed configuration of one generation, as the master validated it, handed to that
/// generation's workers through an anonymous file. Workers compile it instead of re-reading
/// the files on disk, so a worker started (or respawned after a crash) while someone edits the
/// files serves exactly its generation's configuration, never a half-edited or broken one.
///
/// Format: little-endian, strings as a 32-bit length and UTF-8 bytes, directives recursively
/// (name, arguments with their quoting and locations, optional block, both locations).
public enum ConfigSnapshot {
    static let magic: [UInt8] = Array("SWHCFG1\n".utf8)

    public static func encode(_ directives: [ConfigDirective]) -> [UInt8] {
        var out = magic
        putInt(&out, directives.count)
        for directive in directives { put(&out, directive) }
        return out
    }

    /// nil when the bytes are not a snapshot of this format.
    public static func decode(_ bytes: [UInt8]) -> [ConfigDirective]? {
        guard bytes.starts(with: magic) else { return nil }
        var reader = Reader(bytes: bytes, offset: magic.count)
        guard let count = reader.int() else { return nil }
        var result: [ConfigDirective] = []
        for _ in 0..<count {
            guard let directive = reader.directive() else { return nil }
            result.append(directive)
        }
        return reader.offset == bytes.count ? result : nil
    }

    /// Writes `bytes` to an unlinked temporary file and returns its descriptor (close-on-exec,
    /// >= 64 like the listeners, so spawning can dup2 it to a low number safely).
    public static func anonymousFile(_ bytes: [UInt8]) -> Int32? {
        var template = Array("/tmp/swhost-config-XXXXXX".utf8CString)
        let raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard raw >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let fd = fcntl(raw, F_DUPFD_CLOEXEC, ListenSocket.minimumDescriptor)
        close(raw)
        guard fd >= 0 else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + offset, bytes.count - offset, off_t(offset)) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                close(fd)
                return nil
            }
            offset += n
        }
        return fd
    }

    /// Reads a whole snapshot file from offset 0 (pread: the offset is shared with the master).
    public static func read(descriptor fd: Int32) -> [UInt8]? {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(result.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[..<n])
        }
    }

    private static func put(_ out: inout [UInt8], _ directive: ConfigDirective) {
        putString(&out, directive.name)
        putInt(&out, directive.arguments.count)
        for argument in directive.arguments {
            putString(&out, argument.value)
            out.append(argument.isQuoted ? 1 : 0)
            putLocation(&out, argument.location)
        }
        if let block = directive.block {
            out.append(1)
            putInt(&out, block.count)
            for child in block { put(&out, child) }
        } else {
            out.append(0)
        }
        putLocation(&out, directive.location)
        putLocation(&out, directive.endLocation)
    }

    private static func putLocation(_ out: inout [UInt8], _ location: SourceLocation) {
        putString(&out, location.file)
        putInt(&out, location.line)
    }

    private static func putString(_ out: inout [UInt8], _ text: String) {
        let bytes = Array(text.utf8)
        putInt(&out, bytes.count)
        out.append(contentsOf: bytes)
    }

    private static func putInt(_ out: inout [UInt8], _ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { out.append(contentsOf: $0) }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func int() -> Int? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return Int(Int64(bitPattern: value))
        }

        mutating func string() -> String? {
            guard let count = int(), count >= 0, offset + count <= bytes.count else { return nil }
            let text = String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
            offset += count
            return text
        }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            offset += 1
            return bytes[offset - 1]
        }

        mutating func location() -> SourceLocation? {
            guard let file = string(), let line = int() else { return nil }
            return SourceLocation(file: file, line: line)
        }

        mutating func directive() -> ConfigDirective? {
            guard let name = string(), let count = int(), count >= 0 else { return nil }
            var arguments: [ConfigArgument] = []
            for _ in 0..<count {
                guard let value = string(), let quoted = byte(), let place = self.location() else { return nil }
                arguments.append(ConfigArgument(value, isQuoted: quoted == 1, location: place))
            }
            guard let hasBlock = byte() else { return nil }
            var block: [ConfigDirective]? = nil
            if hasBlock == 1 {
                guard let children = int(), children >= 0 else { return nil }
                var list: [ConfigDirective] = []
                for _ in 0..<children {
                    guard let child = directive() else { return nil }
                    list.append(child)
                }
                block = list
            }
            guard let start = self.location(), let end = self.location() else { return nil }
            return ConfigDirective(name: name, arguments: arguments, block: block, location: start, endLocation: end)
        }
    }
}
