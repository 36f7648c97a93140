// swhost: config language.

/// `open_file_cache off | max=N [inactive=TIME]`.
public struct OpenFileCache: Sendable, Hashable {
    public var max: Int
    /// Default 60s.
    public var inactive: ConfigTime
}

/// `large_client_header_buffers NUMBER SIZE`.
public struct BufferSpec: Sendable, Hashable {
    public var count: Int
    public var size: ByteSize
}
