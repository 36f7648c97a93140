// swhost: config language.

/// Longest-prefix lookup over byte strings in O(log n): a sorted array plus, for each entry,
/// the index of its longest proper prefix that is also an entry.
///
/// For a query q, the largest entry e <= q is found by binary search. Any entry that is a prefix
/// of q and longer than lcp(e, q) would sort between e and q, so the answer is the longest entry
/// on e's prefix chain (e itself included) no longer than lcp(e, q).
struct PrefixIndex<Value: Sendable>: Sendable {
    private var keys: [[UInt8]] = []
    private var values: [Value] = []
    private var parents: [Int] = []

    init(_ entries: [(key: [UInt8], value: Value)]) {
        let sorted = entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        keys = sorted.map(\.key)
        values = sorted.map(\.value)
        parents = Array(repeating: -1, count: keys.count)
        var stack: [Int] = []
        for i in keys.indices {
            while let top = stack.last, !keys[i].starts(with: keys[top]) { stack.removeLast() }
            parents[i] = stack.last ?? -1
            stack.append(i)
        }
    }

    var isEmpty: Bool { keys.isEmpty }

    func longestPrefix(of query: UnsafeBufferPointer<UInt8>) -> Value? {
        // Binary search for the last key <= query.
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if PrefixIndex.compare(keys[mid], query) <= 0 { lo = mid + 1 } else { hi = mid }
        }
        var i = lo - 1
        guard i >= 0 else { return nil }
        let key = keys[i]
        var common = 0
        let limit = min(key.count, query.count)
        while common < limit, key[common] == query[common] { common += 1 }
        while i >= 0, keys[i].count > common { i = parents[i] }
        return i >= 0 ? values[i] : nil
    }

    private static func compare(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        var k = 0
        while k < n {
            if a[k] != b[k] { return a[k] < b[k] ? -1 : 1 }
            k += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
