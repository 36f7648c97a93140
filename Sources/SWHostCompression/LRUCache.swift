// swhost: compression (and the other caches of the package).

/// Inlinable so that each cache gets code specialized for its key and value: unspecialized, the
/// generic code looked up type metadata on every get and set (measured on the request path).
///
/// A least-recently-used map with O(1) get/set/evict and an optional cost per entry, for the
/// swhost's caches (gzip variants, open files, MIME sniffs, small files). Not thread-safe: every owner keeps it behind a lock.
/// Public (the package's modules are not a library) because `package` declarations' inlinable
/// bodies were not serialized into the module: the other modules called the unspecialized code.
public struct LRUCache<Key: Hashable, Value> {
    @usableFromInline struct Node {
        @usableFromInline var key: Key
        @usableFromInline var value: Value?
        @usableFromInline var cost: Int
        @usableFromInline var prev: Int
        @usableFromInline var next: Int

        @inlinable init(key: Key, value: Value?, cost: Int, prev: Int, next: Int) {
            self.key = key
            self.value = value
            self.cost = cost
            self.prev = prev
            self.next = next
        }
    }

    @usableFromInline var nodes: [Node] = []
    @usableFromInline var free: [Int] = []
    @usableFromInline var index: [Key: Int] = [:]
    /// Most recently used.
    @usableFromInline var head = -1
    /// Least recently used.
    @usableFromInline var tail = -1
    @usableFromInline var costSum = 0
    /// The sum of the entries' costs.
    @inlinable public var totalCost: Int { costSum }

    @inlinable public init() {}

    @inlinable public var count: Int { index.count }

    /// The value, marked as most recently used.
    @inlinable public mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        moveToFront(i)
        return nodes[i].value
    }

    /// Runs `body` on the stored value in place, marking it most recently used; nil when absent.
    /// One hash lookup where a `get` followed by a `set` took two.
    @inlinable public mutating func modify<R>(_ key: Key, _ body: (inout Value) -> R) -> R? {
        guard let i = index[key] else { return nil }
        moveToFront(i)
        return body(&nodes[i].value!)
    }

    /// The value, without touching the recency order.
    @inlinable public func peek(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        return nodes[i].value
    }

    /// Inserts or replaces; returns the replaced value, if any.
    @inlinable @discardableResult
    package mutating func set(_ key: Key, _ value: Value, cost: Int = 1) -> Value? {
        if let i = index[key] {
            let old = nodes[i].value
            costSum += cost - nodes[i].cost
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
        costSum += cost
        return nil
    }

    @inlinable @discardableResult
    package mutating func removeValue(forKey key: Key) -> Value? {
        guard let i = index.removeValue(forKey: key) else { return nil }
        return release(i)
    }

    /// Removes and returns the least recently used entry.
    @inlinable public mutating func removeLeastRecent() -> (key: Key, value: Value)? {
        guard tail >= 0 else { return nil }
        let i = tail
        let key = nodes[i].key
        index.removeValue(forKey: key)
        guard let v = release(i) else { return nil }
        return (key, v)
    }

    @inlinable public mutating func removeAll() {
        nodes.removeAll()
        free.removeAll()
        index.removeAll()
        head = -1
        tail = -1
        costSum = 0
    }

    @inlinable mutating func unlink(_ i: Int) {
        let p = nodes[i].prev
        let n = nodes[i].next
        if p >= 0 { nodes[p].next = n } else { head = n }
        if n >= 0 { nodes[n].prev = p } else { tail = p }
        nodes[i].prev = -1
        nodes[i].next = -1
    }

    @inlinable mutating func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        nodes[i].next = head
        if head >= 0 { nodes[head].prev = i }
        head = i
        if tail < 0 { tail = i }
    }

    @inlinable mutating func release(_ i: Int) -> Value? {
        unlink(i)
        let v = nodes[i].value
        // Drop the value now: it may own a file descriptor.
        nodes[i].value = nil
        costSum -= nodes[i].cost
        nodes[i].cost = 0
        free.append(i)
        return v
    }
}
