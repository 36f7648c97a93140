// swhost: compression (and the other caches of the package).

/// A least-recently-used map with O(1) get/set/evict and an optional cost per entry, for the
/// swhost's caches (gzip variants, open files, MIME sniffs, small files). Not thread-safe: every owner keeps it behind a lock.
package struct LRUCache<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value?
        var cost: Int
        var prev: Int
        var next: Int
    }

    private var nodes: [Node] = []
    private var free: [Int] = []
    private var index: [Key: Int] = [:]
    /// Most recently used.
    private var head = -1
    /// Least recently used.
    private var tail = -1
    package private(set) var totalCost = 0

    package init() {}

    package var count: Int { index.count }

    /// The value, marked as most recently used.
    package mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        moveToFront(i)
        return nodes[i].value
    }

    /// The value, without touching the recency order.
    package func peek(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        return nodes[i].value
    }

    /// Inserts or replaces; returns the replaced value, if any.
    @discardableResult
    package mutating func set(_ key: Key, _ value: Value, cost: Int = 1) -> Value? {
        if let i = index[key] {
            let old = nodes[i].value
            totalCost += cost - nodes[i].cost
            nodes[i].value = value
            nodes[i].cost = cost
            moveToFront(i)
            return old
        }
        let node = Node(key: key, value: value, cost: cost, prev: -1, next: head)
        let i: Int
        if let f = free.popLast() {
            nodes[f] = node
            i = f
        } else {
            nodes.append(node)
            i = nodes.count - 1
        }
        if head >= 0 { nodes[head].prev = i }
        head = i
        if tail < 0 { tail = i }
        index[key] = i
        totalCost += cost
        return nil
    }

    @discardableResult
    package mutating func removeValue(forKey key: Key) -> Value? {
        guard let i = index.removeValue(forKey: key) else { return nil }
        return release(i)
    }

    /// Removes and returns the least recently used entry.
    package mutating func removeLeastRecent() -> (key: Key, value: Value)? {
        guard tail >= 0 else { return nil }
        let i = tail
        let key = nodes[i].key
        index.removeValue(forKey: key)
        guard let v = release(i) else { return nil }
        return (key, v)
    }

    package mutating func removeAll() {
        nodes.removeAll()
        free.removeAll()
        index.removeAll()
        head = -1
        tail = -1
        totalCost = 0
    }

    private mutating func unlink(_ i: Int) {
        let p = nodes[i].prev
        let n = nodes[i].next
        if p >= 0 { nodes[p].next = n } else { head = n }
        if n >= 0 { nodes[n].prev = p } else { tail = p }
        nodes[i].prev = -1
        nodes[i].next = -1
    }

    private mutating func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        nodes[i].next = head
        if head >= 0 { nodes[head].prev = i }
        head = i
        if tail < 0 { tail = i }
    }

    private mutating func release(_ i: Int) -> Value? {
        unlink(i)
        let v = nodes[i].value
        // Drop the value now: it may own a file descriptor.
        nodes[i].value = nil
        totalCost -= nodes[i].cost
        nodes[i].cost = 0
        free.append(i)
        return v
    }
}
