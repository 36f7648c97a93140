// End-to-end: Content-Type by extension (`types`, `default_type`, nginx's mime.types) and
// swhost's libmagic sniffing of files without a known extension (`mime_sniff`, swhost-only).

import Foundation
import SWHostTesting
import Testing

/// A 1x1 PNG.
private let png: [UInt8] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 144, 119,
    83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 0, 3, 1, 1, 0, 201, 254, 146, 239, 0, 0,
    0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
]
private let pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

private let mimeServer = SharedServer {
    try E2EServer(
        name: "mime",
        http: """
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location / { }
                location /custom/ { types { text/x-custom cst; } default_type text/x-default; mime_sniff off; }
                location /nosniff/ { mime_sniff off; }
                location /deftype/ { mime_sniff off; default_type text/plain; }
            }
            """,
        files: [
            "www/a.css": "a{}", "www/a.js": "1;", "www/a.json": "{}", "www/a.svg": "<svg/>",
            "www/a.HTML": "<p>upper</p>", "www/a.woff2": "w", "www/a.unknownext": "plain words\n",
            "www/custom/x.cst": "c", "www/custom/x.css": "c",
            "www/pdf-noext": pdf, "www/text-noext": "just some plain words\n",
            "www/nosniff/pdf-noext": pdf, "www/deftype/bin-noext": pdf,
        ],
        binaryFiles: ["www/png-noext": Data(png), "www/nosniff/png-noext": Data(png), "www/img.png": Data(png)])
}

@Suite(.serialized) struct StaticMIMETests {
    var s: E2EServer { get throws { try mimeServer.get() } }

    /// Types from nginx 1.22's mime.types, which swhost ships.
    @Test(arguments: [
        ("/a.css", "text/css"), ("/a.js", "application/javascript"), ("/a.json", "application/json"),
        ("/a.svg", "image/svg+xml"), ("/a.HTML", "text/html"), ("/a.woff2", "font/woff2"), ("/img.png", "image/png"),
    ])
    func typeByExtension(path: String, type: String) throws {
        let r = try s.get(path)
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == type)
    }

    @Test func typesBlockInALocationReplacesTheMap() throws {
        #expect(try s.get("/custom/x.cst").header("Content-Type") == "text/x-custom")
        #expect(try s.get("/custom/x.css").header("Content-Type") == "text/x-default")
    }

    @Test(.disabled(if: E2EServer.againstNginx, "mime_sniff is swhost's"))
    func sniffsFilesWithoutAKnownExtension() throws {
        #expect(try s.get("/png-noext").header("Content-Type") == "image/png")
        #expect(try s.get("/pdf-noext").header("Content-Type") == "application/pdf")
        #expect(try s.get("/text-noext").header("Content-Type") == "text/plain; charset=utf-8")
        #expect(try s.get("/a.unknownext").header("Content-Type") == "text/plain; charset=utf-8")
    }

    @Test(.disabled(if: E2EServer.againstNginx, "mime_sniff is swhost's"))
    func mimeSniffOffFallsBackToDefaultType() throws {
        #expect(try s.get("/nosniff/png-noext").header("Content-Type") == "application/octet-stream")
        #expect(try s.get("/nosniff/pdf-noext").header("Content-Type") == "application/octet-stream")
        #expect(try s.get("/deftype/bin-noext").header("Content-Type") == "text/plain")
    }

    @Test func sniffedBodyIsTheFileUnchanged() throws {
        let r = try s.get("/png-noext")
        #expect(r.body == png)
    }
}
