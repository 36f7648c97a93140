// swhost: static files.

import CLazyLibraries
import SWHostHTTPCore

extension Autoindex {
    /// Failure of the libxml2 writer (out of memory, or libxml2 could not be loaded).
    public struct XMLError: Error, Sendable, CustomStringConvertible {
        public let operation: String
        /// Why libxml2 could not be loaded, when that is the cause.
        public let loadError: String?

        init(operation: String) {
            self.operation = operation
            self.loadError = swhost_lazy_error().map { String(cString: $0) }
        }

        public var description: String {
            loadError.map { "\(operation) failed: libxml2 could not be loaded (\($0))" } ?? "\(operation) failed"
        }
    }

    /// The xml listing, written with libxml2's `xmlTextWriter` so it is always well-formed, in
    /// nginx 1.22's layout (`ngx_http_autoindex_xml`):
    ///
    /// ```
    /// <?xml version="1.0"?>\r\n<list>\r\n
    /// <directory mtime="2026-11-22T01:02:03Z">name</directory>\r\n
    /// <file mtime="..." size="123">name</file>\r\n
    /// </list>\r\n
    /// ```
    ///
    /// Where nginx would copy bytes XML cannot carry (invalid UTF-8, control characters), swhost
    /// writes U+FFFD instead, so the document still parses; other names match nginx's output.
    public static func xml(_ entries: [Entry]) throws(XMLError) -> [UInt8] {
        guard let buffer = swhost_xml_buffer_create() else { throw XMLError(operation: "xmlBufferCreate") }
        defer { swhost_xml_buffer_free(buffer) }
        guard let writer = swhost_xml_writer_new_memory(buffer, 0) else { throw XMLError(operation: "xmlNewTextWriterMemory") }
        var freed = false
        defer { if !freed { swhost_xml_writer_free(writer) } }

        func check(_ rc: Int32, _ op: String) throws(XMLError) {
            if rc < 0 { throw XMLError(operation: op) }
        }
        func raw(_ s: String) throws(XMLError) {
            try check(swhost_xml_write_raw(writer, s), "xmlTextWriterWriteRaw")
        }
        func start(_ name: String) throws(XMLError) {
            try check(swhost_xml_start_element(writer, name), "xmlTextWriterStartElement")
        }
        func attribute(_ name: String, _ value: String) throws(XMLError) {
            try check(swhost_xml_write_attribute(writer, name, value), "xmlTextWriterWriteAttribute")
        }
        func text(_ s: String) throws(XMLError) {
            try check(swhost_xml_write_string(writer, s), "xmlTextWriterWriteString")
        }

        try raw("<?xml version=\"1.0\"?>\r\n<list>\r\n")
        for e in entries {
            try start(e.isDirectory ? "directory" : e.isFile ? "file" : "other")
            try attribute("mtime", iso8601(e.mtime))
            if e.isFile { try attribute("size", String(e.size)) }
            try text(xmlSafeName(e.name))
            try check(swhost_xml_end_element(writer), "xmlTextWriterEndElement")
            try raw("\r\n")
        }
        try raw("</list>\r\n")
        try check(swhost_xml_flush(writer), "xmlTextWriterFlush")
        swhost_xml_writer_free(writer)
        freed = true
        guard let content = swhost_xml_buffer_content(buffer) else { return [] }
        let n = Int(swhost_xml_buffer_length(buffer))
        return Array(UnsafeBufferPointer(start: content, count: max(n, 0)))
    }

    /// `2026-11-22T01:02:03Z` (nginx's xml mtime, always UTC).
    static func iso8601(_ t: Int64) -> String {
        let c = HTTPDate.Components(epochSeconds: t)
        func p(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(c.year)-\(p(c.month))-\(p(c.day))T\(p(c.hour)):\(p(c.minute)):\(p(c.second))Z"
    }

    /// Valid UTF-8 without the control characters XML 1.0 forbids.
    static func xmlSafeName(_ name: [UInt8]) -> String {
        let s = String(decoding: name, as: UTF8.self)
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }) else { return s }
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            scalars.append(u.value < 0x20 && u != "\t" && u != "\n" && u != "\r" ? "\u{FFFD}" : u)
        }
        return String(scalars)
    }
}
