import Testing
@testable import SWHostConfig

/// Each directive's arguments become the documented typed value (nginx module docs,
/// https://nginx.org/en/docs/http/ngx_http_core_module.html and siblings).
@Suite struct DirectiveValueTests {
    func settings(_ directives: String) throws -> HTTPSettings {
        try matchedSettings("location / { \(directives) }")
    }

    @Test func defaultsAreNginxDefaults() throws {
        let s = try settings("")
        #expect(s.clientMaxBodySize == .megabytes(1))
        #expect(s.keepaliveTimeout == .seconds(75))
        #expect(s.keepaliveRequests == 1000)
        #expect(s.largeClientHeaderBuffers == BufferSpec(count: 4, size: .kilobytes(8)))
        #expect(s.clientHeaderBufferSize == .kilobytes(1))
        #expect(s.sendTimeout == .seconds(60) && s.clientBodyTimeout == .seconds(60) && s.clientHeaderTimeout == .seconds(60))
        #expect(s.maxRanges == nil)
        #expect(s.gzipMinLength == 20 && s.gzipCompLevel == 1 && !s.gzip)
        #expect(s.gzipTypes == .types(["text/html"]))
        #expect(s.etag && s.serverTokens && !s.sendfile && s.tcpNodelay && !s.tcpNopush)
        #expect(s.ifModifiedSince == .exact)
        #expect(s.index == [VariableTemplate(literal: "index.html")])
        #expect(s.defaultType == "text/plain")
        #expect(s.root == .root(VariableTemplate(literal: "/srv/p/html")))
        #expect(s.accessLogs.map(\.path.literalValue) == ["/srv/p/logs/access.log"])
        #expect(s.accessLogs.first?.format.name == "combined")
        #expect(s.mimeSniff && s.cgiMaxProcesses == 16 && s.cgiReadTimeout == .seconds(60))
        #expect(s.cgiPath == "/usr/local/bin:/usr/bin:/bin")
        #expect(s.swiftHandlerTimeout == .seconds(60))
    }

    @Test func flagsSizesAndTimes() throws {
        let s = try settings("""
            sendfile on; tcp_nopush on; tcp_nodelay off; gzip on; gzip_vary on; etag off; autoindex on;
            autoindex_exact_size off; autoindex_localtime on; server_tokens off; mime_sniff off;
            open_file_cache_errors on; fastcgi_keep_conn on; fastcgi_intercept_errors on; fastcgi_buffering off;
            client_max_body_size 10m; keepalive_timeout 5s 4; keepalive_requests 50; send_timeout 1m;
            client_body_timeout 500ms; gzip_min_length 100; gzip_comp_level 6; max_ranges 2;
            open_file_cache_valid 30s; open_file_cache_min_uses 3; fastcgi_read_timeout 2m;
            fastcgi_connect_timeout 5s; fastcgi_send_timeout 1h30m; cgi_read_timeout 10s; cgi_max_processes 4;
            cgi_path /bin; swift_handler_timeout 3s; default_type application/octet-stream;
            """)
        #expect(s.sendfile && s.tcpNopush && !s.tcpNodelay && s.gzip && s.gzipVary && !s.etag && s.autoindex)
        #expect(!s.autoindexExactSize && s.autoindexLocaltime && !s.serverTokens && !s.mimeSniff)
        #expect(s.openFileCacheErrors && s.fastcgiKeepConn && s.fastcgiInterceptErrors && !s.fastcgiBuffering)
        #expect(s.clientMaxBodySize == .megabytes(10))
        #expect(s.keepaliveTimeout == .seconds(5) && s.keepaliveHeaderTimeout == .seconds(4))
        #expect(s.keepaliveRequests == 50 && s.sendTimeout == .seconds(60) && s.clientBodyTimeout.milliseconds == 500)
        #expect(s.gzipMinLength == 100 && s.gzipCompLevel == 6 && s.maxRanges == 2)
        #expect(s.openFileCacheValid == .seconds(30) && s.openFileCacheMinUses == 3)
        #expect(s.fastcgiReadTimeout == .seconds(120) && s.fastcgiConnectTimeout == .seconds(5))
        #expect(s.fastcgiSendTimeout == .seconds(5400))
        #expect(s.cgiReadTimeout == .seconds(10) && s.cgiMaxProcesses == 4 && s.cgiPath == "/bin")
        #expect(s.swiftHandlerTimeout == .seconds(3) && s.defaultType == "application/octet-stream")
    }

    @Test(arguments: [
        ("expires off;", Expires.off), ("expires epoch;", .epoch), ("expires max;", .max),
        ("expires 1h;", .after(.seconds(3600), modified: false)), ("expires -1h;", .after(.seconds(-3600), modified: false)),
        ("expires +30d;", .after(.seconds(2_592_000), modified: false)),
        ("expires modified 1d;", .after(.seconds(86400), modified: true)), ("expires @15h30m;", .dailyAt(.seconds(55800))),
    ])
    func expires(line: String, expected: Expires) throws {
        #expect(try settings(line).expires == expected)
    }

