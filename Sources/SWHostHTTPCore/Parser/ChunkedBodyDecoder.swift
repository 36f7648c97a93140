// swhost: HTTP transport.

/// A resumable decoder for `Transfer-Encoding: chunked` request bodies (RFC 9112 §7.1).
///
/// Strict where smuggling lives: the size is hex digits only (no sign, no whitespace before it),
/// overflowing sizes are refused, the CRLF after chunk data is required. Chunk extensions are
/// tolerated and skipped, trailer fields are skipped. Like nginx, a bare LF ends a line.
public struct ChunkedBodyDecoder: Sendable {
    /// What one step produced.
    public enum Event: Sendable, Hashable {
        /// Body bytes at `range` of the input; `consumed` bytes of input were used.
        case data(Range<Int>)
        /// The last chunk and trailers were read; the body ends after `consumed` bytes.
        case end
        /// Not enough input to go on.
        case needMore
        /// Malformed chunk framing: 400.
        case failure
    }

    enum State: Sendable, Hashable {
        case size, sizeDigits, extensionBytes, sizeLF, data, dataCR, dataLF, trailerLineStart, trailerLine, trailerLF, finalLF, done
    }

    var state = State.size
    var remaining: Int64 = 0
    var digits = 0

    public init() {}

    /// True after the last chunk and trailers.
    public var isComplete: Bool { state == .done }

    /// Decodes from `input[offset...]`. Returns the event and how many bytes it consumed.
    /// Call repeatedly while it returns `.data` with bytes left.
    public mutating func decode(_ input: UnsafeRawBufferPointer, from offset: Int = 0) -> (Event, consumed: Int) {
        var p = offset
        let end = input.count
        let cr: UInt8 = 13, lf: UInt8 = 10
        while p < end {
            let c = input[p]
            switch state {
            case .size, .sizeDigits:
                if let h = NormalizedURI.hexValue(c) {
                    // 15 hex digits keep the size below Int64.max / 16: no overflow possible.
                    digits += 1
                    if digits > 15 { return (.failure, p - offset) }
                    remaining = remaining << 4 | Int64(h)
                    state = .sizeDigits
                } else if state == .size {
                    return (.failure, p - offset)
                } else if c == UInt8(ascii: ";") || c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") {
                    state = .extensionBytes
                } else if c == cr {
                    state = .sizeLF
                } else if c == lf {
                    p += 1
                    if let e = sizeLineDone() { return (e, p - offset) }
                    continue
                } else {
                    return (.failure, p - offset)
                }
            case .extensionBytes:
                if c == cr { state = .sizeLF } else if c == lf {
                    p += 1
                    if let e = sizeLineDone() { return (e, p - offset) }
                    continue
                } else if c == 0 { return (.failure, p - offset) }
            case .sizeLF:
                guard c == lf else { return (.failure, p - offset) }
                p += 1
                if let e = sizeLineDone() { return (e, p - offset) }
                continue
            case .data:
                let n = Int(min(Int64(end - p), remaining))
                remaining -= Int64(n)
                if remaining == 0 { state = .dataCR }
                return (.data(p..<(p + n)), p + n - offset)
            case .dataCR:
                if c == cr { state = .dataLF } else if c == lf { state = .size; reset() } else { return (.failure, p - offset) }
            case .dataLF:
                guard c == lf else { return (.failure, p - offset) }
                state = .size
                reset()
            case .trailerLineStart:
                if c == cr { state = .finalLF } else if c == lf {
                    state = .done
                    return (.end, p + 1 - offset)
                } else { state = .trailerLine }
            case .trailerLine:
                if c == cr { state = .trailerLF } else if c == lf { state = .trailerLineStart } else if c == 0 { return (.failure, p - offset) }
            case .trailerLF:
                guard c == lf else { return (.failure, p - offset) }
                state = .trailerLineStart
            case .finalLF:
                guard c == lf else { return (.failure, p - offset) }
                state = .done
                return (.end, p + 1 - offset)
            case .done:
                return (.end, p - offset)
            }
            p += 1
        }
        if state == .done { return (.end, p - offset) }
        return (.needMore, p - offset)
    }

    private mutating func reset() {
        remaining = 0
        digits = 0
    }

    /// After a size line: data follows, or trailers for the last chunk.
    private mutating func sizeLineDone() -> Event? {
        if remaining == 0 {
            state = .trailerLineStart
        } else {
            state = .data
        }
        return nil
    }
}
