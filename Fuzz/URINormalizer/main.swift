// libFuzzer target: NormalizedURI. Invariants beyond "no crash": the path starts with `/`, has no
// `.`/`..` segments, no NUL, no `//` with merge_slashes; normalising an output that holds nothing
// decodable gives it back unchanged (idempotence); with merge_slashes on, the result equals a
// naive segment-stack reference implementation of decode + merge + RFC 3986 remove_dot_segments.

/// The reference: decode everything, split on `/`, drop empty and `.` segments, pop on `..`.
func reference(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
    var raw = Array(input)
    if let q = raw.firstIndex(of: UInt8(ascii: "?")) { raw = Array(raw[..<q]) }
    guard raw.first == UInt8(ascii: "/") else { return nil }
    var decoded = [UInt8]()
    var i = 0
    while i < raw.count {
        if raw[i] == UInt8(ascii: "%") {
            guard i + 2 < raw.count, let h = NormalizedURI.hexValue(raw[i + 1]), let l = NormalizedURI.hexValue(raw[i + 2]) else { return nil }
            decoded.append(h << 4 | l)
            i += 3
        } else {
            decoded.append(raw[i])
            i += 1
        }
    }
    if decoded.contains(0) { return nil }
    let segments = decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst()
    var stack: [ArraySlice<UInt8>] = []
    for s in segments {
        if s.isEmpty || s.elementsEqual([0x2E]) { continue }
        if s.elementsEqual([0x2E, 0x2E]) {
            if stack.isEmpty { return nil }
            stack.removeLast()
            continue
        }
        stack.append(s)
    }
    let last = segments.last ?? []
    let trailing = last.isEmpty || last.elementsEqual([0x2E]) || last.elementsEqual([0x2E, 0x2E])
    var out: [UInt8] = [UInt8(ascii: "/")]
    for (k, s) in stack.enumerated() {
        if k > 0 { out.append(UInt8(ascii: "/")) }
        out += s
    }
    if trailing && !stack.isEmpty { out.append(UInt8(ascii: "/")) }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let expected = reference(input)
    let actual = try? NormalizedURI.normalize(input, mergeSlashes: true)
    if let e = expected, String(validating: e, as: UTF8.self) != nil {
        precondition(actual.map { Array($0.path.utf8) } == e, "differs from reference: \(String(describing: actual?.path)) vs \(String(decoding: e, as: UTF8.self))")
    } else if expected == nil {
        precondition(actual == nil, "accepted what the reference refuses: \(String(describing: actual?.path))")
    }
    for merge in [true, false] {
        guard let r = try? NormalizedURI.normalize(input, mergeSlashes: merge) else { continue }
        let path = Array(r.path.utf8)
        precondition(path.first == UInt8(ascii: "/"), "path must be absolute")
        precondition(!path.contains(0), "NUL in path")
        let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for s in segments.dropFirst() {
            precondition(!(s.elementsEqual([0x2E])) && !(s.elementsEqual([0x2E, 0x2E])), "dot segment left in \(r.path)")
        }
        if merge {
            for i in 1..<max(path.count, 1) where path[i] == UInt8(ascii: "/") {
                precondition(path[i - 1] != UInt8(ascii: "/"), "double slash left in \(r.path)")
            }
        }
        // Valid UTF-8 output without `%`, `?` re-normalises to itself.
        if !path.contains(UInt8(ascii: "%")) && !path.contains(UInt8(ascii: "?")) && String(validating: path, as: UTF8.self) != nil {
            let again = path.withUnsafeBytes { try? NormalizedURI.normalize($0, mergeSlashes: merge) }
            precondition(again?.path == r.path, "not idempotent: \(r.path) -> \(String(describing: again?.path))")
        }
    }
    return 0
}
