// swhost: static files.

import CLibXML2
import SWHostHTTPCore

extension Autoindex {
    /// Failure of the libxml2 writer (out of memory, in practice).
    public struct XMLError: Error, Sendable {
        public let operation: String
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
        guard let buffer = xmlBufferCreate() else { throw XMLError(operation: "xmlBufferCreate") }
        defer { xmlBufferFree(buffer) }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else { throw XMLError(operation: "xmlNewTextWriterMemory") }
        var freed = false
        defer { if !freed { xmlFreeTextWriter(writer) } }

        func check(_ rc: Int32, _ op: String) throws(XMLError) {
            if rc < 0 { throw XMLError(operation: op) }
        }
        func raw(_ s: String) throws(XMLError) {
            try check(s.withCString { xmlTextWriterWriteRaw(writer, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }, "xmlTextWriterWriteRaw")
        }
        func start(_ name: String) throws(XMLError) {
            try check(name.withCString { xmlTextWriterStartElement(writer, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }, "xmlTextWriterStartElement")
        }
        func attribute(_ name: String, _ value: String) throws(XMLError) {
            let rc = name.withCString { n in
                value.withCString { v in
                    xmlTextWriterWriteAttribute(writer, UnsafeRawPointer(n).assumingMemoryBound(to: xmlChar.self),
                                                UnsafeRawPointer(v).assumingMemoryBound(to: xmlChar.self))
                }
            }
            try check(rc, "xmlTextWriterWriteAttribute")
        }
        func text(_ s: String) throws(XMLError) {
            try check(s.withCString { xmlTextWriterWriteString(writer, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }, "xmlTextWriterWriteString")
        }

        try raw("<?xml version=\"1.0\"?>\r\n<list>\r\n")
        for e in entries {
            try start(e.isDirectory ? "directory" : e.isFile ? "file" : "other")
            try attribute("mtime", iso8601(e.mtime))
            if e.isFile { try attribute("size", String(e.size)) }
            try text(xmlSafeName(e.name))
            try check(xmlTextWriterEndElement(writer), "xmlTextWriterEndElement")
            try raw("\r\n")
        }
        try raw("</list>\r\n")
        try check(xmlTextWriterFlush(writer), "xmlTextWriterFlush")
        xmlFreeTextWriter(writer)
        freed = true
        guard let content = xmlBufferContent(buffer) else { return [] }
        let n = Int(xmlBufferLength(buffer))
        return Array(UnsafeBufferPointer(start: content, count: n))
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
