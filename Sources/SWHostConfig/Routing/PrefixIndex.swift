// swhost: config language.

/// Longest-prefix lookup over byte strings in O(log n): sorted keys plus, for each key, the index
/// of its longest proper prefix that is also a key.
///
/// For a query q, the largest key e <= q is found by binary search. Any key that is a prefix of q
/// and longer than lcp(e, q) would sort between e and q, so the answer is the longest key on e's
/// prefix chain (e itself included) no longer than lcp(e, q).
///
/// Keys live in one flat byte buffer so that a lookup touches no reference counts.
struct PrefixIndex<Value: Sendable>: Sendable {
    private var bytes: [UInt8] = []
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var parents: [Int32] = []
    private var values: [Value] = []

    init(_ entries: [(key: String, value: Value)]) {
        guard !entries.isEmpty else { return }
        var order = Array(entries.indices)
        if order.count > 1 {
            order.sort { entries[$0].key.utf8.lexicographicallyPrecedes(entries[$1].key.utf8) }
        }
        starts.reserveCapacity(order.count)
        lengths.reserveCapacity(order.count)
        parents.reserveCapacity(order.count)
        values.reserveCapacity(order.count)
        var stack: [Int] = []
        for (i, e) in order.enumerated() {
            let key = entries[e].key.utf8
            let start = bytes.count
            starts.append(Int32(start))
            lengths.append(Int32(key.count))
            bytes.append(contentsOf: key)
            values.append(entries[e].value)
            // Pop entries that are not a prefix of this key (keys are sorted, so prefixes precede).
            while let top = stack.last {
                let topStart = Int(starts[top]), topLength = Int(lengths[top])
                if topLength <= key.count, bytes[topStart..<(topStart + topLength)].elementsEqual(bytes[start..<(start + topLength)]) { break }
                stack.removeLast()
            }
            parents.append(Int32(stack.last ?? -1))
            stack.append(i)
        }
    }

    var isEmpty: Bool { values.isEmpty }

    func longestPrefix(of query: UnsafeBufferPointer<UInt8>) -> Value? {
        guard !values.isEmpty else { return nil }
        let found: Int = bytes.withUnsafeBufferPointer { keys in
            starts.withUnsafeBufferPointer { starts in
                lengths.withUnsafeBufferPointer { lengths in
                    // Binary search for the last key <= query.
                    var lo = 0, hi = starts.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if PrefixIndex.compare(keys, Int(starts[mid]), Int(lengths[mid]), query) <= 0 { lo = mid + 1 } else { hi = mid }
                    }
                    var i = lo - 1
                    guard i >= 0 else { return -1 }
                    let start = Int(starts[i]), length = Int(lengths[i])
                    var common = 0
                    let limit = min(length, query.count)
                    while common < limit, keys[start + common] == query[common] { common += 1 }
                    parents.withUnsafeBufferPointer { parents in
                        while i >= 0, Int(lengths[i]) > common { i = Int(parents[i]) }
                    }
                    return i
                }
            }
        }
        return found >= 0 ? values[found] : nil
    }

    private static func compare(_ keys: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int,
                                _ query: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(length, query.count)
        var k = 0
        while k < n {
            let a = keys[start + k], b = query[k]
            if a != b { return a < b ? -1 : 1 }
            k += 1
        }
        return length == query.count ? 0 : (length < query.count ? -1 : 1)
    }
}