    @Test func enumsAndLists() throws {
        let s = try settings("""
            autoindex_format json; if_modified_since before; gzip_static always; gzip_types *;
            gzip_proxied expired no-cache; gzip_disable msie6 "MSIE [1-6]\\."; gzip_http_version 1.0; gzip_buffers 16 8k;
            disable_symlinks if_not_owner from=$document_root; charset utf-8; index index.php index.html;
            """)
        #expect(s.autoindexFormat == .json && s.ifModifiedSince == .before && s.gzipStatic == .always)
        #expect(s.gzipTypes == .any && s.gzipProxied == ["expired", "no-cache"] && s.gzipHTTPVersion == 10)
        #expect(s.gzipDisable.count == 2 && s.gzipDisable.first == .msie6)
        #expect(s.gzipBuffers == BufferSpec(count: 16, size: .kilobytes(8)))
        #expect(s.disableSymlinks == .ifNotOwner(from: try VariableTemplate(parsing: "$document_root")))
        #expect(s.charset == "utf-8" && s.index.map(\.literalValue) == ["index.php", "index.html"])
        #expect(try settings("gzip_types text/css application/json;").gzipTypes == .types(["text/html", "text/css", "application/json"]))
    }

    @Test func headersErrorPagesAndLogs() throws {
        let http = try compileHTTP("""
            log_format main escape=json '$remote_addr "$request"' ' $status';
            server { listen 80; location / {
                add_header X-A "v $host"; add_header X-B b always;
                error_page 404 /404.html; error_page 500 502 =200 /50x.html; error_page 403 = @fallback;
                access_log logs/a.log main buffer=32k flush=5s gzip=4 if=$loggable; access_log /var/log/b.log;
                set $loggable 1;
            } }
            """)
        let s = try #require(http.servers[0].locations.match("/")).location.settings
        #expect(s.addHeaders.map(\.name) == ["X-A", "X-B"] && s.addHeaders.map(\.always) == [false, true])
        #expect(s.errorPages == [
            ErrorPage(codes: [404], response: .original, target: .uri(VariableTemplate(literal: "/404.html"))),
            ErrorPage(codes: [500, 502], response: .code(200), target: .uri(VariableTemplate(literal: "/50x.html"))),
            ErrorPage(codes: [403], response: .fromTarget, target: .named("@fallback")),
        ])
        #expect(s.accessLogs.map(\.path.literalValue) == ["/srv/p/logs/a.log", "/var/log/b.log"])
        let a = s.accessLogs[0]
        #expect(a.format.name == "main" && a.format.escape == .json && a.buffer == .kilobytes(32) && a.flush == .seconds(5))
        #expect(a.gzipLevel == 4 && a.condition != nil)
        #expect(http.logFormats["main"]?.template.segments.count == 5)
        #expect(try settings("access_log off;").accessLogs.isEmpty)
    }

    @Test func accessRulesAndAuth() throws {
        let s = try settings("allow 10.0.0.0/8; allow unix:; deny all; auth_basic \"Zone\"; auth_basic_user_file /etc/htpasswd;")
        #expect(s.accessRules.map(\.action) == [.allow, .allow, .deny])
        #expect(s.accessRules[1].match == .unix && s.accessRules[2].match == .all)
        #expect(s.authBasic == VariableTemplate(literal: "Zone") && s.authBasicUserFile == "/etc/htpasswd")
        #expect(try settings("auth_basic off;").authBasic == nil)
    }

    @Test func gatewaySettings() throws {
        let s = try settings("""
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name; fastcgi_param HTTPS $https if_not_empty;
            fastcgi_index index.php; fastcgi_split_path_info ^(.+\\.php)(/.+)$;
            cgi_param X_SITE demo; cgi_interpreter .py /usr/bin/python3; cgi_interpreter .PL /usr/bin/perl;
            open_file_cache max=1000 inactive=20s;
            """)
        #expect(s.fastcgiParams.map(\.name) == ["SCRIPT_FILENAME", "HTTPS"] && s.fastcgiParams.map(\.ifNotEmpty) == [false, true])
        #expect(s.fastcgiIndex == VariableTemplate(literal: "index.php"))
        #expect(s.fastcgiSplitPathInfo?.captureCount == 2)
        #expect(s.cgiParams.map(\.name) == ["X_SITE"] && s.cgiInterpreters == ["py": "/usr/bin/python3", "pl": "/usr/bin/perl"])
        #expect(s.openFileCache == OpenFileCache(max: 1000, inactive: .seconds(20)))
        #expect(try settings("open_file_cache off;").openFileCache == nil)
    }

    @Test func serverLevelDirectives() throws {
        let server = try firstServer("""
            server { listen 80; client_header_buffer_size 2k; large_client_header_buffers 8 16k;
                     client_header_timeout 10s; underscores_in_headers on; merge_slashes off; }
            """)
        #expect(server.clientHeaderBufferSize == .kilobytes(2))
        #expect(server.largeClientHeaderBuffers == BufferSpec(count: 8, size: .kilobytes(16)))
        #expect(server.clientHeaderTimeout == .seconds(10) && server.underscoresInHeaders && !server.mergeSlashes)
    }

    @Test func locationOnlyDirectives() throws {
        let http = try compileHTTP("""
            fastcgi_app php { command /usr/bin/php-cgi -c /etc/php.ini; processes 4; env PHP_FCGI_MAX_REQUESTS=500; }
            server { listen 80;
                location /a/ { try_files $uri $uri/ /index.php?$args; internal; }
                location /b/ { try_files $uri =404; limit_except GET { allow 127.0.0.1; deny all; } }
                location /c/ { fastcgi_pass php; }
                location /d/ { fastcgi_pass unix:/run/php.sock; }
                location /e/ { fastcgi_pass 127.0.0.1:9000; }
                location /f/ { cgi on; }
                location /g/ { cgi_pass bin/app.cgi; }
                location /h/ { swift_handler hello greeting=hi mode=fast; }
                location /i/ { try_files $uri @back; }
                location @back { return 404; }
            }
            """)
        let t = http.servers[0].locations
        func loc(_ uri: String) throws -> LocationConfig { try #require(t.match(uri)).location }
        #expect(try loc("/a/").tryFiles?.files.count == 2 && loc("/a/").isInternal)
        #expect(try loc("/b/").tryFiles?.fallback == .code(404))
        let le = try #require(try loc("/b/").limitExcept)
        #expect(le.methods == ["GET", "HEAD"] && le.accessRules.count == 2)
        #expect(try loc("/c/").handler == .fastcgi(.app("php")))
        #expect(try loc("/d/").handler == .fastcgi(.unix("/run/php.sock")))
        #expect(try loc("/e/").handler == .fastcgi(.inet(host: "127.0.0.1", port: 9000)))
        #expect(try loc("/f/").handler == .cgi(program: nil))
        #expect(try loc("/g/").handler == .cgi(program: "/srv/p/bin/app.cgi"))
        #expect(try loc("/h/").handler == .swift(name: "hello", parameters: [
            SwiftHandlerParameter(key: "greeting", value: "hi"), SwiftHandlerParameter(key: "mode", value: "fast"),
        ]))
        #expect(try loc("/i/").tryFiles?.fallback == .named("@back"))
        #expect(t.named("@back")?.rewriteSteps == [.return(ReturnAction(code: 404, text: nil))])
        let app = try #require(http.fastcgiApps.first)
        #expect(app.command == ["/usr/bin/php-cgi", "-c", "/etc/php.ini"] && app.processes == 4)
        #expect(app.socket == "/srv/p/run/fastcgi-php.sock" && app.environment.map(\.name) == ["PHP_FCGI_MAX_REQUESTS"])
    }

    @Test func mainDirectives() throws {
        let main = try compileConfig("""
            worker_processes auto; pid run/x.pid; error_log stderr warn; error_log logs/e.log; user www-data www;
            daemon off; master_process off; worker_shutdown_timeout 10s; worker_timeout 30s;
            worker_max_requests 1000; worker_max_requests_jitter 100; load_module modules/h.so;
            events { worker_connections 4096; }
            """).main
        #expect(main.workerProcesses == .auto && main.workerConnections == 4096)
        #expect(main.pidPath == "/srv/p/run/x.pid")
        #expect(main.errorLogs == [ErrorLogTarget(destination: .stderr, level: .warn),
                                   ErrorLogTarget(destination: .file("/srv/p/logs/e.log"), level: .error)])
        #expect(main.user?.name == "www-data" && main.user?.group == "www")
        #expect(!main.daemon && !main.masterProcess && main.workerShutdownTimeout == .seconds(10))
        #expect(main.workerTimeout == .seconds(30) && main.workerMaxRequests == 1000 && main.workerMaxRequestsJitter == 100)
        #expect(main.loadModules == ["/srv/p/modules/h.so"] && main.http == nil)
        let defaults = try compileConfig("events {}").main
        #expect(defaults.workerProcesses == .count(1) && defaults.workerConnections == 512 && !defaults.daemon)
        #expect(defaults.pidPath == "/srv/p/logs/swhost.pid" && defaults.workerTimeout == .seconds(60) && defaults.workerMaxRequests == 0)
    }

    @Test func typesBlockReplacesInheritedMap() throws {
        let http = try compileHTTP("""
            types { text/html html htm; image/png png; }
            server { listen 80; location /a/ { types { application/x-custom html; } } location /b/ { } }
            """)
        let t = http.servers[0].locations
        #expect(http.settings.types == ["html": "text/html", "htm": "text/html", "png": "image/png"])
        #expect(try #require(t.match("/a/")).location.types == ["html": "application/x-custom"])
        #expect(try #require(t.match("/b/")).location.types["png"] == "image/png")
    }
}
