// libFuzzer target: the request head parser, head validation, URI normalisation and the chunked
// body decoder, as the connection handler chains them. Invariants checked beyond "no crash":
// feeding the input in two pieces gives the same outcome as feeding it whole; offsets stay in bounds.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let limits = HeaderLimits(headerBufferSize: 64, largeBufferSize: 256, largeBufferCount: 4)

    var whole = HTTPRequestHeadParser(limits: limits)
    let outcome = whole.parse(input)

    // Same bytes in two steps (the split point comes from the input itself).
    if size > 1 {
        let split = Int(input[0]) % size
        var pieces = HTTPRequestHeadParser(limits: limits)
        var second = pieces.parse(UnsafeRawBufferPointer(rebasing: input[0..<split]))
        if second == .needMore { second = pieces.parse(input) }
        precondition(second == outcome, "split parse differs: \(second) vs \(outcome)")
    }

    // Byte by byte: every resume point at once.
    var stepwise = HTTPRequestHeadParser(limits: limits)
    var last = HTTPRequestHeadParser.Outcome.needMore
    var n = 0
    while n < size && last == .needMore {
        n += 1
        last = stepwise.parse(UnsafeRawBufferPointer(rebasing: input[0..<n]))
    }
    precondition(last == outcome, "byte-by-byte parse differs: \(last) vs \(outcome)")

    guard case .complete(let headLength) = outcome else { return 0 }
    precondition(headLength > 0 && headLength <= size && headLength <= limits.maximumHeadSize)
    guard case .success(let head) = whole.makeHead(input) else { return 0 }
    precondition(head.originTarget.utf8.first == UInt8(ascii: "/"))
    if let uri = try? NormalizedURI(target: head.originTarget) {
        precondition(uri.path.utf8.first == UInt8(ascii: "/"))
    }

    guard head.framing == .chunked else { return 0 }
    let body = UnsafeRawBufferPointer(rebasing: input[headLength...])
    var decoder = ChunkedBodyDecoder()
    var offset = 0
    var total = 0
    while true {
        let (event, consumed) = decoder.decode(body, from: offset)
        precondition(consumed >= 0 && offset + consumed <= body.count)
        switch event {
        case .data(let r):
            precondition(r.lowerBound >= offset && r.upperBound <= body.count && !r.isEmpty)
            total += r.count
            offset += consumed
        case .end, .failure:
            return 0
        case .needMore:
            precondition(offset + consumed == body.count)
            return 0
        }
    }
}
