// libFuzzer target: NormalizedURI. Invariants beyond "no crash": the path starts with `/`, has no
// `.`/`..` segments, no NUL, no `//` with merge_slashes; normalising an output that holds nothing
// decodable gives it back unchanged (idempotence).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
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
